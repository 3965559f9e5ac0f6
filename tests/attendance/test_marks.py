"""Organizers mark attendance by hand (代签 / no-show) over the API and on the roster; who may do it."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.attendance.helpers import at, form_post, point
from volunteer_hub.attendance import queries
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the configured zone of the test app


def mark(api, s, present, token=None, claim_id=None):
    return api.post(
        f"/claims/{claim_id or s.claim_id}/attendance", json={"present": present}, token=token or s.organizer_token
    )


def test_the_organizer_marks_a_volunteer_present_by_hand(api, scene, stored, events, audits):
    s = scene()
    with at(s.shift.starts_at):
        response = mark(api, s, True)

    assert response.status_code == 200
    assert response.json["attendance"] == "present" and response.json["checked_in_at"] is None
    assert stored(s.claim_id).attendance == "present"
    assert events(s.claim_id) == [("marked_present", "manual", s.organizer.id)]
    assert audits(s.claim_id) == [("attendance.marked_present", s.organizer.id)]


def test_marking_the_same_state_again_records_nothing(api, scene, events):
    s = scene()
    with at(s.shift.starts_at):
        mark(api, s, False)
        assert mark(api, s, False).status_code == 200

    assert events(s.claim_id) == [("marked_no_show", "manual", s.organizer.id)]


def test_marking_present_after_a_no_show_is_a_reversal(api, scene, events, audits):
    s = scene()
    with at(s.shift.starts_at):
        mark(api, s, False)
        mark(api, s, True)

    assert [kind for kind, _, _ in events(s.claim_id)] == ["marked_no_show", "no_show_reversed"]
    assert [action for action, _ in audits(s.claim_id)] == ["attendance.marked_no_show", "attendance.no_show_reversed"]


@pytest.mark.parametrize("who", ["reviewer", "other_organizer", "volunteer"])
def test_only_organizers_of_the_tasks_subtree_may_mark(api, scene, make_user, make_org, grant, api_token, stored, who):
    s = scene()
    user = make_user(who)
    if who == "reviewer":
        grant(user, s.org, "reviewer")
    elif who == "other_organizer":
        grant(user, make_org("民泰社区"))
    else:
        api.post(f"/shifts/{s.shift.id}/claims", token=api_token(user))
    with at(s.shift.starts_at):
        response = mark(api, s, True, token=api_token(user))

    assert response.status_code == 403
    assert stored(s.claim_id).attendance is None


def test_an_organizer_of_a_parent_organisation_may_mark(api, scene, make_user, make_org, grant, api_token, app):
    s = scene()
    with app.app_context():
        street = make_org("民治街道", "street")
        child = db.session.get(type(s.org), s.org.id)
        child.parent_id, child.path = street.id, f"{street.path}{child.id}/"
        db.session.commit()
    street_organizer = make_user("街道组织者")
    grant(street_organizer, street)
    with at(s.shift.starts_at):
        assert mark(api, s, True, token=api_token(street_organizer)).status_code == 200


def test_attendance_cannot_be_marked_before_check_in_opens(api, scene):
    s = scene()
    with at(s.shift.starts_at - timedelta(minutes=31)):
        response = mark(api, s, True)

    assert response.status_code == 409 and response.json["error"]["code"] == "outside_window"


def test_an_unknown_claim_is_not_found(api, scene):
    s = scene()
    assert mark(api, s, True, claim_id=999_999).status_code == 404


def test_a_manual_mark_is_reported_as_manual_for_the_hours_confirmation(api, scene, join, app):
    s = scene()
    _, token, checked_in = join(s)
    with at(s.shift.starts_at):
        mark(api, s, True)
        api.post(f"/claims/{checked_in}/check-in", json=point(120), token=token)

    with app.app_context():
        claims = [db.session.get(Claim, s.claim_id), db.session.get(Claim, checked_in)]
        summary = queries.attendance_of(claims)
    assert summary[s.claim_id].manual and summary[s.claim_id].checked_in_at is None
    gps = summary[checked_in]
    assert not gps.manual and gps.checkin_method == "gps" and 119 < gps.first_distance_m < 121
    assert gps.first_device and gps.checked_in_at == s.shift.starts_at


# --- the roster page ---


def roster(client, s):
    return client.get(f"/org/shifts/{s.shift.id}/roster").get_data(as_text=True)


def test_saving_attendance_on_the_roster_marks_every_row_that_was_set(api, scene, join, browser, stored):
    s = scene()
    _, _, other = join(s)
    client = browser(s.organizer)
    with at(s.shift.starts_at + timedelta(minutes=10)):
        response = form_post(
            client,
            f"/org/shifts/{s.shift.id}/attendance",
            {f"attendance-{s.claim_id}": "present", f"attendance-{other}": "no_show"},
        )
        page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302
    assert (stored(s.claim_id).attendance, stored(other).attendance) == ("present", "no_show")
    assert "Attendance saved: 2 changes." in page
    assert "Present, marked by the organizer" in page and "No-show" in page


def test_a_claim_of_another_shift_cannot_be_marked_through_this_roster(scene, browser, stored):
    s, other = scene(), scene()
    client = browser(s.organizer)
    with at(s.shift.starts_at):
        form_post(client, f"/org/shifts/{s.shift.id}/attendance", {f"attendance-{other.claim_id}": "present"})

    assert stored(other.claim_id).attendance is None


def test_reviewers_read_the_roster_with_attendance_but_get_no_marks(api, scene, make_user, grant, browser, stored):
    s = scene()
    reviewer = make_user("审核员")
    grant(reviewer, s.org, "reviewer")
    client = browser(reviewer)
    with at(s.shift.starts_at + timedelta(minutes=5)):
        page = roster(client, s)
        refused = form_post(client, f"/org/shifts/{s.shift.id}/attendance", {f"attendance-{s.claim_id}": "present"})

    assert "Not checked in yet" in page
    assert 'type="radio"' not in page and "Save attendance" not in page and "Show the check-in code" not in page
    assert refused.status_code == 403 and stored(s.claim_id).attendance is None


def test_while_the_shift_runs_those_not_yet_checked_in_come_first(api, scene, join, browser):
    s = scene()
    join(s, "迟到的张伟")
    client = browser(s.organizer)
    with at(s.shift.starts_at + timedelta(minutes=5)):
        api.post(f"/claims/{s.claim_id}/check-in", json=point(10), token=s.token)
        page = roster(client, s)

    clock = (s.shift.starts_at + timedelta(minutes=5)).astimezone(SHANGHAI).strftime("%H:%M")
    assert page.index("迟到的张伟") < page.index("李晓明")
    assert f"Checked in {clock}" in page and "1 arrived" in page


def test_the_roster_offers_marks_and_the_code_to_organizers_once_check_in_opens(scene, browser):
    s = scene()
    client = browser(s.organizer)
    with at(s.shift.starts_at - timedelta(hours=1)):
        before = roster(client, s)
    with at(s.shift.starts_at - timedelta(minutes=30)):
        during = roster(client, s)

    assert 'type="radio"' not in before and "Show the check-in code" in before
    assert f'name="attendance-{s.claim_id}" value="present"' in during and "Save attendance" in during
