"""A post's supplies over the API: the organizer's list, counts, restocks and issues; who reads and who writes; the
low-stock alert told once per crossing, even with two changes at once."""

import sqlalchemy as sa

from tests.claims.test_concurrency import run_concurrently
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.supplies import queries
from volunteer_hub.supplies.models import SupplyMovement


def add(api, post, token, **body):
    return api.post(f"/tasks/{post.task_id}/supplies", json=body, token=token)


def low_alerts(app) -> list[tuple[int, dict]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Notification).where(Notification.kind == "supply_low")).scalars()
        return [(n.user_id, n.params) for n in rows]


def test_organizer_lists_items_with_counts_and_thresholds(api, post, tokens):
    masks = add(api, post, tokens["organizer"], kind="masks", count=200, low_threshold=50)
    raincoats = add(api, post, tokens["organizer"], kind="other", name=" 雨衣 ", count=6)

    assert masks.status_code == 201
    assert masks.json | {"id": 0, "updated_at": ""} == {
        "id": 0,
        "kind": "masks",
        "name": "",
        "label": "口罩",
        "count": 200,
        "low_threshold": 50,
        "low": False,
        "updated_at": "",
    }
    assert (raincoats.status_code, raincoats.json["name"], raincoats.json["label"]) == (201, "雨衣", "雨衣")
    listed = api.get(f"/tasks/{post.task_id}/supplies", token=tokens["reviewer"]).json["items"]
    assert [(i["kind"], i["count"]) for i in listed] == [("masks", 200), ("other", 6)]


def test_the_same_item_twice_is_refused(api, post, tokens):
    add(api, post, tokens["organizer"], kind="masks")

    again = add(api, post, tokens["organizer"], kind="masks", count=3)

    assert (again.status_code, again.json["error"]["code"]) == (409, "item_exists")


def test_invalid_items_get_field_errors(api, post, tokens):
    nameless = add(api, post, tokens["organizer"], kind="other")
    unknown = add(api, post, tokens["organizer"], kind="helmets")
    negative = add(api, post, tokens["organizer"], kind="gloves", count=-1)

    assert (nameless.status_code, list(nameless.json["error"]["fields"])) == (400, ["name"])
    assert (unknown.status_code, list(unknown.json["error"]["fields"])) == (400, ["kind"])
    assert (negative.status_code, list(negative.json["error"]["fields"])) == (400, ["count"])


def test_who_reads_and_who_writes(api, post, tokens, client):
    item = add(api, post, tokens["organizer"], kind="gloves", count=10).json
    path = f"/tasks/{post.task_id}/supplies"

    reads = {role: api.get(path, token=tokens[role]).status_code for role in tokens}
    writes = {
        role: api.patch(f"{path}/{item['id']}", json={"count": 9}, token=tokens[role]).status_code for role in tokens
    }

    # on duty: checked in; next: their shift's check-in window is open; outsider: no place on the post
    assert reads == {
        "organizer": 200,
        "reviewer": 200,
        "stranger": 403,
        "on_duty": 200,
        "colleague": 200,
        "next": 200,
        "outsider": 403,
    }
    assert {role for role, status in writes.items() if status == 200} == {"organizer"}
    assert {status for role, status in writes.items() if role != "organizer"} == {403}
    assert api.get(path).status_code == 401


def test_an_item_named_through_another_post_is_not_found(api, post, tokens, make_task, make_org, grant):
    elsewhere = make_org("别的社区")
    grant(post.organizer, elsewhere)
    other = make_task(elsewhere)
    item = add(api, post, tokens["organizer"], kind="gloves", count=10).json

    through_other = api.patch(f"/tasks/{other.id}/supplies/{item['id']}", json={"count": 1}, token=tokens["organizer"])
    unknown = api.patch(f"/tasks/{post.task_id}/supplies/99999", json={"count": 1}, token=tokens["organizer"])

    assert (through_other.status_code, unknown.status_code) == (404, 404)
    assert api.get(f"/tasks/{post.task_id}/supplies", token=tokens["organizer"]).json["items"][0]["count"] == 10


def test_issue_to_a_volunteer_of_the_roster_counts_down_and_is_recorded(app, api, post, tokens):
    item = add(api, post, tokens["organizer"], kind="thermometers", count=5).json
    path = f"/tasks/{post.task_id}/supplies/{item['id']}"

    issued = api.post(f"{path}/issue", json={"count": 2, "user_id": post.on_duty[0].id}, token=tokens["organizer"])
    stranger = api.post(f"{path}/issue", json={"count": 1, "user_id": post.outsider.id}, token=tokens["organizer"])
    too_many = api.post(f"{path}/issue", json={"count": 9, "user_id": post.on_duty[1].id}, token=tokens["organizer"])
    restocked = api.post(f"{path}/restock", json={"add": 10, "note": "街道送来"}, token=tokens["organizer"])

    assert (issued.status_code, issued.json["count"]) == (200, 3)
    assert (stranger.status_code, list(stranger.json["error"]["fields"])) == (400, ["user_id"])
    assert (too_many.status_code, too_many.json["error"]["code"]) == (409, "not_enough_stock")
    assert restocked.json["count"] == 13
    ledger = api.get(f"/tasks/{post.task_id}/supplies/movements", token=tokens["reviewer"]).json["items"]
    assert [(m["reason"], m["delta"], m["count_after"], m["issued_to_id"]) for m in ledger] == [
        ("organizer", 10, 13, None),
        ("issue", -2, 3, post.on_duty[0].id),
        ("organizer", 5, 5, None),
    ]
    assert api.get(f"/tasks/{post.task_id}/supplies/movements", token=tokens["on_duty"]).status_code == 403


def test_low_stock_tells_the_organizers_once_per_crossing(app, api, post, tokens):
    item = add(api, post, tokens["organizer"], kind="masks", count=100, low_threshold=20).json
    path = f"/tasks/{post.task_id}/supplies/{item['id']}"

    api.patch(path, json={"count": 20}, token=tokens["organizer"])  # crosses: told
    api.patch(path, json={"count": 5}, token=tokens["organizer"])  # still low: not again
    first = low_alerts(app)
    api.post(f"{path}/restock", json={"add": 100}, token=tokens["organizer"])  # back above: re-armed
    api.patch(path, json={"count": 3}, token=tokens["organizer"])  # crosses again: told again

    assert [(uid, p["count"], p["threshold"]) for uid, p in first] == [(post.organizer.id, 20, 20)]
    assert [p["count"] for _, p in low_alerts(app)] == [20, 3]
    assert api.get(path.rsplit("/", 1)[0], token=tokens["organizer"]).json["items"][0]["low"] is True


def test_two_changes_at_once_tell_the_organizers_once(app, api, post, tokens):
    item = add(api, post, tokens["organizer"], kind="masks", count=12, low_threshold=10).json
    path = f"/tasks/{post.task_id}/supplies/{item['id']}/issue"

    def hand_out(user_id):
        def call():
            body = {"count": 1, "user_id": user_id}
            return (
                api.client.application.test_client()
                .post(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {tokens['organizer']}"})
                .status_code
            )

        return call

    first, second = post.on_duty[0].id, post.on_duty[1].id
    results = run_concurrently(app, [hand_out(first), hand_out(second), hand_out(first)])

    assert results == [200, 200, 200]  # 12 -> 9: crossed once, by whichever came second
    assert len(low_alerts(app)) == 1
    with app.app_context():
        assert [m.count_after for m in db.session.query(SupplyMovement).order_by(SupplyMovement.id)] == [12, 11, 10, 9]


def test_levels_for_the_board(app, api, post, tokens):
    add(api, post, tokens["organizer"], kind="sanitizer", count=2, low_threshold=3)
    add(api, post, tokens["organizer"], kind="masks", count=40, low_threshold=10)
    add(api, post, tokens["organizer"], kind="other", name="雨衣", count=4)

    with app.test_request_context():
        assert queries.levels(post.task_id) == [("口罩", 40, False), ("免洗洗手液", 2, True), ("雨衣", 4, False)]
