"""The volunteer's own profile over the API."""

import pytest


@pytest.fixture
def me(make_user, api_token):
    user = make_user("王芳")
    return user, api_token(user)


def test_profile_changes_are_saved_and_returned(api, me):
    _, token = me

    response = api.patch(
        "/me",
        token=token,
        json={
            "name": "王芳芳",
            "lat": 22.61,
            "lon": 114.03,
            "skills": ["english", "driving"],
            "availability": ["weekday_night", "weekend_day"],
            "party_member": True,
            "max_weekly_hours": 12,
            "locale": "en",
        },
    )

    assert response.status_code == 200
    again = api.get("/me", token=token).json
    assert again["name"] == "王芳芳"
    assert (again["lat"], again["lon"]) == (22.61, 114.03)
    assert again["skills"] == ["driving", "english"]
    assert again["availability"] == ["weekday_night", "weekend_day"]
    assert again["party_member"] is True
    assert again["max_weekly_hours"] == 12
    assert again["locale"] == "en"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skills": ["juggling"]}, "skills.0"),
        ({"availability": ["always"]}, "availability.0"),
        ({"lat": 91, "lon": 114}, "lat"),
        ({"lat": 22.5, "lon": -181}, "lon"),
        ({"lat": 22.5}, "lon"),
        ({"max_weekly_hours": 0}, "max_weekly_hours"),
        ({"max_weekly_hours": 1.5}, "max_weekly_hours"),
        ({"locale": "fr"}, "locale"),
        ({"name": ""}, "name"),
        ({"skills": "english"}, "skills"),
        ({"home_org_id": 999999}, "home_org_id"),
    ],
)
def test_bad_profile_values_are_400_and_change_nothing(api, me, body, field):
    _, token = me
    before = api.get("/me", token=token).json

    response = api.patch("/me", token=token, json=body)

    assert response.status_code == 400
    assert field in response.json["error"]["fields"]
    assert api.get("/me", token=token).json == before


@pytest.mark.parametrize("field", ["is_admin", "phone", "roles", "id", "claim_lock"])
def test_fields_the_volunteer_does_not_own_are_refused(api, me, field):
    _, token = me
    before = api.get("/me", token=token).json

    response = api.patch("/me", token=token, json={field: True})

    assert response.status_code == 400
    assert api.get("/me", token=token).json == before


def test_picking_a_community_sets_the_home_location(api, me, make_org):
    _, token = me
    community = make_org("白石龙社区", lat=22.6108, lon=114.0346)

    api.patch("/me", token=token, json={"home_org_id": community.id})

    profile = api.get("/me", token=token).json
    assert profile["home_org_id"] == community.id
    assert (profile["lat"], profile["lon"]) == (22.6108, 114.0346)


def test_skills_catalogue_lists_codes_with_both_names(api):
    items = api.get("/skills").json["items"]

    codes = {item["code"] for item in items}
    assert {
        "medical",
        "nursing",
        "psychology",
        "driving",
        "logistics",
        "it_support",
        "photography",
        "sign_language",
        "english",
        "japanese",
        "korean",
        "french",
        "german",
        "spanish",
        "russian",
        "arabic",
    } <= codes
    english = next(item for item in items if item["code"] == "english")
    assert (english["zh"], english["en"], english["kind"]) == ("英语", "English", "language")
