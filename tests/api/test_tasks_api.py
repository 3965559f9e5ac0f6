"""Posting, editing, cancelling and finding tasks over the API."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from volunteer_hub.core.geo import distance_km
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.api import NearbyOut
from volunteer_hub.tasks.models import Task


def shift(start_h=24, hours=4, capacity=5):
    start = now().replace(microsecond=0) + timedelta(hours=start_h)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "capacity": capacity,
    }


@pytest.fixture
def organizer(make_org, make_user, grant, api_token):
    street = make_org("民治街道", "street")
    community = make_org("白石龙社区", "community", street, lat=22.6108, lon=114.0346)
    sibling = make_org("民泰社区", "community", street, lat=22.6296, lon=114.0486)
    user = make_user("王书记")
    grant(user, community)
    return {"token": api_token(user), "community": community, "sibling": sibling, "street": street}


def task_body(org, **overrides):
    body = {
        "org_id": org.id,
        "title": "白石龙一区东门卡口值守",
        "description": "核验通行码",
        "type": "checkpoint",
        "lat": 22.6118,
        "lon": 114.0354,
        "address": "白石龙一区东门",
        "required_skills": [],
        "requires_approval": False,
        "shifts": [shift(24), shift(36, 12, 3)],
    }
    return body | overrides


def test_posting_a_task_returns_it_with_its_shift_ids(api, organizer):
    response = api.post("/tasks", token=organizer["token"], json=task_body(organizer["community"]))

    assert response.status_code == 201
    task = response.json
    assert task["status"] == "open"
    assert [s["capacity"] for s in task["shifts"]] == [5, 3]
    assert all(isinstance(s["id"], int) and s["confirmed"] == 0 for s in task["shifts"])
    assert task["shifts"][0]["starts_at"].endswith("+08:00")
    assert api.get(f"/tasks/{task['id']}").json["title"] == "白石龙一区东门卡口值守"


def test_an_overnight_twelve_hour_shift_is_accepted(api, organizer):
    response = api.post(
        "/tasks", token=organizer["token"], json=task_body(organizer["community"], shifts=[shift(30, 12, 2)])
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"shifts": [shift(24, -1)]}, "shifts.0.ends_at"),
        ({"shifts": [shift(24, 0)]}, "shifts.0.ends_at"),
        ({"shifts": [shift(24, 25)]}, "shifts.0.ends_at"),
        ({"shifts": [shift(24, 4, 0)]}, "shifts.0.capacity"),
        ({"shifts": [shift(24, 4, 10001)]}, "shifts.0.capacity"),
        ({"shifts": [shift(24, 4, "5")]}, "shifts.0.capacity"),
        ({"shifts": [shift(-2, 4)]}, "shifts.0.starts_at"),
        ({"shifts": []}, "shifts"),
        ({"shifts": [shift(24 + i) for i in range(201)]}, "shifts"),
        (
            {"shifts": [{"starts_at": "2030-02-03T08:00:00", "ends_at": "2030-02-03T12:00:00", "capacity": 2}]},
            "shifts.0.starts_at",
        ),
        ({"shifts": [{"starts_at": "tomorrow", "ends_at": "later", "capacity": 2}]}, "shifts.0.starts_at"),
        ({"lat": 91}, "lat"),
        ({"lon": 200}, "lon"),
        ({"lat": "north"}, "lat"),
        ({"type": "party"}, "type"),
        ({"required_skills": ["flying"]}, "required_skills.0"),
        ({"title": ""}, "title"),
        ({"title": "卡" * 101}, "title"),
        ({"description": "x" * 2001}, "description"),
        ({"address": "x" * 201}, "address"),
        ({"org_id": 999999}, "org_id"),
        ({"org_id": "one"}, "org_id"),
        ({"status": "completed"}, "status"),
        ({"requires_approval": "maybe"}, "requires_approval"),
    ],
)
def test_bad_tasks_are_400_with_the_field_named_and_nothing_saved(api, organizer, overrides, field):
    response = api.post("/tasks", token=organizer["token"], json=task_body(organizer["community"], **overrides))

    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"]
    assert api.get("/tasks", query_string={"lat": 22.6108, "lon": 114.0346}).json["items"] == []


def test_missing_fields_are_all_named(api, organizer):
    response = api.post("/tasks", token=organizer["token"], json={})

    assert {"org_id", "title", "type", "shifts"} <= set(response.json["error"]["fields"])


def test_an_organizer_cannot_post_for_another_community(api, organizer):
    response = api.post("/tasks", token=organizer["token"], json=task_body(organizer["sibling"]))

    assert response.status_code == 403
    assert api.get("/tasks", query_string={"lat": 22.6296, "lon": 114.0486}).json["items"] == []


def test_a_volunteer_cannot_post(api, organizer, make_user, api_token):
    response = api.post("/tasks", token=api_token(make_user()), json=task_body(organizer["community"]))

    assert response.status_code == 403


def test_repeating_a_post_with_the_same_client_token_creates_one_task(api, organizer):
    body = task_body(organizer["community"], client_token="form-7f3a")

    first = api.post("/tasks", token=organizer["token"], json=body)
    second = api.post("/tasks", token=organizer["token"], json=body)

    assert first.json["id"] == second.json["id"]


def post(api, organizer, **overrides):
    return api.post("/tasks", token=organizer["token"], json=task_body(organizer["community"], **overrides)).json


def test_capacity_cannot_drop_below_the_confirmed_count(api, organizer, make_user, api_token):
    task = post(api, organizer, shifts=[shift(24, 4, 3)])
    shift_id = task["shifts"][0]["id"]
    for _ in range(2):
        api.post(f"/shifts/{shift_id}/claims", token=api_token(make_user()))

    response = api.patch(
        f"/tasks/{task['id']}", token=organizer["token"], json={"shifts": [{"id": shift_id, "capacity": 1}]}
    )

    assert response.status_code == 409
    assert response.json["error"]["code"] == "capacity_below_confirmed"
    assert api.get(f"/tasks/{task['id']}").json["shifts"][0]["capacity"] == 3


def test_raising_capacity_promotes_the_waitlist(api, organizer, make_user, api_token):
    task = post(api, organizer, shifts=[shift(24, 4, 1)])
    shift_id = task["shifts"][0]["id"]
    first, second = api_token(make_user()), api_token(make_user())
    api.post(f"/shifts/{shift_id}/claims", token=first)
    waiting = api.post(f"/shifts/{shift_id}/claims", token=second).json
    assert waiting["status"] == "waitlisted"

    api.patch(f"/tasks/{task['id']}", token=organizer["token"], json={"shifts": [{"id": shift_id, "capacity": 2}]})

    claims = api.get("/me/claims", token=second).json["items"]
    assert claims[0]["status"] == "confirmed"
    notes = api.get("/me/notifications", token=second).json["items"]
    assert [n["kind"] for n in notes] == ["claim_promoted"]


def test_edit_changes_fields_and_adds_a_shift(api, organizer):
    task = post(api, organizer, shifts=[shift(24)])

    response = api.patch(
        f"/tasks/{task['id']}",
        token=organizer["token"],
        json={"title": "东门卡口（夜班）", "requires_approval": True, "shifts": [shift(48, 12, 2)]},
    )

    assert response.status_code == 200
    assert response.json["title"] == "东门卡口（夜班）"
    assert response.json["requires_approval"] is True
    assert len(response.json["shifts"]) == 2


def test_edit_refuses_a_shift_of_another_task(api, organizer):
    task, other = post(api, organizer), post(api, organizer)

    response = api.patch(
        f"/tasks/{task['id']}",
        token=organizer["token"],
        json={"shifts": [{"id": other["shifts"][0]["id"], "capacity": 9}]},
    )

    assert response.status_code == 400
    assert api.get(f"/tasks/{other['id']}").json["shifts"][0]["capacity"] == 5


def test_moving_a_shift_notifies_its_volunteers(api, organizer, make_user, api_token):
    task = post(api, organizer, shifts=[shift(24)])
    token = api_token(make_user())
    api.post(f"/shifts/{task['shifts'][0]['id']}/claims", token=token)
    moved = shift(26)

    api.patch(
        f"/tasks/{task['id']}", token=organizer["token"], json={"shifts": [{"id": task["shifts"][0]["id"], **moved}]}
    )

    assert [n["kind"] for n in api.get("/me/notifications", token=token).json["items"]] == ["shift_time_changed"]


def test_another_communitys_organizer_can_neither_edit_nor_cancel(api, organizer, make_user, grant, api_token):
    task = post(api, organizer)
    outsider = make_user()
    grant(outsider, organizer["sibling"])
    token = api_token(outsider)

    edit = api.patch(f"/tasks/{task['id']}", token=token, json={"title": "改了"})
    cancel = api.post(f"/tasks/{task['id']}/cancel", token=token)

    assert (edit.status_code, cancel.status_code) == (403, 403)
    assert api.get(f"/tasks/{task['id']}").json["title"] == task["title"]
    assert api.get(f"/tasks/{task['id']}").json["status"] == "open"


def test_a_street_organizer_may_edit_a_community_task(api, organizer, make_user, grant, api_token):
    task = post(api, organizer)
    street_organizer = make_user()
    grant(street_organizer, organizer["street"])

    response = api.patch(f"/tasks/{task['id']}", token=api_token(street_organizer), json={"title": "街道统筹"})

    assert response.status_code == 200


def test_cancelling_a_task_cancels_claims_and_notifies_volunteers(api, organizer, make_user, api_token):
    task = post(api, organizer, shifts=[shift(24, 4, 1)])
    shift_id = task["shifts"][0]["id"]
    confirmed, waiting = api_token(make_user()), api_token(make_user())
    api.post(f"/shifts/{shift_id}/claims", token=confirmed)
    api.post(f"/shifts/{shift_id}/claims", token=waiting)

    response = api.post(f"/tasks/{task['id']}/cancel", token=organizer["token"])

    assert response.json["status"] == "cancelled"
    assert response.json["shifts"][0]["confirmed"] == 0
    for token in (confirmed, waiting):
        assert api.get("/me/claims", token=token).json["items"][0]["status"] == "cancelled"
        assert api.get("/me/notifications", token=token).json["items"][0]["kind"] == "task_cancelled"
    assert api.patch(f"/tasks/{task['id']}", token=organizer["token"], json={"title": "x"}).status_code == 409


def test_unknown_task_is_404(api):
    response = api.get("/tasks/999999")

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


# --- the nearby list ---


def test_nearby_lists_tasks_within_the_radius_nearest_first(api, make_task):
    far = make_task(lat=22.70, lon=114.04, title="远")  # ~10 km north
    near = make_task(lat=22.6118, lon=114.0354, title="近")
    middle = make_task(lat=22.6300, lon=114.0354, title="中")  # ~2 km north

    items = api.get("/tasks", query_string={"lat": 22.6108, "lon": 114.0346, "radius_km": 5}).json["items"]

    assert [item["id"] for item in items] == [near.id, middle.id]
    assert items[0]["distance_km"] < items[1]["distance_km"] < 5
    assert far.id not in [item["id"] for item in items]
    assert items[0]["shifts"][0]["capacity"] == 5
    assert items[0]["org"]["name"]


def test_nearby_answers_exactly_what_its_schema_would_dump(app, api, make_task, make_user, api_token):
    """The list is assembled from prepared parts, not dumped through NearbyOut: it must still say the same."""
    task = make_task(
        skills=["english", "driving"],
        shifts=[(timedelta(hours=-1), 4, 3), (timedelta(days=1), 4, 2), (timedelta(days=2), 12, 1)],
    )
    assert api.post(f"/shifts/{task.shifts[1].id}/claims", json={}, token=api_token(make_user())).status_code == 201

    answer = api.get("/tasks", query_string={"lat": 22.5431, "lon": 114.0579}).json

    with app.test_request_context():
        stored = db.session.get(Task, task.id)
        distance = round(distance_km((22.5431, 114.0579), (stored.lat, stored.lon)), 3)
        expected = NearbyOut().dump(
            {
                "items": [
                    {
                        "id": stored.id,
                        "title": stored.title,
                        "type": stored.type,
                        "distance_km": distance,
                        "address": stored.address,
                        "org": stored.org,
                        "requires_approval": False,
                        "required_skills": ["driving", "english"],
                        "shifts": stored.shifts[1:],
                    }
                ],
                "next_cursor": None,
            }
        )
    assert answer == expected
    assert answer["items"][0]["shifts"][0]["confirmed"] == 1 and answer["items"][0]["shifts"][0]["places_left"] == 1


def test_a_cancellation_reason_reaches_every_volunteer(api, organizer, make_user, api_token):
    task = post(api, organizer, shifts=[shift(24, 4, 1)])
    volunteer = api_token(make_user())
    api.post(f"/shifts/{task['shifts'][0]['id']}/claims", token=volunteer)

    response = api.post(
        f"/tasks/{task['id']}/cancel", token=organizer["token"], json={"reason": "The testing site moved indoors."}
    )

    assert response.json["status"] == "cancelled"
    note = api.get("/me/notifications", token=volunteer).json["items"][0]
    assert note["kind"] == "task_cancelled" and note["text"].endswith("The testing site moved indoors.")
    assert api.get("/me/claims", token=volunteer).json["items"][0]["organizer_reason"] == (
        "The testing site moved indoors."
    )


def test_nearby_hides_cancelled_and_finished_tasks(api, make_task):
    make_task(status="cancelled")
    with time_machine.travel(now() - timedelta(days=3)):
        make_task(shifts=[(timedelta(hours=1), 4, 5)])

    assert api.get("/tasks", query_string={"lat": 22.5431, "lon": 114.0579}).json["items"] == []


def test_nearby_filters_by_type_skill_and_date(api, make_task):
    checkpoint = make_task(type="checkpoint")
    english = make_task(type="foreign_language", skills=["english"], shifts=[(timedelta(days=3), 2, 1)])
    point = {"lat": 22.5431, "lon": 114.0579}
    in_three_days = (now() + timedelta(days=3)).astimezone(ZoneInfo("Asia/Shanghai")).date()  # a local day

    by_type = api.get("/tasks", query_string=point | {"type": "checkpoint"}).json["items"]
    by_skill = api.get("/tasks", query_string=point | {"skill": "english"}).json["items"]
    by_date = api.get("/tasks", query_string=point | {"date": in_three_days.isoformat()}).json["items"]

    assert [i["id"] for i in by_type] == [checkpoint.id]
    assert [i["id"] for i in by_skill] == [english.id]
    assert english.id in [i["id"] for i in by_date] and checkpoint.id not in [i["id"] for i in by_date]


def test_nearby_pages_with_a_cursor_without_repeats(api, make_task):
    ids = {make_task(lat=22.5431 + i * 0.001, lon=114.0579).id for i in range(7)}
    seen, cursor = [], None
    while True:
        query = {"lat": 22.5431, "lon": 114.0579, "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = api.get("/tasks", query_string=query).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert len(seen) == 7 and set(seen) == ids


def test_nearby_uses_the_saved_location_when_none_is_given(api, make_task, make_user, api_token):
    task = make_task()
    token = api_token(make_user(lat=22.5431, lon=114.0579))

    assert [i["id"] for i in api.get("/tasks", token=token).json["items"]] == [task.id]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({}, "location_required"),
        ({"lat": 22.5}, "validation_error"),
        ({"lat": 95, "lon": 114}, "validation_error"),
        ({"lat": 22.5, "lon": 114, "radius_km": 0}, "validation_error"),
        ({"lat": 22.5, "lon": 114, "radius_km": 500}, "validation_error"),
        ({"lat": 22.5, "lon": 114, "type": "party"}, "validation_error"),
        ({"lat": 22.5, "lon": 114, "date": "tomorrow"}, "validation_error"),
        ({"lat": 22.5, "lon": 114, "cursor": "!!!"}, "invalid_cursor"),
        ({"lat": "north", "lon": 114}, "validation_error"),
    ],
)
def test_bad_nearby_queries_are_400(api, query, code):
    response = api.get("/tasks", query_string=query)

    assert response.status_code == 400
    assert response.json["error"]["code"] == code


@pytest.mark.parametrize("hours", [13, 23, 24])
def test_a_shift_longer_than_any_volunteer_may_serve_is_refused_on_its_end(api, organizer, hours):
    response = api.post(
        "/tasks",
        token=organizer["token"],
        json=task_body(organizer["community"], shifts=[shift(24), shift(30, hours, 2)]),
    )

    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert list(response.json["error"]["fields"]) == ["shifts.1.ends_at"]
    assert "最长 12 小时" in response.json["error"]["fields"]["shifts.1.ends_at"]
    assert api.get("/tasks", query_string={"lat": 22.6108, "lon": 114.0346}).json["items"] == []


def test_moving_or_adding_a_shift_longer_than_12_hours_is_refused(api, organizer):
    task = post(api, organizer, shifts=[shift(24)])
    first = task["shifts"][0]

    moved = api.patch(
        f"/tasks/{task['id']}",
        token=organizer["token"],
        json={"shifts": [{"id": first["id"], "ends_at": shift(24, 23)["ends_at"]}]},
    )
    added = api.patch(f"/tasks/{task['id']}", token=organizer["token"], json={"shifts": [shift(48, 13)]})

    assert moved.status_code == 400 and list(moved.json["error"]["fields"]) == ["shifts.0.ends_at"]
    assert added.status_code == 400 and list(added.json["error"]["fields"]) == ["shifts.0.ends_at"]
    assert [(s["starts_at"], s["ends_at"]) for s in api.get(f"/tasks/{task['id']}").json["shifts"]] == [
        (first["starts_at"], first["ends_at"])
    ]
