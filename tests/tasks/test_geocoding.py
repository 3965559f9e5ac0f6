"""Address-only tasks: looked up by a job against the geocoding provider (a local HTTP stub here), listed
nearby once located, and failing cleanly (with a reason for the organizer) when the lookup cannot succeed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.tasks.geocoding import geocode_task

BAISHILONG = {
    "lat": "22.6108",
    "lon": "114.0346",
    "display_name": "白石龙一区, 民治街道, 龙华区, 深圳市",
    "place_id": 1,
    "boundingbox": ["22.6", "22.62", "114.02", "114.04"],
}


@pytest.fixture
def organizer(make_org, make_user, grant, api_token):
    community = make_org("白石龙社区")
    user = make_user("王书记")
    grant(user, community)
    return {"token": api_token(user), "org": community}


@pytest.fixture
def make_user_with_role(make_user, grant):
    """Another organizer of the same community, to look at the organizer pages."""

    def factory(organizer):
        user = make_user("刘主任")
        grant(user, organizer["org"])
        return user

    return factory


@pytest.fixture
def provider(app, httpserver, monkeypatch):
    """Point the geocoder at a local stub of Nominatim."""
    monkeypatch.setitem(app.config, "GEOCODER_DOMAIN", f"127.0.0.1:{httpserver.port}")
    monkeypatch.setitem(app.config, "GEOCODER_SCHEME", "http")
    return httpserver


def post_address_only(api, organizer, address="深圳市龙华区民治街道白石龙一区东门"):
    start = now().replace(microsecond=0) + timedelta(days=1)
    return api.post(
        "/tasks",
        token=organizer["token"],
        json={
            "org_id": organizer["org"].id,
            "title": "东门卡口值守",
            "type": "checkpoint",
            "address": address,
            "shifts": [
                {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(), "capacity": 3}
            ],
        },
    )


def geocode(app, task_id):
    with app.app_context():
        geocode_task(task_id)


def nearby_ids(api):
    return [item["id"] for item in api.get("/tasks", query_string={"lat": 22.6108, "lon": 114.0346}).json["items"]]


def test_an_address_only_task_waits_for_geocoding_and_is_not_listed_yet(api, organizer):
    response = post_address_only(api, organizer)

    assert response.status_code == 201
    assert (response.json["geocode_status"], response.json["lat"], response.json["lon"]) == ("pending", None, None)
    assert nearby_ids(api) == []


def test_once_geocoded_the_task_is_listed_and_matched(app, api, organizer, provider):
    provider.expect_request("/search").respond_with_json([BAISHILONG])
    task_id = post_address_only(api, organizer).json["id"]

    geocode(app, task_id)

    task = api.get(f"/tasks/{task_id}").json
    assert (task["geocode_status"], task["lat"], task["lon"]) == ("ok", 22.6108, 114.0346)
    assert nearby_ids(api) == [task_id]
    with app.app_context():
        jobs = db.session.execute(sa.select(OutboxEvent.job)).scalars().all()
    assert jobs[-1] == "volunteer_hub.matching.jobs.match_task"
    query = provider.log[0][0].args
    assert query["q"] == "深圳市龙华区民治街道白石龙一区东门" and query["countrycodes"] == "cn"


def test_an_unknown_address_fails_with_a_reason_the_organizer_sees(
    app, api, organizer, provider, login, make_user_with_role
):
    provider.expect_request("/search").respond_with_json([])
    task_id = post_address_only(api, organizer, "不存在的地址").json["id"]

    geocode(app, task_id)

    task = api.get(f"/tasks/{task_id}", headers={"Accept-Language": "en"}).json
    assert (task["geocode_status"], task["geocode_error"]) == ("failed", "not_found")
    assert "not found" in task["geocode_message"]
    page = login(make_user_with_role(organizer)).get(f"/org/tasks/{task_id}").get_data(as_text=True)
    assert "pick the place" in page.lower() or "选择" in page


@pytest.mark.parametrize("domain", ["", "127.0.0.1:9"])  # no provider configured; nothing listening
def test_no_provider_or_no_network_fails_cleanly(app, api, organizer, monkeypatch, domain):
    monkeypatch.setitem(app.config, "GEOCODER_DOMAIN", domain)
    monkeypatch.setitem(app.config, "GEOCODER_SCHEME", "http")
    task_id = post_address_only(api, organizer).json["id"]

    geocode(app, task_id)

    task = api.get(f"/tasks/{task_id}").json
    assert task["geocode_status"] == "failed" and task["geocode_error"]


def test_the_organizer_picks_the_point_after_a_failure(app, api, organizer, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER_DOMAIN", "")
    task_id = post_address_only(api, organizer).json["id"]
    geocode(app, task_id)

    response = api.patch(f"/tasks/{task_id}", token=organizer["token"], json={"lat": 22.6108, "lon": 114.0346})

    assert (response.json["geocode_status"], response.json["geocode_error"]) == ("ok", None)
    assert nearby_ids(api) == [task_id]


def test_a_task_needs_a_point_or_an_address(api, organizer):
    start = now().replace(microsecond=0) + timedelta(days=1)
    response = api.post(
        "/tasks",
        token=organizer["token"],
        json={
            "org_id": organizer["org"].id,
            "title": "东门卡口值守",
            "type": "checkpoint",
            "shifts": [
                {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(), "capacity": 3}
            ],
        },
    )

    assert response.status_code == 400 and "lat" in response.json["error"]["fields"]


def test_match_radius_and_urgency_are_saved(api, organizer):
    start = now().replace(microsecond=0) + timedelta(days=1)
    response = api.post(
        "/tasks",
        token=organizer["token"],
        json={
            "org_id": organizer["org"].id,
            "title": "东门卡口值守",
            "type": "checkpoint",
            "lat": 22.61,
            "lon": 114.03,
            "match_radius_km": 2.5,
            "urgent": True,
            "release_unconfirmed": True,
            "shifts": [
                {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(), "capacity": 3}
            ],
        },
    )

    body = response.json
    assert (body["match_radius_km"], body["urgent"], body["release_unconfirmed"]) == (2.5, True, True)
    bad = api.patch(f"/tasks/{body['id']}", token=organizer["token"], json={"match_radius_km": 500})
    assert bad.status_code == 400 and "match_radius_km" in bad.json["error"]["fields"]
