"""Claiming, withdrawing, approval, rosters and notifications over the API."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from volunteer_hub.core.timeutil import now


@pytest.fixture
def community(make_org):
    street = make_org("民治街道", "street")
    return {
        "street": street,
        "community": make_org("白石龙社区", "community", street),
        "sibling": make_org("民泰社区", "community", street),
    }


@pytest.fixture
def volunteer(make_user, api_token):
    def factory(name="志愿者"):
        user = make_user(name)
        return user, api_token(user)

    return factory


def claim(api, token, shift_id):
    return api.post(f"/shifts/{shift_id}/claims", token=token)


def test_a_claim_with_room_is_confirmed(api, make_task, volunteer):
    shift_id = make_task().shifts[0].id
    _, token = volunteer()

    response = claim(api, token, shift_id)

    assert response.status_code == 201
    assert response.json["status"] == "confirmed"
    mine = api.get("/me/claims", token=token).json["items"]
    assert [(c["id"], c["status"], c["shift"]["confirmed"]) for c in mine] == [(response.json["id"], "confirmed", 1)]


def test_a_full_shift_waitlists_in_order(api, make_task, volunteer):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    claim(api, volunteer()[1], shift_id)

    second = claim(api, volunteer()[1], shift_id).json
    third = claim(api, volunteer()[1], shift_id).json

    assert (second["status"], second["waitlist_position"]) == ("waitlisted", 1)
    assert (third["status"], third["waitlist_position"]) == ("waitlisted", 2)


def test_a_task_needing_approval_makes_claims_pending(api, make_task, volunteer):
    shift_id = make_task(requires_approval=True).shifts[0].id

    response = claim(api, volunteer()[1], shift_id)

    assert response.json["status"] == "pending"


def test_claiming_twice_is_409_already_claimed(api, make_task, volunteer):
    shift_id = make_task().shifts[0].id
    _, token = volunteer()
    first = claim(api, token, shift_id).json

    again = claim(api, token, shift_id)

    assert again.status_code == 409
    assert again.json["error"]["code"] == "already_claimed"
    assert again.json["error"]["claim_id"] == first["id"]


def test_an_overlapping_shift_is_409_naming_the_other_shift(api, make_task, volunteer):
    _, token = volunteer()
    # Daytime shifts tomorrow from 08:00 (at night, the rest rule would refuse the back-to-back one instead).
    shanghai = ZoneInfo("Asia/Shanghai")
    eight = datetime.combine(datetime.now(shanghai).date() + timedelta(days=1), time(8), tzinfo=shanghai)
    start = eight - datetime.now(UTC)
    first = make_task(title="东门卡口", shifts=[(start, 4, 5)]).shifts[0].id
    second = make_task(title="消杀", shifts=[(start + timedelta(hours=3), 4, 5)]).shifts[0].id
    adjacent = make_task(title="配送", shifts=[(start + timedelta(hours=4), 2, 5)]).shifts[0].id
    claim(api, token, first)

    response = claim(api, token, second)

    assert response.status_code == 409
    assert response.json["error"]["code"] == "shift_overlap"
    assert response.json["error"]["other_shift_id"] == first
    assert "东门卡口" in response.json["error"]["message"]
    assert claim(api, token, adjacent).json["status"] == "confirmed"  # back-to-back is not an overlap


def test_cancelling_a_confirmed_place_promotes_the_oldest_waitlisted(api, make_task, volunteer):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    _, holder = volunteer()
    _, first_waiting = volunteer()
    _, second_waiting = volunteer()
    held = claim(api, holder, shift_id).json
    claim(api, first_waiting, shift_id)
    claim(api, second_waiting, shift_id)

    response = api.delete(f"/claims/{held['id']}", token=holder)

    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert api.get("/me/claims", token=first_waiting).json["items"][0]["status"] == "confirmed"
    assert api.get("/me/claims", token=second_waiting).json["items"][0]["waitlist_position"] == 1
    notes = api.get("/me/notifications", token=first_waiting).json
    assert [n["kind"] for n in notes["items"]] == ["claim_promoted"] and notes["unread"] == 1


def test_a_waitlisted_volunteer_with_a_clashing_shift_is_skipped(api, make_task, volunteer):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    clash = make_task(shifts=[(timedelta(days=1, hours=1), 2, 5)]).shifts[0].id
    _, holder = volunteer()
    _, busy = volunteer()
    _, free = volunteer()
    held = claim(api, holder, shift_id).json
    claim(api, busy, shift_id)
    claim(api, free, shift_id)
    claim(api, busy, clash)  # meanwhile confirmed elsewhere at the same time

    api.delete(f"/claims/{held['id']}", token=holder)

    statuses = {c["shift_id"]: c["status"] for c in api.get("/me/claims", token=busy).json["items"]}
    assert statuses == {shift_id: "waitlisted", clash: "confirmed"}
    assert api.get("/me/claims", token=free).json["items"][0]["status"] == "confirmed"


def test_cancelling_twice_is_harmless_and_someone_elses_claim_is_404(api, make_task, volunteer):
    shift_id = make_task().shifts[0].id
    _, token = volunteer()
    _, stranger = volunteer()
    held = claim(api, token, shift_id).json

    assert api.delete(f"/claims/{held['id']}", token=stranger).status_code == 404
    assert api.delete(f"/claims/{held['id']}", token=token).status_code == 200
    assert api.delete(f"/claims/{held['id']}", token=token).json["status"] == "cancelled"
    assert api.delete("/claims/999999", token=token).status_code == 404


def test_no_cancelling_or_claiming_once_the_shift_has_started(api, make_task, volunteer):
    shift_id = make_task(shifts=[(timedelta(hours=1), 4, 5)]).shifts[0].id
    _, token = volunteer()
    _, late = volunteer()
    held = claim(api, token, shift_id).json

    with time_machine.travel(now() + timedelta(hours=2)):
        cancel = api.delete(f"/claims/{held['id']}", token=token)
        too_late = claim(api, late, shift_id)

    assert (cancel.status_code, cancel.json["error"]["code"]) == (409, "shift_started")
    assert (too_late.status_code, too_late.json["error"]["code"]) == (409, "shift_started")


def test_claiming_on_a_cancelled_task_or_unknown_shift_is_refused(api, make_task, volunteer):
    shift_id = make_task(status="cancelled").shifts[0].id
    _, token = volunteer()

    assert claim(api, token, shift_id).json["error"]["code"] == "task_cancelled"
    assert claim(api, token, 999999).status_code == 404


def test_claiming_needs_a_token(api, make_task):
    assert api.post(f"/shifts/{make_task().shifts[0].id}/claims").status_code == 401


# --- approval ---


@pytest.fixture
def organizer(community, make_user, grant, api_token):
    user = make_user("王书记")
    grant(user, community["community"])
    return api_token(user)


def test_organizer_approves_a_pending_request_and_the_volunteer_is_told(
    api, community, make_task, volunteer, organizer
):
    shift_id = make_task(community["community"], requires_approval=True).shifts[0].id
    _, token = volunteer()
    pending = claim(api, token, shift_id).json

    response = api.post(f"/claims/{pending['id']}/approve", token=organizer)

    assert response.json["status"] == "confirmed"
    assert api.get("/me/notifications", token=token).json["items"][0]["kind"] == "claim_approved"


def test_approval_respects_capacity(api, community, make_task, volunteer, organizer):
    shift_id = (
        make_task(community["community"], requires_approval=True, shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    )
    first = claim(api, volunteer()[1], shift_id).json
    second = claim(api, volunteer()[1], shift_id).json
    api.post(f"/claims/{first['id']}/approve", token=organizer)

    response = api.post(f"/claims/{second['id']}/approve", token=organizer)

    assert (response.status_code, response.json["error"]["code"]) == (409, "shift_full")


def test_rejecting_frees_the_place_and_tells_the_volunteer(api, community, make_task, volunteer, organizer):
    shift_id = make_task(community["community"], shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    _, removed = volunteer()
    _, waiting = volunteer()
    held = claim(api, removed, shift_id).json
    claim(api, waiting, shift_id)

    response = api.post(f"/claims/{held['id']}/reject", token=organizer)

    assert response.json["status"] == "rejected"
    assert api.get("/me/notifications", token=removed).json["items"][0]["kind"] == "claim_removed"
    assert api.get("/me/claims", token=waiting).json["items"][0]["status"] == "confirmed"


def test_a_rejection_reason_is_shown_to_the_volunteer(api, community, make_task, volunteer, organizer):
    shift_id = make_task(community["community"], requires_approval=True).shifts[0].id
    _, token = volunteer()
    pending = claim(api, token, shift_id).json

    response = api.post(
        f"/claims/{pending['id']}/reject",
        token=organizer,
        json={"reason": "  This shift needs a first-aid certificate.  "},
    )

    assert response.json["organizer_reason"] == "This shift needs a first-aid certificate."
    note = api.get("/me/notifications", token=token).json["items"][0]
    assert note["kind"] == "claim_rejected" and "This shift needs a first-aid certificate." in note["text"]
    assert api.get("/me/claims", token=token).json["items"][0]["organizer_reason"] == (
        "This shift needs a first-aid certificate."
    )


def test_a_rejection_reason_longer_than_500_characters_is_400(api, community, make_task, volunteer, organizer):
    shift_id = make_task(community["community"], requires_approval=True).shifts[0].id
    _, token = volunteer()
    pending = claim(api, token, shift_id).json

    response = api.post(f"/claims/{pending['id']}/reject", token=organizer, json={"reason": "x" * 501})

    assert (response.status_code, response.json["error"]["code"]) == (400, "validation_error")
    assert "reason" in response.json["error"]["fields"]
    assert api.get("/me/claims", token=token).json["items"][0]["status"] == "pending"


@pytest.mark.parametrize("who", ["volunteer", "sibling_organizer", "reviewer"])
def test_only_organizers_of_the_tasks_subtree_approve_or_reject(
    api, community, make_task, make_user, grant, api_token, volunteer, who
):
    shift_id = make_task(community["community"], requires_approval=True).shifts[0].id
    _, token = volunteer()
    pending = claim(api, token, shift_id).json
    actor = make_user()
    if who == "sibling_organizer":
        grant(actor, community["sibling"])
    elif who == "reviewer":
        grant(actor, community["street"], "reviewer")
    actor_token = api_token(actor)

    approve = api.post(f"/claims/{pending['id']}/approve", token=actor_token)
    reject = api.post(f"/claims/{pending['id']}/reject", token=actor_token)

    assert (approve.status_code, reject.status_code) == (403, 403)
    assert api.get("/me/claims", token=token).json["items"][0]["status"] == "pending"


# --- rosters ---


def test_roster_shows_full_phones_to_organizers_and_masked_ones_to_reviewers(
    api, community, make_task, make_user, grant, api_token, organizer
):
    shift_id = make_task(community["community"]).shifts[0].id
    member = make_user("党员张三", party_member=True, show_party_badge=True, skills=["english"])
    claim(api, api_token(member), shift_id)
    reviewer = make_user()
    grant(reviewer, community["street"], "reviewer")

    as_organizer = api.get(f"/shifts/{shift_id}/roster", token=organizer).json["items"]
    as_reviewer = api.get(f"/shifts/{shift_id}/roster", token=api_token(reviewer)).json["items"]

    assert as_organizer[0]["phone"] == member.phone
    assert as_organizer[0]["party_member"] is True and as_organizer[0]["skills"] == ["english"]
    assert as_reviewer[0]["phone"] == f"{member.phone[3:6]}****{member.phone[-4:]}"
    assert member.phone not in str(as_reviewer)


@pytest.mark.parametrize("who", ["volunteer", "sibling_organizer"])
def test_roster_is_hidden_from_volunteers_and_other_communities(
    api, community, make_task, make_user, grant, api_token, who
):
    shift_id = make_task(community["community"]).shifts[0].id
    actor = make_user()
    if who == "sibling_organizer":
        grant(actor, community["sibling"])

    response = api.get(f"/shifts/{shift_id}/roster", token=api_token(actor))

    assert response.status_code == 403


# --- notifications ---


def test_notifications_are_marked_read_only_by_their_owner(api, community, make_task, volunteer, organizer):
    shift_id = make_task(community["community"], requires_approval=True).shifts[0].id
    _, token = volunteer()
    _, other = volunteer()
    api.post(f"/claims/{claim(api, token, shift_id).json['id']}/approve", token=organizer)
    note = api.get("/me/notifications", token=token).json["items"][0]

    assert api.post(f"/me/notifications/{note['id']}/read", token=other).status_code == 404
    read = api.post(f"/me/notifications/{note['id']}/read", token=token)

    assert read.json["read_at"] is not None
    assert api.get("/me/notifications", token=token).json["unread"] == 0
    assert "东门卡口值守" in note["text"]


def test_a_volunteer_who_checked_in_cannot_cancel_any_more(api, make_task, volunteer):
    task = make_task(shifts=[(timedelta(minutes=10), 4, 5)])
    _, token = volunteer()
    held = claim(api, token, task.shifts[0].id).json
    checked_in = api.post(
        f"/claims/{held['id']}/check-in", token=token, json={"lat": task.lat, "lon": task.lon, "accuracy_m": 15}
    )
    assert checked_in.status_code == 200

    response = api.delete(f"/claims/{held['id']}", token=token)

    assert (response.status_code, response.json["error"]["code"]) == (409, "already_checked_in")
