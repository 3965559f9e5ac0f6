"""GPS check-in and check-out over the API: geofence edges, accuracy, the time window, idempotence, ownership."""

import threading
from datetime import timedelta

from tests.attendance.helpers import at, point
from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.extensions import db


def check_in(api, s, body, token=None):
    return api.post(f"/claims/{s.claim_id}/check-in", json=body, token=token or s.token)


def check_out(api, s, body, token=None):
    return api.post(f"/claims/{s.claim_id}/check-out", json=body, token=token or s.token)


def test_a_check_in_just_inside_the_radius_is_stored_with_its_distance(api, scene, stored, events, audits):
    s = scene()
    with at(s.shift.starts_at):
        response = check_in(api, s, point(299))

    assert response.status_code == 200
    body = response.json
    assert body["claim_id"] == s.claim_id and body["attendance"] == "present" and body["method"] == "gps"
    assert 298.5 < body["distance_m"] < 299.5
    assert body["checked_in_at"].endswith("+08:00") and body["checked_out_at"] is None
    claim = stored(s.claim_id)
    assert claim.checked_in_at == s.shift.starts_at and claim.attendance == "present"
    assert events(s.claim_id) == [("check_in", "gps", s.volunteer.id)]
    assert audits(s.claim_id) == [("attendance.checked_in", s.volunteer.id)]


def test_a_check_in_just_outside_the_radius_says_how_far_and_stores_nothing(api, scene, stored, events):
    s = scene()
    with at(s.shift.starts_at):
        response = check_in(api, s, point(301))

    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "outside_geofence"
    assert "about 301 m" in error["message"] and "within 300 m" in error["message"] and "±20 m" in error["message"]
    assert error["distance_m"] == 301 and error["radius_m"] == 300
    assert stored(s.claim_id).checked_in_at is None and events(s.claim_id) == []


def test_the_radius_is_the_tasks_own(api, scene):
    s = scene(checkin_radius_m=1000)
    with at(s.shift.starts_at):
        assert check_in(api, s, point(900)).status_code == 200


def test_a_location_less_precise_than_the_radius_is_refused(api, scene, stored):
    s = scene()
    with at(s.shift.starts_at):
        response = check_in(api, s, point(50, accuracy_m=301))

    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "poor_accuracy"
    assert "±301 m" in error["message"] and "±300 m or better" in error["message"]
    assert stored(s.claim_id).checked_in_at is None


def test_an_imprecise_location_far_beyond_the_radius_says_how_far(api, scene):
    s = scene()
    with at(s.shift.starts_at):
        error = check_in(api, s, point(5000, accuracy_m=1200)).json["error"]

    assert error["code"] == "outside_geofence"
    assert "about 5.0 km" in error["message"] and "±1.2 km" in error["message"]


def test_check_in_opens_30_minutes_before_the_start(api, scene, stored):
    s = scene()
    with at(s.shift.starts_at - timedelta(minutes=31)):
        early = check_in(api, s, point(10))
    with at(s.shift.starts_at - timedelta(minutes=29)):
        in_time = check_in(api, s, point(10))

    assert early.status_code == 409 and early.json["error"]["code"] == "outside_window"
    assert "30 minutes before the shift starts" in early.json["error"]["message"]
    assert "in 1 minute" in early.json["error"]["message"]
    assert in_time.status_code == 200
    assert stored(s.claim_id).checked_in_at == s.shift.starts_at - timedelta(minutes=29)


def test_check_in_closes_when_the_shift_ends(api, scene):
    s = scene()
    with at(s.shift.ends_at - timedelta(seconds=1)):
        assert check_in(api, s, point(10)).status_code == 200
    late = scene()
    with at(late.shift.ends_at):
        response = check_in(api, late, point(10))

    assert response.status_code == 409 and response.json["error"]["code"] == "outside_window"
    assert "Ask the organizer to mark you present" in response.json["error"]["message"]


def test_a_second_check_in_keeps_the_first_time_and_records_nothing_more(api, scene, events, audits):
    s = scene()
    with at(s.shift.starts_at):
        first = check_in(api, s, point(100)).json
    with at(s.shift.starts_at + timedelta(minutes=10)):
        second = check_in(api, s, point(250))

    assert second.status_code == 200
    assert second.json["checked_in_at"] == first["checked_in_at"]
    assert second.json["distance_m"] == first["distance_m"]
    assert len(events(s.claim_id)) == 1 and len(audits(s.claim_id)) == 1


def test_someone_elses_claim_is_not_found(api, scene, make_user, api_token, stored):
    s = scene()
    stranger = api_token(make_user("路人"))
    with at(s.shift.starts_at):
        response = check_in(api, s, point(10), token=stranger)

    assert response.status_code == 404
    assert stored(s.claim_id).checked_in_at is None


def test_bad_coordinates_are_refused_field_by_field(api, scene):
    s = scene()
    with at(s.shift.starts_at):
        bad = [
            ({"lat": 91, "lon": 114.0, "accuracy_m": 10}, "lat"),
            ({"lat": 22.5, "lon": -181, "accuracy_m": 10}, "lon"),
            ({"lat": 22.5, "lon": 114.0}, "accuracy_m"),
            ({"lat": 22.5, "lon": 114.0, "accuracy_m": -1}, "accuracy_m"),
            ({"lat": "north", "lon": 114.0, "accuracy_m": 10}, "lat"),
        ]
        responses = [(check_in(api, s, body), field) for body, field in bad]

    for response, field in responses:
        assert response.status_code == 400, field
        assert field in response.json["error"]["fields"], field


def test_a_waitlisted_volunteer_cannot_check_in(api, scene, make_user, api_token):
    s = scene()
    # Fill the shift, then one more volunteer lands on the waitlist.
    for n in range(4):
        api.post(f"/shifts/{s.shift.id}/claims", token=api_token(make_user(f"队员{n}")))
    waiting = api_token(make_user("候补"))
    claim_id = api.post(f"/shifts/{s.shift.id}/claims", token=waiting).json["id"]
    with at(s.shift.starts_at):
        response = api.post(f"/claims/{claim_id}/check-in", json=point(10), token=waiting)

    assert response.status_code == 409 and response.json["error"]["code"] == "claim_not_confirmed"


def test_check_out_follows_the_check_in_and_is_stored(api, scene, stored, events, audits):
    s = scene()
    with at(s.shift.starts_at):
        refused = check_out(api, s, point(10))
        check_in(api, s, point(10))
    with at(s.shift.ends_at + timedelta(minutes=5)):
        response = check_out(api, s, point(40))

    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_checked_in"
    assert response.status_code == 200
    assert stored(s.claim_id).checked_out_at == s.shift.ends_at + timedelta(minutes=5)
    assert [kind for kind, _, _ in events(s.claim_id)] == ["check_in", "check_out"]
    assert [action for action, _ in audits(s.claim_id)] == ["attendance.checked_in", "attendance.checked_out"]


def test_check_out_closes_two_hours_after_the_end(api, scene, stored):
    s = scene()
    with at(s.shift.starts_at):
        check_in(api, s, point(10))
    with at(s.shift.ends_at + timedelta(hours=2, minutes=1)):
        response = check_out(api, s, point(10))

    assert response.status_code == 409 and response.json["error"]["code"] == "outside_window"
    assert stored(s.claim_id).checked_out_at is None


def test_check_out_must_also_be_near_the_post(api, scene):
    s = scene()
    with at(s.shift.starts_at):
        check_in(api, s, point(10))
        response = check_out(api, s, point(2000))

    assert response.status_code == 409 and response.json["error"]["code"] == "outside_geofence"


def test_a_second_check_out_keeps_the_first_time(api, scene):
    s = scene()
    with at(s.shift.starts_at):
        check_in(api, s, point(10))
    with at(s.shift.ends_at):
        first = check_out(api, s, point(10)).json
    with at(s.shift.ends_at + timedelta(minutes=30)):
        second = check_out(api, s, point(10)).json

    assert second["checked_out_at"] == first["checked_out_at"]


def test_the_device_is_stored_as_a_short_hash_of_the_id_the_app_sends(api, scene, app):
    s = scene()
    with at(s.shift.starts_at):
        check_in(api, s, point(10) | {"device_id": "install-7f3a"})

    with app.app_context():
        device = db.session.query(AttendanceEvent.device).scalar()
    assert len(device) == 16 and "install" not in device


def test_ten_simultaneous_check_ins_record_one(app, scene, events, audits):
    s = scene()
    barrier = threading.Barrier(10)
    statuses = []

    def tap():
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/claims/{s.claim_id}/check-in", json=point(30), headers={"Authorization": f"Bearer {s.token}"}
        )
        statuses.append(response.status_code)

    with at(s.shift.starts_at):
        threads = [threading.Thread(target=tap) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert statuses == [200] * 10
    assert len(events(s.claim_id)) == 1 and len(audits(s.claim_id)) == 1
