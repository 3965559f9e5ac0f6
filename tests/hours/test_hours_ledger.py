"""The ledger is append-only in the database itself; changes are correction entries with a reason, visible as
a history to the volunteer. Volunteers ask for corrections (办法 §13) and the recording unit answers."""

import pytest
import sqlalchemy as sa

from tests.hours.conftest import local
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.notifications.models import Notification


def confirm(api, token, claim_id, **body):
    return api.post(f"/claims/{claim_id}/confirm", json=body, token=token)


@pytest.fixture
def entry(api, world, clock, make_shift, attend, volunteer):
    """A confirmed 4-hour entry: (entry json, volunteer, their token, shift)."""
    shift = make_shift()
    user, token = volunteer("李四")
    claim_id = attend(shift, user, local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))
    clock.move_to(local("2026-03-02", "13:00"))
    return confirm(api, world.tokens["organizer"], claim_id).json, user, token, shift


def notified(app, user, kind):
    with app.app_context():
        return db.session.execute(
            sa.select(sa.func.count()).where(Notification.user_id == user.id, Notification.kind == kind)
        ).scalar_one()


# --- immutability ---


def test_the_database_refuses_to_update_an_entry(app, entry):
    with app.app_context():
        row = db.session.get(HourEntry, entry[0]["id"])
        row.minutes = 600
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.update(HourEntry).values(minutes=0))
        db.session.rollback()
        assert db.session.get(HourEntry, entry[0]["id"]).minutes == 240


def test_the_database_refuses_to_delete_an_entry(app, entry):
    with app.app_context():
        db.session.delete(db.session.get(HourEntry, entry[0]["id"]))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.delete(HourEntry))
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count()).select_from(HourEntry)).scalar_one() == 1


# --- organizers' corrections ---


def test_a_correction_is_a_new_entry_pointing_at_the_record(api, world, entry, ledger):
    confirmed, user, token, shift = entry

    correction = api.post(
        "/hours/corrections",
        json={"volunteer_id": user.id, "shift_id": shift.id, "minutes": -30, "reason": "午休半小时"},
        token=world.tokens["organizer"],
    )

    assert correction.status_code == 201
    assert (correction.json["corrects_id"], correction.json["source"], correction.json["hours"]) == (
        confirmed["id"],
        "correction",
        -0.5,
    )
    assert ledger() == [(user.id, 240, "attendance", None), (user.id, -30, "correction", confirmed["id"])]
    mine = api.get("/me/hours", token=token).json
    assert mine["total_minutes"] == 210
    assert [(e["minutes"], e["corrects_id"], e["reason"]) for e in mine["entries"]] == [
        (240, None, None),
        (-30, confirmed["id"], "午休半小时"),
    ]


def test_a_correction_needs_a_reason_and_cannot_leave_a_record_below_zero(api, world, entry, ledger):
    _, user, _, shift = entry
    body = {"volunteer_id": user.id, "shift_id": shift.id}

    no_reason = api.post(
        "/hours/corrections", json=body | {"minutes": 10, "reason": " "}, token=world.tokens["organizer"]
    )
    too_much = api.post(
        "/hours/corrections", json=body | {"minutes": -300, "reason": "没来"}, token=world.tokens["organizer"]
    )

    assert (no_reason.status_code, list(no_reason.json["error"]["fields"])) == (400, ["reason"])
    assert (too_much.status_code, list(too_much.json["error"]["fields"])) == (400, ["minutes"])
    assert len(ledger()) == 1


def test_a_correction_for_a_shift_the_volunteer_never_claimed_is_refused(api, world, entry, make_shift):
    _, user, _, _ = entry
    elsewhere = make_shift("2026-03-02", "14:00")

    response = api.post(
        "/hours/corrections",
        json={"volunteer_id": user.id, "shift_id": elsewhere.id, "minutes": 60, "reason": "补录"},
        token=world.tokens["organizer"],
    )

    assert (response.status_code, list(response.json["error"]["fields"])) == (400, ["shift_id"])


def test_hours_outside_any_shift_are_recorded_by_an_organisation(api, world, entry, ledger):
    _, user, token, _ = entry

    response = api.post(
        "/hours/corrections",
        json={
            "volunteer_id": user.id,
            "org_id": world.community.id,
            "minutes": 90,
            "reason": "平台外的入户走访",
            "activity_name": "入户走访",
            "service_date": "2026-03-01",
            "task_type": "door_to_door",
        },
        token=world.tokens["organizer"],
    )

    assert response.status_code == 201
    assert (
        response.json["date"],
        response.json["task"],
        response.json["service_content"],
        response.json["organisation"],
    ) == ("2026-03-01", "入户走访", "入户调查", "白石龙社区")
    assert api.get("/me/hours", token=token).json["total_minutes"] == 330
    without_activity = api.post(
        "/hours/corrections",
        json={"volunteer_id": user.id, "org_id": world.community.id, "minutes": 90, "reason": "x"},
        token=world.tokens["organizer"],
    )
    assert sorted(without_activity.json["error"]["fields"]) == ["activity_name", "service_date"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("1999-12-31", "The service date cannot be before Jan 1, 2000."),
        ("0001-01-01", "Enter a date from 1900-01-01 to 2099-12-31."),
        ("2026-03-03", "The service date cannot be in the future."),
    ],
)
def test_service_outside_any_shift_lies_between_2000_and_today(api, world, entry, day, message):
    _, user, _token, _ = entry

    response = api.post(
        "/hours/corrections",
        json={
            "volunteer_id": user.id,
            "org_id": world.community.id,
            "minutes": 90,
            "reason": "平台外的入户走访",
            "activity_name": "入户走访",
            "service_date": day,
        },
        token=world.tokens["organizer"],
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"service_date": message}


def test_the_volunteer_is_told_of_a_correction(app, api, world, entry):
    _, user, _, shift = entry

    api.post(
        "/hours/corrections",
        json={"volunteer_id": user.id, "shift_id": shift.id, "minutes": 30, "reason": "延时"},
        token=world.tokens["organizer"],
    )

    assert notified(app, user, "hours_corrected") == 1


# --- volunteers' requests ---


def test_a_dispute_accepted_writes_a_correction_and_updates_the_totals(app, api, world, entry, ledger):
    confirmed, user, token, _ = entry

    dispute = api.post(f"/hours/{confirmed['id']}/disputes", json={"reason": "我一直干到13点"}, token=token)
    assert (dispute.status_code, dispute.json["status"], dispute.json["kind"]) == (201, "open", "correction")
    assert notified(app, world.organizer, "hours_disputed") == 1

    accepted = api.post(
        f"/hours/disputes/{dispute.json['id']}/accept",
        json={"total_minutes": 300, "response": "核实属实"},
        token=world.tokens["organizer"],
    )

    assert accepted.status_code == 200
    assert (
        accepted.json["dispute"]["status"],
        accepted.json["dispute"]["recorded_minutes"],
        accepted.json["entry"]["minutes"],
        accepted.json["entry"]["corrects_id"],
    ) == ("accepted", 300, 60, confirmed["id"])
    assert ledger()[-1] == (user.id, 60, "correction", confirmed["id"])
    assert api.get("/me/hours", token=token).json["total_minutes"] == 300
    thread = api.get("/me/hours/disputes", token=token).json["items"]
    assert [(d["status"], d["response"], d["responded_by"]) for d in thread] == [("accepted", "核实属实", "organizer")]
    assert notified(app, user, "hours_dispute_accepted") == 1
    texts = [
        n["text"] for n in api.get("/me/notifications", token=token, headers={"Accept-Language": "en"}).json["items"]
    ]
    assert texts[0] == (
        "Your correction request for “东门卡口值守” on Mar 2, 2026 was accepted: the record now counts 5.00 hours."
    )
    assert texts[1] == "4.00 hours for “东门卡口值守” on Mar 2, 2026 are confirmed and recorded."


def test_a_dispute_refused_keeps_the_record_and_says_why(app, api, world, entry, ledger):
    confirmed, user, token, _ = entry
    dispute_id = api.post(f"/hours/{confirmed['id']}/disputes", json={"reason": "应为5小时"}, token=token).json["id"]

    without_reason = api.post(
        f"/hours/disputes/{dispute_id}/refuse", json={"response": ""}, token=world.tokens["organizer"]
    )
    refused = api.post(
        f"/hours/disputes/{dispute_id}/refuse", json={"response": "签退记录为12:00"}, token=world.tokens["organizer"]
    )

    assert (without_reason.status_code, list(without_reason.json["error"]["fields"])) == (400, ["response"])
    assert (refused.status_code, refused.json["status"], refused.json["response"]) == (
        200,
        "refused",
        "签退记录为12:00",
    )
    assert len(ledger()) == 1
    assert api.get("/me/hours", token=token).json["total_minutes"] == 240
    assert notified(app, user, "hours_dispute_refused") == 1


def test_a_request_is_answered_once(api, world, entry, ledger):
    confirmed, _, token, _ = entry
    dispute_id = api.post(f"/hours/{confirmed['id']}/disputes", json={"reason": "应为5小时"}, token=token).json["id"]
    api.post(f"/hours/disputes/{dispute_id}/accept", json={"total_minutes": 300}, token=world.tokens["organizer"])

    again = api.post(
        f"/hours/disputes/{dispute_id}/accept", json={"total_minutes": 360}, token=world.tokens["street_organizer"]
    )

    assert (again.status_code, again.json["error"]["code"]) == (409, "dispute_answered")
    assert len(ledger()) == 2


def test_one_open_request_per_record(api, entry):
    confirmed, _, token, _ = entry
    api.post(f"/hours/{confirmed['id']}/disputes", json={"reason": "应为5小时"}, token=token)

    again = api.post(f"/hours/{confirmed['id']}/disputes", json={"reason": "应为5小时"}, token=token)

    assert (again.status_code, again.json["error"]["code"]) == (409, "dispute_open")


def test_missing_hours_reported_and_accepted_become_the_claims_record(
    api, world, clock, make_shift, attend, volunteer, ledger
):
    shift = make_shift()
    user, token = volunteer()
    claim_id = attend(shift, user, no_show=True)
    clock.move_to(local("2026-03-03", "09:00"))

    report = api.post(f"/claims/{claim_id}/missing-hours", json={"reason": "我在岗，手机没电未签到"}, token=token)
    accepted = api.post(
        f"/hours/disputes/{report.json['id']}/accept",
        json={"total_minutes": 240, "response": "负责人确认在岗"},
        token=world.tokens["organizer"],
    )

    assert (report.status_code, report.json["kind"]) == (201, "missing")
    assert accepted.status_code == 200
    assert ledger() == [(user.id, 240, "correction", None)]
    assert api.get("/me/hours", token=token).json["total_minutes"] == 240
    assert confirm(api, world.tokens["organizer"], claim_id).json["error"]["code"] == "already_confirmed"


def test_missing_hours_cannot_be_reported_for_a_recorded_claim(api, entry):
    confirmed, _, token, _ = entry

    response = api.post(f"/claims/{confirmed['claim_id']}/missing-hours", json={"reason": "x"}, token=token)

    assert (response.status_code, response.json["error"]["code"], response.json["error"]["entry_id"]) == (
        409,
        "already_recorded",
        confirmed["id"],
    )
