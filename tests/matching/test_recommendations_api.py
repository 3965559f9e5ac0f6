"""GET /api/v1/me/recommendations and the match settings of PATCH /api/v1/me."""

from datetime import timedelta

import pytest

from tests.matching.conftest import north

TOMORROW_10AM = timedelta(days=1)


@pytest.fixture
def medic(volunteer, api_token):
    """(user, token) of an English-speaking medic at the test centre, free on weekday daytimes."""
    user = volunteer(km=0, skills=["medical"], locale="en")
    return user, api_token(user)


def test_recommendations_list_fitting_tasks_best_first_with_their_reasons(api, make_task, medic):
    _, token = medic
    lat, lon = north(1.0)
    fits = make_task(title="Disinfection", type="disinfection", skills=["medical"], lat=lat, lon=lon)
    generic = make_task(title="Checkpoint", lat=north(0.5)[0], lon=lon)
    make_task(title="Driving", type="delivery", skills=["driving"], lat=lat, lon=lon)
    make_task(title="Night", shifts=[(timedelta(hours=10), 12, 2)], lat=lat, lon=lon)
    make_task(title="Far away", lat=north(8.0)[0], lon=lon)

    response = api.get("/me/recommendations", token=token)

    assert response.status_code == 200
    items = response.json["items"]
    assert [item["task_id"] for item in items] == [fits.id, generic.id]
    assert items[0]["title"] == "Disinfection"
    assert items[0]["distance_km"] == pytest.approx(1.0, abs=0.01)
    assert [(r["kind"], r.get("code"), r["text"]) for r in items[0]["reasons"]] == [
        ("distance", None, "1.0 km from you"),
        ("skill", "medical", "Needs Medical: you have it"),
        ("availability", "weekday_day", "A shift in your usual time: Weekday daytime"),
    ]


def test_recommendations_leave_out_tasks_i_already_claimed_or_that_clash(api, make_task, medic):
    _, token = medic
    claimed = make_task(title="Claimed", shifts=[(TOMORROW_10AM, 4, 5)])
    make_task(title="Clashes", shifts=[(TOMORROW_10AM + timedelta(hours=1), 4, 5)])
    later = make_task(title="Later", shifts=[(timedelta(days=2), 4, 5)])
    assert api.post(f"/shifts/{claimed.shifts[0].id}/claims", token=token).json["status"] == "confirmed"

    items = api.get("/me/recommendations", token=token).json["items"]

    assert [item["task_id"] for item in items] == [later.id]


def test_a_volunteer_without_a_location_gets_an_empty_list_and_a_hint(api, make_user, api_token, make_task):
    make_task()
    token = api_token(make_user(locale="en"))

    body = api.get("/me/recommendations", token=token).json

    assert body["items"] == []
    assert "location" in body["hint"]


def test_recommendations_need_a_token(api):
    assert api.get("/me/recommendations").status_code == 401


def test_match_settings_are_saved_and_shown_in_the_same_format(api, make_user, api_token):
    token = api_token(make_user())
    assert api.get("/me", token=token).json["quiet_hours"] == "22:00-07:00"

    response = api.patch(
        "/me", token=token, json={"notify_max_per_day": 5, "quiet_hours": "23:30-06:45", "match_opt_out": True}
    )

    assert response.status_code == 200
    shown = api.get("/me", token=token).json
    assert (shown["notify_max_per_day"], shown["quiet_hours"], shown["match_opt_out"]) == (5, "23:30-06:45", True)


def test_quiet_hours_can_be_switched_off(api, make_user, api_token):
    token = api_token(make_user())

    assert api.patch("/me", token=token, json={"quiet_hours": None}).json["quiet_hours"] is None
    assert api.get("/me", token=token).json["quiet_hours"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quiet_hours", "22-07"),
        ("quiet_hours", "24:00-07:00"),
        ("quiet_hours", "22:00-22:00"),
        ("quiet_hours", 2200),
        ("notify_max_per_day", 21),
        ("notify_max_per_day", -1),
        ("notify_max_per_day", "3"),
        ("match_opt_out", "maybe"),
    ],
)
def test_bad_match_settings_are_refused_with_a_field_error(api, make_user, api_token, field, value):
    token = api_token(make_user(locale="en"))

    response = api.patch("/me", token=token, json={field: value})

    assert response.status_code == 400
    assert field in response.json["error"]["fields"]
    assert api.get("/me", token=token).json["quiet_hours"] == "22:00-07:00"
