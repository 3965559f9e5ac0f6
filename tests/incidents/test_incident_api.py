"""Incident reports over the API: who may report and when, every field error at once, the offline queue's
duplicate, the urgent notice of a severe one, follow-ups and closing, who reads what."""

import threading
from datetime import timedelta
from types import SimpleNamespace

from tests.attendance.helpers import at
from tests.incidents.conftest import body
from volunteer_hub.extensions import db
from volunteer_hub.incidents import queries
from volunteer_hub.orgs.models import Organisation


def report(api, s, token=None, **fields):
    return api.post(f"/tasks/{s.task.id}/incidents", json=body(s, **fields), token=token or s.token)


def test_a_checked_in_volunteer_reports_an_incident_with_the_people_involved(api, post, stored, notes):
    s = post
    with at(s.moment):
        response = report(api, s, involved_user_ids=[s.volunteer.id, s.other.id])

    assert response.status_code == 201, response.json
    incident = response.json
    assert incident["category"] == "injury" and incident["severity"] == "medium" and incident["status"] == "open"
    assert incident["shift_id"] == s.shift.id and incident["reporter"]["name"] == "李晓明"
    assert {p["name"] for p in incident["involved"]} == {"李晓明", "张伟"}
    assert all("phone" not in p for p in incident["involved"])  # the reporter is no organizer
    assert incident["occurred_at"].endswith("+08:00")
    [row] = stored()
    assert row.reporter_id == s.volunteer.id and row.task_id == s.task.id
    # not severe: the organizer is told, not urgently
    assert [(user_id, urgent) for user_id, urgent, _ in notes()] == [(s.organizer.id, False)]


def test_a_severe_incident_notifies_the_organizers_urgently_once_even_when_the_queue_sends_it_twice(
    api, post, stored, notes
):
    s = post
    with at(s.moment):
        first = report(api, s, severity="severe", client_id="a" * 64)
        again = report(api, s, severity="severe", client_id="a" * 64)

    assert first.status_code == 201 and again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert len(stored()) == 1
    [(user_id, urgent, params)] = notes()
    assert user_id == s.organizer.id and urgent is True
    assert params["severity"] == "severe" and params["link"].endswith(f"/incidents/{first.json['id']}")


def test_every_field_error_comes_at_once(api, post, stored):
    s = post
    with at(s.moment):
        response = api.post(
            f"/tasks/{s.task.id}/incidents",
            json={
                "category": "fire",
                "occurred_at": (s.moment + timedelta(hours=1)).isoformat(),
                "description": "   ",
                "client_id": "x" * 65,
            },
            token=s.token,
        )

    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {
        "category",
        "severity",
        "occurred_at",
        "description",
        "client_id",
    }
    assert stored() == []


def test_people_off_the_roster_and_a_time_outside_the_week_are_refused_together(api, post, make_user, stored):
    s = post
    stranger = make_user("路人")
    with at(s.moment):
        off_roster = report(api, s, involved_user_ids=[stranger.id])
        too_old = report(api, s, occurred_at=(s.moment - timedelta(days=8)).isoformat())

    assert off_roster.status_code == 400
    assert set(off_roster.json["error"]["fields"]) == {"involved_user_ids"}
    assert too_old.status_code == 400 and "occurred_at" in too_old.json["error"]["fields"]
    assert stored() == []


def test_only_people_on_duty_and_the_organizers_report(api, api_token, post, make_user, make_org, grant, stored):
    s = post
    sibling_organizer = make_user("民泰书记")
    grant(sibling_organizer, make_org("民泰社区"))
    with at(s.moment):
        not_checked_in = report(api, s, token=s.other_token)
        stranger = report(api, s, token=api_token(make_user("路人")))
        sibling = report(api, s, token=api_token(sibling_organizer))
        anonymous = api.post(f"/tasks/{s.task.id}/incidents", json=body(s))
        no_task = api.post("/tasks/999999/incidents", json=body(s), token=s.token)
        organizer = report(api, s, token=s.organizer_token, involved_user_ids=[s.other.id])

    assert not_checked_in.status_code == 403 and not_checked_in.json["error"]["code"] == "not_on_duty"
    assert stranger.status_code == 403 and sibling.status_code == 403
    assert anonymous.status_code == 401 and no_task.status_code == 404
    assert organizer.status_code == 201 and organizer.json["shift_id"] == s.shift.id
    assert [row.reporter_id for row in stored()] == [s.organizer.id]


def test_a_volunteer_reports_for_the_shift_window_only(api, post):
    s = post
    late_at_night = s.shift.ends_at + timedelta(hours=13)
    with at(late_at_night):
        too_late = report(api, s, occurred_at=(s.shift.ends_at - timedelta(minutes=30)).isoformat())
    with at(s.shift.ends_at + timedelta(hours=3)):
        queued_offline = report(api, s, occurred_at=(s.shift.ends_at - timedelta(minutes=30)).isoformat())

    assert too_late.status_code == 403 and too_late.json["error"]["code"] == "not_on_duty"
    assert queued_offline.status_code == 201


def test_volunteers_read_their_own_reports_and_organizers_read_all_with_phones(api, post):
    s = post
    with at(s.moment):
        report(api, s, involved_user_ids=[s.other.id])
        report(api, s, token=s.organizer_token, category="equipment", severity="low")
        mine = api.get(f"/tasks/{s.task.id}/incidents", token=s.token).json["items"]
        others = api.get(f"/tasks/{s.task.id}/incidents", token=s.other_token).json["items"]
        organizer = api.get(f"/tasks/{s.task.id}/incidents", token=s.organizer_token).json["items"]

    assert [i["reporter"]["name"] for i in mine] == ["李晓明"]
    assert others == []
    assert len(organizer) == 2
    injury = next(i for i in organizer if i["category"] == "injury")
    assert injury["involved"][0]["phone"] == s.other.phone and injury["reporter"]["phone"] == s.volunteer.phone


def test_a_reviewer_of_the_subtree_reads_without_phones(api, api_token, post, make_user, grant, app):
    s = post
    with app.app_context():  # the post's community moves under a street
        street = Organisation(name="民治街道", kind="street", path="")
        db.session.add(street)
        db.session.flush()
        street.path = f"/{street.id}/"
        community = db.session.get(Organisation, s.org.id)
        community.parent_id, community.path = street.id, f"/{street.id}/{community.id}/"
        db.session.commit()
        street_id = street.id
    reviewer = make_user("街道审核员")
    grant(reviewer, SimpleNamespace(id=street_id), "reviewer")
    with at(s.moment):
        incident = report(api, s, involved_user_ids=[s.other.id]).json
        listed = api.get(f"/tasks/{s.task.id}/incidents", token=api_token(reviewer)).json["items"]
        update = api.post(f"/incidents/{incident['id']}/updates", json={"text": "看看"}, token=api_token(reviewer))

    assert [i["id"] for i in listed] == [incident["id"]]
    assert "phone" not in listed[0]["involved"][0]
    assert update.status_code == 403  # reviewers read, never change


def test_organizers_acknowledge_follow_up_and_close_and_the_reporter_adds_details(api, api_token, post, make_user):
    s = post
    with at(s.moment):
        incident = report(api, s).json
        url = f"/incidents/{incident['id']}"
        acknowledged = api.post(f"{url}/acknowledge", token=s.organizer_token)
        detail = api.post(f"{url}/updates", json={"text": "已到医院拍片，无骨折。"}, token=s.token)
        reporter_close = api.post(f"{url}/updates", json={"text": "我好了", "close": True}, token=s.token)
        stranger = api.post(f"{url}/updates", json={"text": "?"}, token=api_token(make_user("路人")))
        closed = api.post(f"{url}/updates", json={"text": "已报保险，结案。", "close": True}, token=s.organizer_token)
        after = api.post(f"{url}/updates", json={"text": "补充"}, token=s.organizer_token)
        read_back = api.get(url, token=s.token)

    assert acknowledged.status_code == 200 and acknowledged.json["status"] == "acknowledged"
    assert detail.status_code == 201 and detail.json["status"] == "acknowledged"
    assert reporter_close.status_code == 403
    assert stranger.status_code == 404
    assert closed.status_code == 201 and closed.json["status"] == "closed" and closed.json["closed_at"]
    assert after.status_code == 409 and after.json["error"]["code"] == "incident_closed"
    assert [(u["text"], u["closes"]) for u in read_back.json["updates"]] == [
        ("已到医院拍片，无骨折。", False),
        ("已报保险，结案。", True),
    ]


def test_only_the_organizers_acknowledge(api, post):
    s = post
    with at(s.moment):
        incident = report(api, s).json
        response = api.post(f"/incidents/{incident['id']}/acknowledge", token=s.token)

    assert response.status_code == 403


def test_the_board_counts_the_open_incidents_of_each_post(api, post, app):
    s = post
    with at(s.moment):
        first = report(api, s).json
        report(api, s, category="conflict")
        api.post(f"/incidents/{first['id']}/updates", json={"text": "结案", "close": True}, token=s.organizer_token)

    with app.app_context():
        assert queries.open_counts([s.task.id, 999999]) == {s.task.id: 1}
        assert queries.open_counts([]) == {}


def test_closes_and_reports_sent_at_the_same_moment_count_once(app, api, post, stored, notes):
    s = post
    barrier = threading.Barrier(8)
    answers = []

    def send(path, payload, token):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1{path}", json=payload, headers={"Authorization": f"Bearer {token}"})
        answers.append((path, response.status_code))

    with at(s.moment):
        incident = report(api, s, severity="severe").json
        close = (f"/incidents/{incident['id']}/updates", {"text": "结案", "close": True}, s.organizer_token)
        queued = (f"/tasks/{s.task.id}/incidents", body(s, client_id="queued-1", severity="severe"), s.token)
        threads = [threading.Thread(target=send, args=close if i % 2 else queued) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        updates = api.get(f"/incidents/{incident['id']}", token=s.token).json["updates"]

    closing = sorted(status for path, status in answers if path.endswith("/updates"))
    assert closing == [201, 409, 409, 409]
    assert [u["closes"] for u in updates] == [True]
    sent = sorted(status for path, status in answers if path.endswith("/incidents"))
    assert sent.count(201) == 1 and sent.count(200) == 3
    assert len(stored()) == 2 and len(notes()) == 2  # one notice per incident
