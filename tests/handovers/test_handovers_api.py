"""The handover log over the API: written by those on duty (or an organizer), the counts set the post's supplies,
append-only, a form sent twice recorded once, read by the next shift and acknowledged once."""

from datetime import datetime, timedelta

import sqlalchemy as sa
import time_machine

from tests.claims.test_concurrency import run_concurrently
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.handovers.models import Handover, HandoverAck
from volunteer_hub.notifications.models import Notification
from volunteer_hub.supplies.models import SupplyItem, SupplyMovement


def write(api, post, token, shift_id=None, **body):
    return api.post(f"/shifts/{shift_id or post.shift_id}/handovers", json=body, token=token)


def stock(api, post, tokens, **levels):
    """The organizer's list: kind=(count, threshold)."""
    for kind, (count, threshold) in levels.items():
        body = {"kind": kind, "count": count, "low_threshold": threshold}
        assert api.post(f"/tasks/{post.task_id}/supplies", json=body, token=tokens["organizer"]).status_code == 201


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_volunteer_on_duty_writes_the_handover_and_the_counts_become_the_posts(app, api, post, tokens, incident):
    stock(api, post, tokens, masks=(200, 50), thermometers=(4, 1))
    quarrel = incident(post)

    response = write(
        api,
        post,
        tokens["on_duty"],
        notes="东门栏杆松了，已报物业。\n3号楼王阿姨的药已送到。",
        supplies=[{"item": "masks", "count": 120}, {"item": "雨衣", "count": 6}],
        incident_ids=[quarrel],
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert body["notes"] == "东门栏杆松了，已报物业。\n3号楼王阿姨的药已送到。"
    assert (body["shift_id"], body["task_id"], body["author_id"]) == (post.shift_id, post.task_id, post.on_duty[0].id)
    assert [(s["item"], s["label"], s["count"]) for s in body["supplies"]] == [
        ("masks", "口罩", 120),
        ("雨衣", "雨衣", 6),
    ]
    assert [(i["id"], i["category"]) for i in body["incidents"]] == [(quarrel, "conflict")]
    assert (body["acks"], body["offline"], body["corrects_id"]) == ([], False, None)
    levels = api.get(f"/tasks/{post.task_id}/supplies", token=tokens["organizer"]).json["items"]
    # the counts set the items; an item the post did not list ("雨衣") is added; thermometers were not counted
    assert [(i["kind"], i["name"], i["count"]) for i in levels] == [
        ("masks", "", 120),
        ("thermometers", "", 4),
        ("other", "雨衣", 6),
    ]
    with app.app_context():
        moves = db.session.execute(sa.select(SupplyMovement).where(SupplyMovement.reason == "handover")).scalars()
        assert sorted((m.delta, m.count_after, m.handover_id) for m in moves) == [
            (-80, 120, body["id"]),
            (6, 6, body["id"]),
        ]


def test_an_organizer_writes_one_for_any_shift_of_the_post(api, post, tokens):
    response = write(api, post, tokens["organizer"], shift_id=post.next_shift_id, notes="夜班注意关好东门。")

    assert (response.status_code, response.json["author_id"]) == (201, post.organizer.id)


def test_who_may_not_write(api, post, tokens):
    not_checked_in = write(api, post, tokens["next"], shift_id=post.next_shift_id, notes="x")
    refused = {
        role: write(api, post, tokens[role], notes="x").status_code
        for role in ("outsider", "reviewer", "stranger", "next")
    }

    assert (not_checked_in.status_code, not_checked_in.json["error"]["code"]) == (409, "not_checked_in")
    assert refused == {"outsider": 403, "reviewer": 403, "stranger": 403, "next": 403}
    assert api.post("/shifts/99999/handovers", json={"notes": "x"}, token=tokens["organizer"]).status_code == 404
    assert api.post(f"/shifts/{post.shift_id}/handovers", json={"notes": "x"}).status_code == 401


def test_invalid_handovers_get_field_errors(api, post, tokens, incident, make_task, make_org):
    elsewhere = incident(post, task_id=make_task(make_org("别的社区")).id)

    cases = {
        "supplies.0.count": {"supplies": [{"item": "masks", "count": -1}]},
        "supplies.0.item": {"supplies": [{"item": "other", "count": 1}]},
        "supplies.1.item": {"supplies": [{"item": "masks", "count": 1}, {"item": "masks", "count": 2}]},
        "incident_ids.0": {"incident_ids": [elsewhere]},
        "recorded_at": {"recorded_at": (now() + timedelta(hours=1)).isoformat()},
        "client_id": {"client_id": "x" * 65},
        "corrects_id": {"corrects_id": 99999},
    }

    for field, body in cases.items():
        response = write(api, post, tokens["on_duty"], notes="x", **body)
        assert (response.status_code, list(response.json["error"]["fields"])) == (400, [field]), (field, response.json)
    stale = write(api, post, tokens["on_duty"], recorded_at=(now() - timedelta(hours=13)).isoformat())
    assert list(stale.json["error"]["fields"]) == ["recorded_at"]
    assert api.get(f"/tasks/{post.task_id}/handovers", token=tokens["organizer"]).json["items"] == []


def test_written_offline_it_keeps_the_phones_time(api, post, tokens):
    written = (now() - timedelta(hours=2)).replace(microsecond=0)

    response = write(
        api, post, tokens["on_duty"], notes="无信号时填写", recorded_at=written.isoformat(), client_id="q-1"
    )

    assert response.status_code == 201
    assert (response.json["offline"], response.json["client_id"]) == (True, "q-1")
    assert datetime.fromisoformat(response.json["recorded_at"]) == written


def test_the_same_form_sent_twice_is_recorded_once(app, api, post, tokens):
    stock(api, post, tokens, masks=(100, 10))
    body = {"notes": "交接", "supplies": [{"item": "masks", "count": 80}], "client_id": "4f9c0e1a"}

    first = write(api, post, tokens["on_duty"], **body)
    again = write(api, post, tokens["on_duty"], **body)
    by_colleague = write(api, post, tokens["colleague"], **body)  # another author's phone may reuse an id

    assert (first.status_code, again.status_code, by_colleague.status_code) == (201, 200, 201)
    assert again.json["id"] == first.json["id"] != by_colleague.json["id"]
    assert count_rows(app, Handover) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(SupplyMovement.reason == "handover")) == 2


def test_a_form_replayed_at_the_same_moment_is_recorded_once(app, post, tokens):
    body = {"notes": "离线队列重放", "client_id": "replay-1"}

    def send():
        response = app.test_client().post(
            f"/api/v1/shifts/{post.shift_id}/handovers",
            json=body,
            headers={"Authorization": f"Bearer {tokens['on_duty']}"},
        )
        return response.status_code, response.get_json()["id"]

    results = run_concurrently(app, [send for _ in range(4)])

    assert sorted(status for status, _ in results) == [200, 200, 200, 201]
    assert len({handover_id for _, handover_id in results}) == 1
    assert count_rows(app, Handover) == 1


def test_append_only_a_correction_is_a_new_entry(app, api, post, tokens):
    original = write(api, post, tokens["on_duty"], notes="口罩剩 12 盒").json

    correction = write(api, post, tokens["colleague"], notes="更正：口罩剩 21 盒", corrects_id=original["id"])
    log = api.get(f"/tasks/{post.task_id}/handovers", token=tokens["organizer"]).json["items"]

    assert correction.status_code == 201
    assert [(h["id"], h["corrects_id"], h["corrected"]) for h in log] == [
        (correction.json["id"], original["id"], False),
        (original["id"], None, True),
    ]
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.call(method, f"/handovers/{original['id']}", token=tokens["organizer"]).status_code in (404, 405)
    with app.app_context():
        rules = [r for r in app.url_map.iter_rules() if "handover" in r.rule]
        assert {m for r in rules for m in r.methods} <= {"GET", "POST", "HEAD", "OPTIONS"}


def test_the_log_is_for_the_subtree_and_those_serving_the_post(api, post, tokens):
    write(api, post, tokens["on_duty"], notes="一切正常")
    path = f"/tasks/{post.task_id}/handovers"

    statuses = {role: api.get(path, token=tokens[role]).status_code for role in tokens}

    assert statuses == {
        "organizer": 200,
        "reviewer": 200,
        "stranger": 403,
        "on_duty": 200,
        "colleague": 200,
        "next": 200,  # within the check-in window of the next shift
        "outsider": 403,
    }
    assert [h["notes"] for h in api.get(path, token=tokens["next"]).json["items"]] == ["一切正常"]


def test_a_volunteer_stops_reading_the_log_once_their_service_is_over(app, api, post, tokens):
    write(api, post, tokens["on_duty"], notes="一切正常")
    path = f"/tasks/{post.task_id}/handovers"

    with time_machine.travel(now() + timedelta(hours=6), tick=False):
        later = api.get(path, token=tokens["on_duty"]).status_code  # the shift ended 5 h ago

    assert later == 403


def test_newest_first(api, post, tokens):
    for notes in ("第一条", "第二条", "第三条"):
        write(api, post, tokens["on_duty"], notes=notes)

    log = api.get(f"/tasks/{post.task_id}/handovers", token=tokens["reviewer"]).json["items"]

    assert [h["notes"] for h in log] == ["第三条", "第二条", "第一条"]


def test_the_next_shift_acknowledges_once(app, api, post, tokens):
    handover = write(api, post, tokens["on_duty"], notes="交接").json
    path = f"/handovers/{handover['id']}/ack"

    first = api.post(path, token=tokens["next"])
    again = api.post(path, token=tokens["next"])
    outsider = api.post(path, token=tokens["outsider"])
    reviewer = api.post(path, token=tokens["reviewer"])

    assert (first.status_code, first.json["new"], again.status_code, again.json["new"]) == (200, True, 200, False)
    assert first.json["acked_at"] == again.json["acked_at"]
    assert (outsider.status_code, reviewer.status_code) == (404, 403)
    assert count_rows(app, HandoverAck) == 1
    acks = api.get(f"/tasks/{post.task_id}/handovers", token=tokens["organizer"]).json["items"][0]["acks"]
    assert [(a["user_id"], a["name"]) for a in acks] == [(post.next_volunteer.id, "赵接班")]


def test_the_next_shift_is_told_a_handover_waits(app, api, post, tokens):
    write(api, post, tokens["on_duty"], notes="交接")

    with app.app_context():
        told = db.session.execute(sa.select(Notification).where(Notification.kind == "handover_waiting")).scalars()
        assert [(n.user_id, n.params["link"].endswith(f"/me/shifts/{post.next_claim}/checkin")) for n in told] == [
            (post.next_volunteer.id, True)
        ]


def test_incidents_since_the_last_handover_are_carried_when_none_are_named(api, post, tokens, incident):
    before = incident(post, "第一件")
    write(api, post, tokens["on_duty"], notes="一")
    after = incident(post, "第二件")

    second = write(api, post, tokens["on_duty"], notes="二").json

    assert before != after
    assert [i["id"] for i in second["incidents"]] == [after]


def test_a_count_at_the_threshold_tells_the_organizers_once(app, api, post, tokens):
    stock(api, post, tokens, sanitizer=(10, 3))

    write(api, post, tokens["on_duty"], supplies=[{"item": "sanitizer", "count": 3}])
    write(api, post, tokens["colleague"], supplies=[{"item": "sanitizer", "count": 2}])

    with app.app_context():
        alerts = db.session.execute(sa.select(Notification).where(Notification.kind == "supply_low")).scalars().all()
        assert [(n.user_id, n.params["count"]) for n in alerts] == [(post.organizer.id, 3)]
        item = db.session.execute(sa.select(SupplyItem)).scalar_one()
        assert (item.count, item.low_alerted) == (2, True)
