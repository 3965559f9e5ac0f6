"""Check-in and check-out queued on a phone without a network and sent later (``recorded_at``): the bounds it is
accepted within (the window at the phone's time, 12 hours to arrive, the geofence or a QR code valid then, no
future times), a replayed queue recording once, the phone's time flowing into the hours, "recorded offline" in
the organizer's views, and the check-in page's own replay endpoint with its per-claim token."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.attendance.helpers import at, point
from volunteer_hub.attendance import services, tokens
from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the configured zone of the test app


def iso(moment) -> str:
    return moment.astimezone(UTC).isoformat()


def send(api, s, moment, body=None, kind="check-in"):
    """The phone's queued action taken at moment (its position 20 m from the post unless body says otherwise)."""
    return api.post(
        f"/claims/{s.claim_id}/{kind}", json={**(body or point(20)), "recorded_at": iso(moment)}, token=s.token
    )


def clock(moment) -> str:
    return moment.astimezone(SHANGHAI).strftime("%H:%M")


def stored_events(app, claim_id):
    with app.app_context():
        return [
            (e.kind, e.method, e.offline, e.created_at, e.received_at)
            for e in db.session.execute(
                sa.select(AttendanceEvent).where(AttendanceEvent.claim_id == claim_id).order_by(AttendanceEvent.id)
            ).scalars()
        ]


# --- the API's bounds ---


def test_a_check_in_queued_offline_counts_from_the_phones_time_and_is_marked_offline(app, api, scene, stored, audits):
    s = scene()
    taken = s.shift.starts_at + timedelta(minutes=3)
    arrives = taken + timedelta(hours=2)
    with at(arrives):
        response = send(api, s, taken)

    assert response.status_code == 200
    body = response.json
    assert body["offline"] is True and body["method"] == "gps" and body["attendance"] == "present"
    assert datetime.fromisoformat(body["checked_in_at"]) == taken and body["checked_in_at"].endswith("+08:00")
    assert datetime.fromisoformat(body["received_at"]) == arrives
    assert stored(s.claim_id).checked_in_at == taken
    assert stored_events(app, s.claim_id) == [("check_in", "gps", True, taken, arrives)]
    assert audits(s.claim_id) == [("attendance.checked_in", s.volunteer.id)]


def test_an_online_check_in_is_not_marked_offline(app, api, scene):
    s = scene()
    with at(s.shift.starts_at):
        response = api.post(f"/claims/{s.claim_id}/check-in", json=point(20), token=s.token)

    assert response.json["offline"] is False and response.json["received_at"] is None
    assert stored_events(app, s.claim_id)[0][2:] == (False, s.shift.starts_at, None)


def test_a_check_in_taken_before_the_window_opened_is_refused_though_it_arrives_inside_it(api, scene, stored):
    s = scene()
    with at(s.shift.starts_at + timedelta(minutes=10)):
        early = send(api, s, s.shift.starts_at - timedelta(minutes=31))
        in_time = send(api, s, s.shift.starts_at - timedelta(minutes=29))

    assert early.status_code == 409 and early.json["error"]["code"] == "outside_window"
    assert in_time.status_code == 200
    assert stored(s.claim_id).checked_in_at == s.shift.starts_at - timedelta(minutes=29)


def test_a_check_in_taken_after_the_shift_ended_is_refused(api, scene, stored):
    s = scene()
    with at(s.shift.ends_at + timedelta(hours=1)):
        late = send(api, s, s.shift.ends_at + timedelta(minutes=1))
        last_minute = send(api, s, s.shift.ends_at - timedelta(minutes=1))

    assert late.status_code == 409 and late.json["error"]["code"] == "outside_window"
    assert last_minute.status_code == 200 and last_minute.json["offline"] is True


def test_a_check_out_taken_after_the_grace_is_refused_and_one_within_it_counts(api, scene, stored):
    s = scene()
    with at(s.shift.starts_at):
        send(api, s, s.shift.starts_at)
    with at(s.shift.ends_at + timedelta(hours=5)):
        late = send(api, s, s.shift.ends_at + timedelta(hours=2, minutes=1), kind="check-out")
        in_grace = send(api, s, s.shift.ends_at + timedelta(minutes=20), kind="check-out")

    assert late.status_code == 409 and late.json["error"]["code"] == "outside_window"
    assert in_grace.status_code == 200 and in_grace.json["offline"] is True
    assert stored(s.claim_id).checked_out_at == s.shift.ends_at + timedelta(minutes=20)


def test_a_check_out_taken_before_the_check_in_is_refused(api, scene):
    s = scene()
    with at(s.shift.starts_at + timedelta(hours=1)):
        api.post(f"/claims/{s.claim_id}/check-in", json=point(20), token=s.token)
        earlier = send(api, s, s.shift.starts_at + timedelta(minutes=30), kind="check-out")

    assert earlier.status_code == 409 and earlier.json["error"]["code"] == "outside_window"


def test_a_check_in_queued_far_from_the_post_is_refused(app, api, scene, stored):
    s = scene()
    with at(s.shift.starts_at + timedelta(hours=1)):
        far = send(api, s, s.shift.starts_at, point(1000))
        imprecise = send(api, s, s.shift.starts_at, point(50, accuracy_m=400))

    assert far.status_code == 409 and far.json["error"]["code"] == "outside_geofence"
    assert imprecise.status_code == 409 and imprecise.json["error"]["code"] == "poor_accuracy"
    assert stored(s.claim_id).checked_in_at is None and stored_events(app, s.claim_id) == []


def test_a_time_in_the_future_is_refused_beyond_two_minutes_of_clock_skew(app, api, scene, stored):
    s = scene()
    now = s.shift.starts_at + timedelta(minutes=10)
    with at(now):
        ahead = send(api, s, now + timedelta(minutes=2, seconds=1))
        skewed = send(api, s, now + timedelta(minutes=1, seconds=30))

    assert ahead.status_code == 400 and ahead.json["error"]["code"] == "recorded_in_future"
    assert ahead.json["error"]["fields"]["recorded_at"]
    # Within the tolerance the phone's clock counts as ours: the server's time is recorded, never a future one.
    assert skewed.status_code == 200
    assert stored(s.claim_id).checked_in_at == now


def test_a_time_without_an_offset_is_refused(api, scene):
    s = scene()
    with at(s.shift.starts_at):
        response = api.post(
            f"/claims/{s.claim_id}/check-in", json={**point(20), "recorded_at": "2026-03-02T08:00:00"}, token=s.token
        )

    assert response.status_code == 400 and "recorded_at" in response.json["error"]["fields"]


def test_a_record_arriving_more_than_12_hours_after_it_was_taken_is_refused(app, api, scene, stored):
    s = scene(hours=12)
    taken = s.shift.starts_at + timedelta(minutes=5)
    with at(taken + timedelta(hours=12, minutes=1)):
        too_late = send(api, s, taken)
    with at(taken + timedelta(hours=11, minutes=59)):
        just_in_time = send(api, s, taken)

    assert too_late.status_code == 409 and too_late.json["error"]["code"] == "offline_too_late"
    assert "more than 12 hours later" in too_late.json["error"]["message"]
    assert just_in_time.status_code == 200 and stored(s.claim_id).checked_in_at == taken


def test_a_queue_sent_twice_records_once_and_keeps_the_first_time(app, api, scene, stored, audits):
    s = scene()
    taken = s.shift.starts_at + timedelta(minutes=2)
    with at(taken + timedelta(minutes=40)):
        first = send(api, s, taken)
        again = send(api, s, taken)
        # A second tap queued a minute later (the phone did not know the first had counted) changes nothing either.
        later_tap = send(api, s, taken + timedelta(minutes=1))

    assert [r.status_code for r in (first, again, later_tap)] == [200, 200, 200]
    assert first.json == again.json == later_tap.json
    assert stored(s.claim_id).checked_in_at == taken
    assert [e[:3] for e in stored_events(app, s.claim_id)] == [("check_in", "gps", True)]
    assert audits(s.claim_id) == [("attendance.checked_in", s.volunteer.id)]


def test_a_queued_check_in_after_an_online_one_keeps_the_online_one(app, api, scene, stored):
    s = scene()
    with at(s.shift.starts_at + timedelta(minutes=5)):
        api.post(f"/claims/{s.claim_id}/check-in", json=point(20), token=s.token)
    with at(s.shift.starts_at + timedelta(minutes=30)):
        queued = send(api, s, s.shift.starts_at + timedelta(minutes=1))

    assert queued.status_code == 200 and queued.json["offline"] is False
    assert stored(s.claim_id).checked_in_at == s.shift.starts_at + timedelta(minutes=5)
    assert len(stored_events(app, s.claim_id)) == 1


# --- the organizer's QR code, valid at the phone's time ---


def test_a_scan_queued_offline_counts_when_the_code_was_valid_at_that_time(app, api, scene, stored):
    s = scene()
    with at(s.shift.starts_at):
        code = api.post(f"/shifts/{s.shift.id}/checkin-token", token=s.organizer_token).json["token"]
    scanned = s.shift.starts_at + timedelta(seconds=90)  # the code lives 120 s
    with at(s.shift.starts_at + timedelta(hours=3)):  # long expired by now
        response = api.post("/checkin", json={"token": code, "recorded_at": iso(scanned)}, token=s.token)

    assert response.status_code == 200
    assert response.json["method"] == "qr" and response.json["offline"] is True
    assert stored(s.claim_id).checked_in_at == scanned
    assert [e[:3] for e in stored_events(app, s.claim_id)] == [("check_in", "qr", True)]


def test_a_scan_queued_offline_after_the_code_expired_is_refused(app, api, scene, stored):
    s = scene()
    with at(s.shift.starts_at):
        code = api.post(f"/shifts/{s.shift.id}/checkin-token", token=s.organizer_token).json["token"]
    with at(s.shift.starts_at + timedelta(hours=1)):
        expired = api.post(
            "/checkin",
            json={"token": code, "recorded_at": iso(s.shift.starts_at + timedelta(seconds=121))},
            token=s.token,
        )
        before_issued = api.post(
            "/checkin",
            json={"token": code, "recorded_at": iso(s.shift.starts_at - timedelta(minutes=5))},
            token=s.token,
        )
        forged = api.post(
            "/checkin", json={"token": code[:-2] + "xx", "recorded_at": iso(s.shift.starts_at)}, token=s.token
        )

    assert expired.status_code == 409 and expired.json["error"]["code"] == "token_expired"
    assert before_issued.status_code == 409 and before_issued.json["error"]["code"] == "token_expired"
    assert forged.status_code == 400 and forged.json["error"]["code"] == "token_invalid"
    assert stored(s.claim_id).checked_in_at is None


# --- the hours, the roster and the anomalies ---


def test_hours_count_from_the_phones_times_and_the_views_say_recorded_offline(app, api, scene, browser):
    s = scene(hours=4)
    checked_in = s.shift.starts_at + timedelta(minutes=30)
    checked_out = s.shift.ends_at
    with at(checked_out + timedelta(hours=3)):  # both sent when the network came back, 3 hours after the shift
        assert send(api, s, checked_in, point(290)).status_code == 200  # near the edge: a far check-in flag
        assert send(api, s, checked_out, kind="check-out").status_code == 200
        confirmed = api.post(f"/claims/{s.claim_id}/confirm", json={}, token=s.organizer_token)
        organizer = browser(s.organizer)
        roster = organizer.get(f"/org/shifts/{s.shift.id}/roster").get_data(as_text=True)
        hours_page = organizer.get(f"/org/shifts/{s.shift.id}/hours").get_data(as_text=True)
        anomalies = organizer.get("/org/hours/anomalies").get_data(as_text=True)

    assert confirmed.status_code == 201 and confirmed.json["minutes"] == 210  # from the phone's 30 min late start
    received = clock(checked_out + timedelta(hours=3))
    for page in (roster, hours_page, anomalies):
        notes = [" ".join(n.split()) for n in re.findall(r'<p class="meta offline-note">(.*?)</p>', page, re.S)]
        assert len(notes) == 2, page
        assert re.fullmatch(
            rf'<span class="chip">Recorded offline</span> Check-in at .*{clock(checked_in)} on the phone, '
            rf"received .*{received}",
            notes[0],
        )
        assert re.fullmatch(rf".*Check-out at .*{clock(checked_out)} on the phone, received .*{received}", notes[1])
    assert "Checked in far from the post" in anomalies  # the flag the offline record is shown beside


# --- the check-in page and its replay endpoint ---


def offline_url(s) -> str:
    return f"/me/shifts/{s.claim_id}/checkin/offline"


def page_token(client, s) -> str:
    html = client.get(f"/me/shifts/{s.claim_id}/checkin").get_data(as_text=True)
    return re.search(r'data-offline-token="([^"]+)"', html).group(1)


def queued(moment, action="in", **position):
    return {"action": action, "recorded_at": iso(moment), "device": "phone-1", **(position or point(20))}


def test_the_check_in_page_replays_its_queue_with_its_token_and_records_once(app, scene, browser, stored):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at - timedelta(hours=1)):  # opened online before the shift
        token = page_token(client, s)
    taken = s.shift.starts_at + timedelta(minutes=1)
    with at(taken + timedelta(hours=6)):  # the CSRF token is not needed, the page's token is
        first = client.post(offline_url(s), json=queued(taken), headers={"X-Offline-Token": token})
        again = client.post(offline_url(s), json=queued(taken), headers={"X-Offline-Token": token})

    assert first.status_code == 200 and first.json["offline"] is True and first.json["action"] == "in"
    assert again.json == first.json
    assert stored(s.claim_id).checked_in_at == taken
    assert [e[:3] for e in stored_events(app, s.claim_id)] == [("check_in", "gps", True)]


def test_the_replay_endpoint_refuses_without_the_pages_token_or_with_another_claims(app, scene, browser, join, stored):
    s = scene()
    other_user, _, other_claim = join(s)
    client = browser(s.volunteer)
    with app.app_context():
        someone_elses = tokens.issue_action_token(other_user.id, other_claim)
        wrong_claim = tokens.issue_action_token(s.volunteer.id, other_claim)
    with at(s.shift.starts_at):
        missing = client.post(offline_url(s), json=queued(s.shift.starts_at))
        theirs = client.post(offline_url(s), json=queued(s.shift.starts_at), headers={"X-Offline-Token": someone_elses})
        moved = client.post(offline_url(s), json=queued(s.shift.starts_at), headers={"X-Offline-Token": wrong_claim})
        anonymous = app.test_client().post(offline_url(s), json=queued(s.shift.starts_at))

    assert [r.status_code for r in (missing, theirs, moved)] == [403, 403, 403]
    assert missing.json["error"]["code"] == "offline_token_invalid"
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "not_authenticated"
    assert stored(s.claim_id).checked_in_at is None


def test_the_pages_token_lasts_36_hours(app, scene, browser):
    s = scene(starts_in=timedelta(hours=20), hours=12)
    client = browser(s.volunteer)
    with at(s.shift.starts_at - timedelta(hours=20)):
        token = page_token(client, s)
    with at(s.shift.starts_at - timedelta(hours=20) + timedelta(hours=36, minutes=1)):
        stale = client.post(
            offline_url(s), json=queued(s.shift.starts_at + timedelta(hours=6)), headers={"X-Offline-Token": token}
        )

    assert stale.status_code == 403 and stale.json["error"]["code"] == "offline_token_invalid"


def test_the_replay_endpoint_says_why_a_queued_action_is_refused(scene, browser):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at):
        token = page_token(client, s)
        far = client.post(
            offline_url(s), json=queued(s.shift.starts_at, **point(2000)), headers={"X-Offline-Token": token}
        )
        bad = client.post(offline_url(s), json={"action": "in"}, headers={"X-Offline-Token": token})

    assert far.status_code == 409 and far.json["error"]["code"] == "outside_geofence"
    assert "about 2.0 km" in far.json["error"]["message"]
    assert bad.status_code == 400 and {"lat", "recorded_at"} <= set(bad.json["error"]["fields"])


def test_the_page_is_kept_for_offline_only_while_the_shift_is_today(scene, browser):
    s = scene(starts_in=timedelta(days=3))
    client = browser(s.volunteer)
    url = f"/me/shifts/{s.claim_id}/checkin"
    too_soon = client.get(url).get_data(as_text=True)
    with at(s.shift.starts_at):
        today = client.get(url)
    with at(s.shift.ends_at + timedelta(hours=2, minutes=1)):
        over = client.get(url).get_data(as_text=True)

    html = today.get_data(as_text=True)
    assert today.headers["Cache-Control"] == "no-store"  # browsers and proxies keep nothing; only the worker does
    assert "data-offline-page" in html and "data-offline-token=" in html and "offline.js" in html
    assert "等待发送" not in html and "Waiting to send" in html  # the list the script fills (English browser)
    for page in (too_soon, over):
        assert "data-offline-forget" in page and "data-offline-token=" not in page


def test_the_service_worker_loads_the_vendored_queue_from_this_site(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    scripts = re.findall(r"'(/static/[^'?]+\.js)\?v=[^']+'", worker)

    assert scripts == ["/static/vendor/idb-keyval/idb-keyval.umd.js", "/static/js/offline-queue.js"]
    for path in scripts:
        response = client.get(path, buffered=True)
        assert response.status_code == 200 and response.mimetype == "text/javascript", path
        response.close()
    license_text = client.get("/static/vendor/idb-keyval/LICENSE", buffered=True)
    assert "Apache License" in license_text.get_data(as_text=True)
    license_text.close()
    assert "addEventListener('sync'" in worker and "X-VH-Until" in worker


def test_a_check_in_queued_during_the_shift_arriving_after_the_no_show_job_makes_the_volunteer_present(
    app, api, scene, stored
):
    s = scene()
    taken = s.shift.starts_at + timedelta(minutes=4)
    after_job = s.shift.ends_at + timedelta(minutes=app.config["NO_SHOW_AFTER_MIN"] + 5)
    with at(after_job), app.app_context():
        assert services.mark_no_shows() == 1
    assert stored(s.claim_id).attendance == "no_show"
    with at(after_job + timedelta(minutes=10)):
        response = send(api, s, taken)

    assert response.status_code == 200 and response.json["attendance"] == "present"
    claim = stored(s.claim_id)
    assert claim.attendance == "present" and claim.checked_in_at == taken
    assert [e[:3] for e in stored_events(app, s.claim_id)] == [
        ("auto_no_show", "job", False),
        ("check_in", "gps", True),
    ]


def test_the_replay_endpoint_takes_numbers_as_json_an_accuracy_of_0_included(scene, browser, stored):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at):
        token = page_token(client, s)
        body = {**queued(s.shift.starts_at), "accuracy_m": 0, "lat": point(20)["lat"], "lon": point(20)["lon"]}
        response = client.post(offline_url(s), json=body, headers={"X-Offline-Token": token})
        not_json = client.post(offline_url(s), data="[1, 2]", headers={"X-Offline-Token": token})

    assert response.status_code == 200 and stored(s.claim_id).checked_in_at == s.shift.starts_at
    assert not_json.status_code == 400
