"""Confirming attendees' hours: what is proposed, what an entry records, adjusting, confirming all at once."""

import sqlalchemy as sa

from tests.hours.conftest import local
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry


def confirm(api, token, claim_id, **body):
    return api.post(f"/claims/{claim_id}/confirm", json=body, token=token)


def proposals(api, token, shift_id):
    items = api.get(f"/shifts/{shift_id}/hours", token=token).json["items"]
    return {item["claim_id"]: (item["basis"], item["proposed_minutes"]) for item in items}


def test_check_in_to_check_out_is_proposed_clipped_to_the_shift(api, world, clock, make_shift, attend, volunteer):
    shift = make_shift("2026-03-02", "08:00", hours=4)
    early_and_late = attend(shift, volunteer()[0], local("2026-03-02", "07:40"), local("2026-03-02", "12:30"))
    late_and_early = attend(shift, volunteer()[0], local("2026-03-02", "08:10"), local("2026-03-02", "11:05"))
    clock.move_to(local("2026-03-02", "13:00"))

    assert proposals(api, world.tokens["organizer"], shift.id) == {
        early_and_late: ("checked_in_out", 240),
        late_and_early: ("checked_in_out", 175),
    }


def test_attendance_marked_by_hand_proposes_the_shift_length(api, world, clock, make_shift, attend, volunteer):
    shift = make_shift("2026-03-02", "08:00", hours=4.5)
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    entry = confirm(api, world.tokens["organizer"], claim_id).json

    assert (entry["minutes"], entry["hours"], entry["source"]) == (270, 4.5, "manual")


def test_a_night_shift_counts_twelve_hours_on_its_start_date(api, world, clock, make_shift, attend, volunteer):
    shift = make_shift("2026-03-02", "20:00", hours=12)
    claim_id = attend(shift, volunteer()[0], local("2026-03-02", "19:50"), local("2026-03-03", "08:05"))
    clock.move_to(local("2026-03-03", "09:00"))

    entry = confirm(api, world.tokens["organizer"], claim_id).json

    assert (entry["minutes"], entry["hours"], entry["date"]) == (720, 12.0, "2026-03-02")


def test_without_a_check_out_the_scheduled_end_is_assumed_and_shown_as_pending(
    api, world, clock, make_shift, attend, volunteer
):
    shift = make_shift("2026-03-02", "08:00", hours=4)
    user, token = volunteer()
    claim_id = attend(shift, user, local("2026-03-02", "08:30"))
    clock.move_to(local("2026-03-02", "13:00"))

    assert proposals(api, world.tokens["organizer"], shift.id) == {claim_id: ("no_check_out", 210)}
    mine = api.get("/me/hours", token=token, headers={"Accept-Language": "en"}).json
    assert mine["total_minutes"] == 0
    assert [(p["proposed_minutes"], p["basis"], p["confirm_by"]) for p in mine["pending"]] == [
        (210, "no_check_out", "2026-03-16")
    ]
    assert "scheduled end 12:00 was assumed" in mine["pending"][0]["basis_text"]


def test_a_no_show_gets_no_proposal_and_cannot_be_confirmed(api, world, clock, make_shift, attend, volunteer):
    shift = make_shift()
    claim_id = attend(shift, volunteer()[0], no_show=True)
    clock.move_to(local("2026-03-02", "13:00"))

    assert proposals(api, world.tokens["organizer"], shift.id) == {claim_id: ("no_show", None)}
    response = confirm(api, world.tokens["organizer"], claim_id)
    assert (response.status_code, response.json["error"]["code"]) == (409, "no_show")


def test_hours_wait_until_the_shift_ends_or_the_volunteer_checks_out(api, world, clock, make_shift, attend, volunteer):
    shift = make_shift("2026-03-02", "08:00", hours=4)
    still_there = attend(shift, volunteer()[0], local("2026-03-02", "08:00"))
    left_early = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "10:00"))
    clock.move_to(local("2026-03-02", "10:30"))

    refused = confirm(api, world.tokens["organizer"], still_there)
    accepted = confirm(api, world.tokens["organizer"], left_early)

    assert (refused.status_code, refused.json["error"]["code"]) == (409, "shift_not_over")
    assert (accepted.status_code, accepted.json["minutes"]) == (201, 120)


def test_an_entry_carries_the_service_record_fields(app, api, world, clock, make_shift, attend, volunteer):
    shift = make_shift(
        title="东门卡口值守", leader_name="王主任", address="民治街道东门", description="测体温，登记出入。"
    )
    user, _ = volunteer("李四")
    claim_id = attend(shift, user, local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))
    clock.move_to(local("2026-03-02", "13:00"))

    entry = confirm(api, world.tokens["organizer"], claim_id).json

    assert {
        k: entry[k]
        for k in (
            "task",
            "date",
            "place",
            "service_content",
            "organisation",
            "org_id",
            "leader_name",
            "volunteer_id",
            "claim_id",
            "shift_id",
            "task_id",
            "task_type",
            "source",
            "confirmed_by",
            "confirmed_at",
            "minutes",
        )
    } == {
        "task": "东门卡口值守",
        "date": "2026-03-02",
        "place": "民治街道东门",
        "service_content": "卡口值守：测体温，登记出入。",
        "organisation": "白石龙社区",
        "org_id": world.community.id,
        "leader_name": "王主任",
        "volunteer_id": user.id,
        "claim_id": claim_id,
        "shift_id": shift.id,
        "task_id": shift.task_id,
        "task_type": "checkpoint",
        "source": "attendance",
        "confirmed_by": "organizer",
        "confirmed_at": "2026-03-02T13:00:00+08:00",
        "minutes": 240,
    }
    with app.app_context():
        audit = db.session.execute(sa.select(AuditEvent)).scalar_one()
        assert (audit.action, audit.subject_id, audit.actor_id) == ("hours.confirmed", entry["id"], world.organizer.id)


def test_without_a_named_leader_the_confirming_organizer_is_the_person_in_charge(
    api, world, clock, make_shift, attend, volunteer
):
    shift = make_shift(leader_name="")
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    assert confirm(api, world.tokens["organizer"], claim_id).json["leader_name"] == "organizer"


def test_adjusted_minutes_need_a_reason(api, world, clock, make_shift, attend, volunteer, ledger):
    shift = make_shift()
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    without = confirm(api, world.tokens["organizer"], claim_id, minutes=180)
    assert (without.status_code, list(without.json["error"]["fields"])) == (400, ["reason"])
    assert ledger() == []

    entry = confirm(api, world.tokens["organizer"], claim_id, minutes=180, reason="提前一小时离岗").json
    assert (entry["minutes"], entry["reason"]) == (180, "提前一小时离岗")


def test_a_claim_is_confirmed_once(api, world, clock, make_shift, attend, volunteer, ledger):
    shift = make_shift()
    user, _ = volunteer()
    claim_id = attend(shift, user, marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    first = confirm(api, world.tokens["organizer"], claim_id)
    again = confirm(api, world.tokens["street_organizer"], claim_id)

    assert (again.status_code, again.json["error"]["code"], again.json["error"]["entry_id"]) == (
        409,
        "already_confirmed",
        first.json["id"],
    )
    assert ledger() == [(user.id, 240, "manual", None)]


def test_confirm_all_writes_the_waiting_entries_and_says_why_others_were_skipped(
    api, world, clock, make_shift, attend, volunteer
):
    shift = make_shift()
    present = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))
    marked = attend(shift, volunteer()[0], marked=True)
    absent = attend(shift, volunteer()[0], no_show=True)
    done = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))
    confirm(api, world.tokens["organizer"], done)

    body = api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"]).json

    assert sorted((e["claim_id"], e["minutes"]) for e in body["entries"]) == [(present, 240), (marked, 240)]
    assert sorted((s["claim_id"], s["code"]) for s in body["skipped"]) == [
        (absent, "no_show"),
        (done, "already_confirmed"),
    ]


def test_an_entry_written_by_confirm_all_is_in_the_ledger_once(app, api, world, clock, make_shift, attend, volunteer):
    shift = make_shift()
    attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"])
    again = api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"]).json

    assert again["entries"] == [] and [s["code"] for s in again["skipped"]] == ["already_confirmed"]
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(HourEntry)).scalar_one() == 1


def test_hours_of_a_shift_that_has_not_started_cannot_be_confirmed(api, world, clock, make_shift, attend, volunteer):
    """A check-out inside the early check-in window comes before the start: nothing has been served yet."""
    shift = make_shift("2026-03-02", "08:00", hours=2)
    user, _token = volunteer()
    claim_id = attend(shift, user, local("2026-03-02", "07:40"), local("2026-03-02", "07:45"))
    clock.move_to(local("2026-03-02", "07:50"))

    confirmed = confirm(api, world.tokens["organizer"], claim_id, minutes=1440, reason="全天值守")
    recorded = api.post(
        "/hours/corrections",
        token=world.tokens["organizer"],
        json={"volunteer_id": user.id, "shift_id": shift.id, "minutes": 120, "reason": "补录"},
    )

    assert (confirmed.status_code, confirmed.json["error"]["code"]) == (409, "shift_not_started")
    assert (recorded.status_code, recorded.json["error"]["code"]) == (409, "shift_not_started")


def test_no_more_hours_are_credited_than_have_passed_since_the_shift_began(
    api, world, clock, make_shift, attend, volunteer
):
    shift = make_shift("2026-03-02", "08:00", hours=2)
    left_early = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "08:30"))
    clock.move_to(local("2026-03-02", "09:00"))
    english = {"Accept-Language": "en"}

    too_many = api.post(
        f"/claims/{left_early}/confirm",
        json={"minutes": 1440, "reason": "全天值守"},
        token=world.tokens["organizer"],
        headers=english,
    )
    an_hour = confirm(api, world.tokens["organizer"], left_early, minutes=60, reason="提前到岗")

    assert too_many.status_code == 400
    assert (
        too_many.json["error"]["fields"]["minutes"]
        == "Only 1.00 hours have passed since the shift began: credit at most that."
    )
    assert (an_hour.status_code, an_hour.json["minutes"]) == (201, 60)
