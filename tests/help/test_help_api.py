"""The help-request API: asking, the organizer's accept (a matched task) and decline, who may do what."""

import pytest

from tests.conftest import SHENZHEN
from tests.help.conftest import ADDRESS, ALL_BANDS, PHONE, tomorrow_at
from volunteer_hub.core.timeutil import isoformat
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Task
from volunteer_hub.worker import run_worker


@pytest.fixture
def body(app, world):
    """A valid request body for Minzhi Community."""
    with app.test_request_context():
        needed = isoformat(tomorrow_at(10))
    return {
        "type": "foreign_language",
        "description": "Help me talk to the pharmacist.",
        "address": ADDRESS,
        "needed_at": needed,
        "contact_phone": "13912345678",
        "languages": ["english"],
        "community_id": world.community.id,
    }


def test_a_resident_asks_for_help(api, api_token, make_user, body):
    resident = make_user("Anna Resident")
    reply = api.post("/help-requests", token=api_token(resident), json=body)
    assert reply.status_code == 201
    assert reply.json["status"] == "open" and reply.json["community"]["name"] == "Minzhi Community"
    assert reply.json["contact"] is None  # the resident's own view does not repeat the address and phone
    mine = api.get("/help-requests", token=api_token(resident)).json["items"]
    assert [item["id"] for item in mine] == [reply.json["id"]]


def test_asking_needs_a_bearer_token(api, body):
    assert api.post("/help-requests", json=body).status_code == 401


def test_without_a_community_the_nearest_to_the_location_is_chosen(api, api_token, make_user, body):
    body = {k: v for k, v in body.items() if k != "community_id"} | {"lat": SHENZHEN[0] + 0.045, "lon": SHENZHEN[1]}
    reply = api.post("/help-requests", token=api_token(make_user()), json=body)
    assert reply.status_code == 201 and reply.json["community"]["name"] == "Longhua Community"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"languages": []}, "languages"),
        ({"contact_phone": "5551234"}, "contact_phone"),
        ({"needed_at": "2020-01-01T10:00:00+08:00"}, "needed_at"),
        ({"type": "dance"}, "type"),
        ({"community_id": None}, "community_id"),
    ],
)
def test_invalid_requests_get_a_message_per_field(api, api_token, make_user, body, changes, field):
    reply = api.post("/help-requests", token=api_token(make_user()), json=body | changes)
    assert reply.status_code == 400 and field in reply.json["error"]["fields"]


def test_accepting_publishes_a_one_place_task_and_an_english_speaking_neighbour_is_told(
    app, api, api_token, make_user, world, body
):
    english = make_user("Li English", skills=["english"], lat=SHENZHEN[0] + 0.01, lon=SHENZHEN[1], **ALL_BANDS)
    chinese_only = make_user("Sun Chinese", lat=SHENZHEN[0] + 0.01, lon=SHENZHEN[1], **ALL_BANDS)
    with app.app_context():  # the real clock runs in the worker: no quiet hours, so the hour does not matter
        for user in (english, chinese_only):
            saved = db.session.get(type(user), user.id)
            saved.quiet_start_min = saved.quiet_end_min = None
        db.session.commit()
    request_id = api.post("/help-requests", token=api_token(make_user()), json=body).json["id"]

    reply = api.post(f"/help-requests/{request_id}/accept", token=api_token(world.organizer))
    assert reply.status_code == 201 and reply.json["request"]["status"] == "accepted"
    task_id = reply.json["task_id"]
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.type, task.required_skills, task.help_request_id, task.leader_name, task.org_id) == (
            "foreign_language",
            ["english"],
            request_id,
            "Wang Organizer",
            world.community.id,
        )
        assert [(s.capacity, s.starts_at, (s.ends_at - s.starts_at).total_seconds()) for s in task.shifts] == [
            (1, tomorrow_at(10), 3600)
        ]
        assert task.title == "Help me talk to the pharmacist."

    run_worker(app, burst=True)

    told = {
        user.id: api.get("/me/notifications", token=api_token(user)).json["items"] for user in (english, chinese_only)
    }
    assert [(item["kind"], item["task_id"]) for item in told[english.id]] == [("task_match", task_id)]
    assert told[chinese_only.id] == []


def test_a_request_is_accepted_once(api, api_token, world, ask):
    request_id, _ = ask()
    token = api_token(world.organizer)
    assert api.post(f"/help-requests/{request_id}/accept", token=token).status_code == 201
    again = api.post(f"/help-requests/{request_id}/accept", token=token)
    assert again.status_code == 409 and again.json["error"]["code"] == "help_request_decided"


@pytest.mark.parametrize("who", ["sibling organizer", "volunteer"])
def test_only_the_communitys_organizers_accept_or_decline(api, api_token, world, ask, make_user, who):
    request_id, _ = ask()
    token = api_token(world.sibling_organizer if who == "sibling organizer" else make_user())
    assert api.post(f"/help-requests/{request_id}/accept", token=token).status_code == 403
    assert api.post(f"/help-requests/{request_id}/decline", token=token, json={"reason": "no"}).status_code == 403
    assert api.get(f"/help-requests/{request_id}", token=api_token(world.organizer)).json["status"] == "open"


def test_an_organizer_of_the_street_above_may_decide(api, api_token, world, ask, make_user, grant):
    street_organizer = make_user("Street Organizer")
    grant(street_organizer, world.street)
    request_id, _ = ask()
    inbox = api.get("/help-requests?view=inbox", token=api_token(street_organizer)).json["items"]
    assert [item["id"] for item in inbox] == [request_id] and inbox[0]["contact"]["phone"] == PHONE


def test_the_decline_reason_reaches_the_resident(api, api_token, world, make_user, body):
    resident = make_user()
    request_id = api.post("/help-requests", token=api_token(resident), json=body).json["id"]
    declined = api.post(
        f"/help-requests/{request_id}/decline",
        token=api_token(world.organizer),
        json={"reason": "Please call the pharmacy hotline 12345 instead."},
    )
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    seen = api.get(f"/help-requests/{request_id}", token=api_token(resident)).json
    assert seen["decline_reason"] == "Please call the pharmacy hotline 12345 instead."
    inbox = api.get("/me/notifications", token=api_token(resident)).json["items"]
    assert [item["kind"] for item in inbox] == ["help_declined"]


def test_a_decline_without_a_reason_is_refused(api, api_token, world, ask):
    request_id, _ = ask()
    reply = api.post(f"/help-requests/{request_id}/decline", token=api_token(world.organizer), json={"reason": ""})
    assert reply.status_code == 400 and "reason" in reply.json["error"]["fields"]


def test_the_inbox_lists_requests_needed_soonest_first(app, api, api_token, world, ask):
    with app.test_request_context():
        at_nine, at_four = tomorrow_at(9), tomorrow_at(16)
    later, _ = ask(needed_at=at_four)
    sooner, _ = ask(needed_at=at_nine)
    inbox = api.get("/help-requests?view=inbox", token=api_token(world.organizer)).json["items"]
    assert [item["id"] for item in inbox] == [sooner, later]
    assert api.get("/help-requests?view=inbox", token=api_token(world.sibling_organizer)).json["items"] == []


def test_the_community_organizers_are_told_of_a_new_request(api, api_token, world, ask):
    ask()
    items = api.get("/me/notifications", token=api_token(world.organizer)).json["items"]
    assert [item["kind"] for item in items] == ["help_requested"] and PHONE[3:] not in items[0]["text"]


def test_an_account_sends_only_so_many_requests_and_invalid_ones_do_not_count(
    app, api, api_token, make_user, body, monkeypatch
):
    monkeypatch.setitem(app.config, "HELP_REQUEST_LIMIT_PER_ACCOUNT", "2/hour")
    token = api_token(make_user())
    invalid = api.post("/help-requests", token=token, json=body | {"type": "dance"}).status_code
    sent = [api.post("/help-requests", token=token, json=body) for _ in range(3)]

    assert invalid == 400
    assert [reply.status_code for reply in sent] == [201, 201, 429]
    assert sent[2].json["error"]["code"] == "rate_limited"
    assert api.post("/help-requests", token=api_token(make_user()), json=body).status_code == 201  # per account
