"""Registration, tokens and throttling over the JSON API."""

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from volunteer_hub.accounts import services
from volunteer_hub.accounts.models import AuthToken, User
from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.extensions import db


@pytest.fixture
def register(api, sms_code, app, monkeypatch):
    """register(**overrides) with a register code sent to the number (several codes a minute allowed)."""
    monkeypatch.setitem(app.config, "SMS_CODE_LIMIT_PER_NUMBER", "100/minute")

    def post(**overrides):
        body = {"phone": "139 1234 5678", "password": PASSWORD, "name": "李雷"} | overrides
        if "code" not in body and isinstance(body["phone"], str) and normalise_mobile(body["phone"]):
            body["code"] = sms_code(body["phone"])
        return api.post("/auth/register", json=body)

    return post


def test_register_normalises_the_phone_and_answers_201(api, register):
    response = register()

    assert response.status_code == 201
    assert response.json["phone"] == "+8613912345678"
    assert response.json["name"] == "李雷"
    assert "password" not in response.json


def test_registering_a_taken_phone_is_409_phone_taken(api, register):
    register()

    response = register(phone="+86 139-1234-5678")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "phone_taken"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 415 555 2671"}, "phone"),
        ({"password": "12345678"}, "password"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
        ({"name": "名" * 51}, "name"),
        ({"name": 42}, "name"),
        ({"phone": None}, "phone"),
    ],
)
def test_bad_registration_fields_are_400_with_a_message_for_the_field(api, body, field, register):
    response = register(**body)

    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"]


def test_every_bad_registration_field_is_named_in_one_answer(api, register):
    response = register(phone="12345", name=" ", password="short")

    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"phone", "name", "password"}


def test_missing_fields_and_unknown_fields_are_named(api):
    response = api.post("/auth/register", json={"phone": "13912345678", "is_admin": True})

    fields = response.json["error"]["fields"]
    assert response.status_code == 400
    assert {"password", "name", "is_admin"} <= set(fields)


def test_malformed_json_is_400_invalid_json(api):
    response = api.post("/auth/register", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


def test_a_body_that_is_not_json_is_415(api):
    response = api.post("/auth/register", data={"phone": "13912345678"})

    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"


def test_a_json_array_body_is_400(api):
    response = api.post("/auth/register", json=["13912345678"])

    assert response.status_code == 400


def test_token_for_right_credentials_authenticates_me(api, register):
    register()

    token = api.post("/auth/token", json={"phone": "13912345678", "password": PASSWORD}).json["token"]

    assert api.get("/me", token=token).json["phone"] == "+8613912345678"


def test_wrong_credentials_are_401_without_saying_which_part_is_wrong(api, register):
    register()

    wrong_password = api.post("/auth/token", json={"phone": "13912345678", "password": "Wrong2020pass"})
    unknown_phone = api.post("/auth/token", json={"phone": "13900000000", "password": PASSWORD})

    assert wrong_password.status_code == unknown_phone.status_code == 401
    assert wrong_password.json["error"] == unknown_phone.json["error"]
    assert wrong_password.json["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer " + "x" * 500])
def test_requests_without_a_valid_token_are_401(api, header):
    headers = {"Authorization": header} if header else {}

    response = api.get("/me", headers=headers)

    assert response.status_code == 401
    assert response.json["error"]["code"] == "not_authenticated"


def test_a_revoked_token_stops_working(api, make_user, api_token):
    token = api_token(make_user())

    assert api.delete("/auth/token", token=token).status_code == 204
    assert api.get("/me", token=token).status_code == 401


def test_a_password_change_ends_the_api_tokens_at_once(app, api, make_user, api_token):
    user = make_user()
    token = api_token(user)
    assert api.get("/me", token=token).status_code == 200

    with app.test_request_context():
        services.change_password(db.session.get(User, user.id), PASSWORD, "Another2021pass!")

    assert api.get("/me", token=token).status_code == 401


def test_a_token_revoked_by_another_process_stops_working_at_once(app, api, make_user, api_token):
    token = api_token(make_user())
    assert api.get("/me", token=token).status_code == 200
    with app.app_context():  # what another web process's logout does: the row goes
        db.session.execute(sa.delete(AuthToken))
        db.session.commit()
    assert api.get("/me", token=token).status_code == 401


def test_failed_logins_for_one_account_are_throttled_with_retry_after(api, make_user):
    user = make_user()
    body = {"phone": user.phone, "password": "Wrong2020pass"}

    statuses = [api.post("/auth/token", json=body).status_code for _ in range(6)]
    blocked = api.post("/auth/token", json={"phone": user.phone, "password": PASSWORD})

    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0


def test_error_messages_follow_accept_language(api):
    zh = api.post("/auth/token", json={"phone": "13912345678", "password": "x"}, headers={"Accept-Language": "zh-CN"})
    en = api.post("/auth/token", json={"phone": "13912345678", "password": "x"}, headers={"Accept-Language": "en"})

    assert en.json["error"]["message"] == "Wrong phone number or password."
    assert zh.json["error"]["message"] != en.json["error"]["message"]
