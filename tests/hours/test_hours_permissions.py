"""Who may confirm and correct hours: organizers of the task's organisation subtree, never for themselves or a
shift they served on. Reviewers read. Refused attempts to confirm one's own shift are flagged."""

import pytest

from tests.hours.conftest import local


def confirm(api, token, claim_id, **body):
    return api.post(f"/claims/{claim_id}/confirm", json=body, token=token)


@pytest.fixture
def finished(world, clock, make_shift, attend, volunteer):
    """A shift that ended with one volunteer checked in and out: (shift, volunteer, their token, claim id)."""
    shift = make_shift()
    user, token = volunteer()
    claim_id = attend(shift, user, local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))
    clock.move_to(local("2026-03-02", "13:00"))
    return shift, user, token, claim_id


def test_an_organizer_of_a_parent_organisation_may_confirm(api, world, finished):
    _, _, _, claim_id = finished

    assert confirm(api, world.tokens["street_organizer"], claim_id).status_code == 201


def test_the_volunteer_cannot_confirm_their_own_hours(api, finished, ledger):
    _, _, token, claim_id = finished

    response = confirm(api, token, claim_id)

    assert (response.status_code, response.json["error"]["code"]) == (403, "forbidden")
    assert ledger() == []


def test_an_organizer_of_another_community_cannot_confirm(api, world, finished, ledger):
    shift, _, _, claim_id = finished

    assert confirm(api, world.tokens["other_organizer"], claim_id).status_code == 403
    assert api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["other_organizer"]).status_code == 403
    assert api.get(f"/shifts/{shift.id}/hours", token=world.tokens["other_organizer"]).status_code == 403
    assert ledger() == []


def test_a_reviewer_may_read_the_hours_but_not_confirm_them(api, world, finished, ledger):
    shift, _, _, claim_id = finished

    read = api.get(f"/shifts/{shift.id}/hours", token=world.tokens["reviewer"])
    refused = confirm(api, world.tokens["reviewer"], claim_id)

    assert read.status_code == 200 and [i["proposed_minutes"] for i in read.json["items"]] == [240]
    assert refused.status_code == 403
    assert api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["reviewer"]).status_code == 403
    assert ledger() == []


def test_an_organizer_cannot_confirm_their_own_hours_and_the_attempt_is_flagged(
    api, world, clock, make_shift, attend, ledger, flags
):
    shift = make_shift()
    claim_id = attend(shift, world.street_organizer, marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    response = confirm(api, world.tokens["street_organizer"], claim_id)

    assert (response.status_code, response.json["error"]["code"]) == (403, "own_hours")
    assert ledger() == []
    assert flags() == [("self_confirmed", f"self_confirmed:claim:{claim_id}:by:{world.street_organizer.id}")]


def test_an_organizer_who_served_on_the_shift_cannot_confirm_it_and_the_attempt_is_flagged(
    api, world, finished, attend, ledger, flags
):
    shift, _, _, claim_id = finished
    attend(shift, world.organizer, local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))

    one = confirm(api, world.tokens["organizer"], claim_id)
    everyone = api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"])

    assert (one.status_code, one.json["error"]["code"]) == (403, "attended_shift")
    assert (everyone.status_code, everyone.json["error"]["code"]) == (403, "attended_shift")
    assert ledger() == []
    assert [kind for kind, _ in flags()] == ["self_confirmed", "self_confirmed"]
    assert confirm(api, world.tokens["street_organizer"], claim_id).status_code == 201


def test_a_volunteer_cannot_dispute_someone_elses_entry(api, world, finished, volunteer):
    _, _, _, claim_id = finished
    entry_id = confirm(api, world.tokens["organizer"], claim_id).json["id"]
    _, stranger = volunteer("路人")

    response = api.post(f"/hours/{entry_id}/disputes", json={"reason": "不对"}, token=stranger)

    assert response.status_code == 404


def test_an_organizer_of_another_community_cannot_correct_or_answer(api, world, finished):
    shift, user, token, claim_id = finished
    entry_id = confirm(api, world.tokens["organizer"], claim_id).json["id"]
    dispute_id = api.post(f"/hours/{entry_id}/disputes", json={"reason": "我干了五小时"}, token=token).json["id"]
    other = world.tokens["other_organizer"]

    correction = api.post(
        "/hours/corrections",
        json={"volunteer_id": user.id, "shift_id": shift.id, "minutes": 60, "reason": "补录"},
        token=other,
    )
    accept = api.post(f"/hours/disputes/{dispute_id}/accept", json={"total_minutes": 300}, token=other)
    refuse = api.post(f"/hours/disputes/{dispute_id}/refuse", json={"response": "不"}, token=other)
    listed = api.get("/hours/disputes", token=other).json["items"]

    assert (correction.status_code, accept.status_code, refuse.status_code, listed) == (403, 403, 403, [])


def test_a_reviewer_sees_requests_but_cannot_answer_them(api, world, finished):
    _, _, token, claim_id = finished
    entry_id = confirm(api, world.tokens["organizer"], claim_id).json["id"]
    dispute_id = api.post(f"/hours/{entry_id}/disputes", json={"reason": "我干了五小时"}, token=token).json["id"]

    listed = api.get("/hours/disputes", token=world.tokens["reviewer"]).json["items"]
    accept = api.post(
        f"/hours/disputes/{dispute_id}/accept", json={"total_minutes": 300}, token=world.tokens["reviewer"]
    )

    assert [d["id"] for d in listed] == [dispute_id]
    assert accept.status_code == 403
