"""One-time codes by SMS over the API: no enumeration, limits, lifetime, tries, storage; registration, login, password
reset and a number change that need them. Codes are read where their holder reads them: the development sender's
/dev/messages, after a real RQ worker ran the sending job."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import PASSWORD, free_port, read_code
from volunteer_hub.accounts.models import AuthToken, User, VerificationCode
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db

NEW_PASSWORD = "Lantern-river-2021"
UNREGISTERED = "13987654321"


def ask(api, phone, purpose="register", **kwargs):
    return api.post("/auth/verification-codes", json={"phone": phone, "purpose": purpose}, **kwargs)


def sms_to(client, phone):
    return [m for m in client.get("/dev/messages.json").get_json()["items"] if m["to"] == "+86" + phone[-11:]]


@pytest.fixture
def many_codes(app, monkeypatch):
    """Lift the per-number limit for tests that need several codes for one number."""
    monkeypatch.setitem(app.config, "SMS_CODE_LIMIT_PER_NUMBER", "100/minute")


def test_the_answer_is_the_same_for_registered_and_unregistered_numbers(api, make_user, many_codes):
    user = make_user()
    for purpose in ("register", "reset", "login", "change_phone"):
        registered = ask(api, user.phone, purpose, environ_base={"REMOTE_ADDR": f"10.0.0.{len(purpose)}"})
        unknown = ask(api, UNREGISTERED, purpose, environ_base={"REMOTE_ADDR": f"10.0.1.{len(purpose)}"})
        assert registered.status_code == unknown.status_code == 202
        assert registered.get_data() == unknown.get_data()
        assert registered.json == {"expires_in": 300}


def test_reset_and_login_codes_reach_only_registered_numbers(app, api, client, make_user):
    user = make_user()
    ask(api, user.phone, "reset")
    ask(api, UNREGISTERED, "login")
    read_code(app, user.phone)

    assert len(sms_to(client, user.phone)) == 1
    assert sms_to(client, UNREGISTERED) == []


def test_the_sms_says_the_code_and_how_long_it_lasts(app, api, client):
    ask(api, UNREGISTERED, headers={"Accept-Language": "zh-CN"})
    read_code(app, UNREGISTERED)

    (message,) = sms_to(client, UNREGISTERED)
    assert re.search(r"验证码\s*\d{6}", message["text"]) and "5 分钟" in message["text"]


def test_a_second_code_within_a_minute_is_429_with_retry_after(api):
    assert ask(api, UNREGISTERED).status_code == 202

    again = ask(api, UNREGISTERED, "login")

    assert again.status_code == 429
    assert again.json["error"]["code"] == "rate_limited"
    assert 0 < int(again.headers["Retry-After"]) <= 60


def test_one_address_asking_for_many_numbers_is_429(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_CODE_LIMIT_PER_IP", "3/hour")
    statuses = [ask(api, f"1398765432{i}").status_code for i in range(4)]

    assert statuses == [202, 202, 202, 429]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"phone": "12345", "purpose": "register"}, "phone"), ({"phone": UNREGISTERED, "purpose": "admin"}, "purpose")],
)
def test_a_bad_number_or_purpose_is_400_naming_the_field(api, body, field):
    response = api.post("/auth/verification-codes", json=body)

    assert response.status_code == 400
    assert field in response.json["error"]["fields"]


def test_codes_are_stored_only_as_a_keyed_digest(app, api, sms_code):
    code = sms_code(UNREGISTERED)

    with app.app_context():
        row = db.session.execute(sa.select(VerificationCode.__table__)).one()
    assert not any(code in str(value) for value in row)
    assert len(row.code_hash) == 64


def test_a_new_code_replaces_the_old_one(app, api, sms_code, many_codes):
    first = sms_code(UNREGISTERED)
    second = sms_code(UNREGISTERED)

    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(VerificationCode)).scalar() == 1
    if first != second:
        assert register(api, code=first).json["error"]["code"] == "invalid_code"
    assert register(api, code=second).status_code == 201


def register(api, **overrides):
    body = {"phone": UNREGISTERED, "password": PASSWORD, "name": "李雷"} | overrides
    return api.post("/auth/register", json=body)


def test_registration_with_the_code_creates_a_verified_account(app, api, sms_code):
    response = register(api, code=sms_code(UNREGISTERED))

    assert response.status_code == 201
    with app.app_context():
        assert db.session.get(User, response.json["id"]).phone_verified_at is not None


@pytest.mark.parametrize("code", [None, "", "000000x", "12"])
def test_registration_without_a_right_code_is_400_invalid_code(api, sms_code, code):
    sms_code(UNREGISTERED)
    body = {"code": code} if code is not None else {}

    response = register(api, **body)

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_code"
    assert "code" in response.json["error"]["fields"]


def test_a_code_expires_after_five_minutes(api, sms_code):
    code = sms_code(UNREGISTERED)

    with time_machine.travel(now() + timedelta(minutes=5, seconds=1)):
        response = register(api, code=code)

    assert response.json["error"]["code"] == "invalid_code"


def test_five_wrong_tries_burn_the_code(api, sms_code):
    code = sms_code(UNREGISTERED)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    for _ in range(5):
        assert register(api, code=wrong).status_code == 400

    assert register(api, code=code).json["error"]["code"] == "invalid_code"


def test_a_code_works_once(api, sms_code):
    code = sms_code(UNREGISTERED)
    assert register(api, code=code).status_code == 201

    again = register(api, phone="13987654320", code=code)

    assert again.json["error"]["code"] == "invalid_code"


def test_a_code_is_for_its_purpose_only(api, sms_code, make_user):
    user = make_user()
    login_code = sms_code(user.phone, "login")

    response = api.post(
        "/auth/password-reset", json={"phone": user.phone, "code": login_code, "password": NEW_PASSWORD}
    )

    assert response.json["error"]["code"] == "invalid_code"


def test_registering_a_taken_number_is_told_only_with_its_code(api, sms_code, make_user):
    user = make_user()
    without = register(api, phone=user.phone, code="123456")
    with_code = register(api, phone=user.phone, code=sms_code(user.phone))

    assert without.json["error"]["code"] == "invalid_code"
    assert with_code.status_code == 409
    assert with_code.json["error"]["code"] == "phone_taken"


def test_login_by_code_gives_a_token(api, sms_code, make_user):
    user = make_user()

    response = api.post("/auth/token", json={"phone": user.phone, "code": sms_code(user.phone, "login")})

    assert response.status_code == 200
    assert api.get("/me", token=response.json["token"]).json["id"] == user.id


def test_a_wrong_login_code_is_400_invalid_code(api, make_user, sms_code):
    user = make_user()
    sms_code(user.phone, "login")

    response = api.post("/auth/token", json={"phone": user.phone, "code": "000000"})

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_code"


def test_login_by_code_works_while_password_attempts_are_blocked(api, make_user, sms_code):
    user = make_user()
    for _ in range(6):
        api.post("/auth/token", json={"phone": user.phone, "password": "Wrong2020pass"})
    assert api.post("/auth/token", json={"phone": user.phone, "password": PASSWORD}).status_code == 429

    response = api.post("/auth/token", json={"phone": user.phone, "code": sms_code(user.phone, "login")})

    assert response.status_code == 200


def test_login_by_code_confirms_an_unverified_number(app, api, make_user, sms_code):
    user = make_user(phone_verified_at=None)

    api.post("/auth/token", json={"phone": user.phone, "code": sms_code(user.phone, "login")})

    with app.app_context():
        assert db.session.get(User, user.id).phone_verified_at is not None


def test_password_reset_sets_the_password_and_ends_every_session_and_token(app, api, make_user, api_token, sms_code):
    user = make_user()
    token = api_token(user)

    response = api.post(
        "/auth/password-reset",
        json={"phone": user.phone, "code": sms_code(user.phone, "reset"), "password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert api.get("/me", token=token).status_code == 401
    with app.app_context():
        assert db.session.execute(sa.select(AuthToken).where(AuthToken.user_id == user.id)).first() is None
    assert api.post("/auth/token", json={"phone": user.phone, "password": NEW_PASSWORD}).status_code == 200
    assert api.post("/auth/token", json={"phone": user.phone, "password": PASSWORD}).status_code == 401


def test_password_reset_refuses_a_wrong_code_and_a_weak_password_at_once(api, make_user, sms_code):
    user = make_user()
    sms_code(user.phone, "reset")

    response = api.post("/auth/password-reset", json={"phone": user.phone, "code": "000000", "password": "abc"})

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_code"
    assert set(response.json["error"]["fields"]) == {"code", "password"}


def test_password_reset_for_an_unknown_number_reads_as_a_wrong_code(api):
    body = {"phone": UNREGISTERED, "code": "123456", "password": NEW_PASSWORD}

    response = api.post("/auth/password-reset", json=body)

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_code"


def test_changing_the_number_needs_the_code_sent_to_the_new_one(app, api, make_user, api_token, sms_code):
    user = make_user()
    token = api_token(user)
    wrong = api.post("/me/phone", json={"phone": UNREGISTERED, "code": "123456"}, token=token)

    response = api.post(
        "/me/phone", json={"phone": UNREGISTERED, "code": sms_code(UNREGISTERED, "change_phone")}, token=token
    )

    assert wrong.json["error"]["code"] == "invalid_code"
    assert response.status_code == 200
    assert response.json["phone"] == "+86" + UNREGISTERED
    assert response.json["phone_verified_at"] is not None


def test_a_number_of_another_account_cannot_be_taken(api, make_user, api_token, sms_code):
    user, other = make_user(), make_user()

    response = api.post(
        "/me/phone", json={"phone": other.phone, "code": sms_code(other.phone, "change_phone")}, token=api_token(user)
    )

    assert response.status_code == 409
    assert response.json["error"]["code"] == "phone_taken"


def test_the_own_number_with_its_code_confirms_it(api, make_user, api_token, sms_code):
    user = make_user(phone_verified_at=None)
    token = api_token(user)
    assert api.get("/me", token=token).json["phone_verified_at"] is None

    response = api.post(
        "/me/phone", json={"phone": user.phone, "code": sms_code(user.phone, "change_phone")}, token=token
    )

    assert response.json["phone_verified_at"] is not None


def test_only_the_live_code_is_sent_when_a_newer_one_replaced_it(app, api, client, many_codes):
    ask(api, UNREGISTERED)
    ask(api, UNREGISTERED)

    read_code(app, UNREGISTERED)  # both sending jobs run now

    assert len(sms_to(client, UNREGISTERED)) == 1


@pytest.fixture
def queue_down(app):
    """The job queue's Redis is unreachable (the rate limits' storage still answers)."""
    shared = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    app.extensions.pop("vh_redis", None)
    yield
    app.config["REDIS_URL"] = shared
    app.extensions.pop("vh_redis", None)


def test_without_a_queue_the_code_is_sent_from_the_request_with_the_same_answer(
    app, api, client, make_user, queue_down
):
    user = make_user()

    registered = ask(api, user.phone, "login")
    unknown = ask(api, UNREGISTERED, "login")

    assert registered.status_code == unknown.status_code == 202
    assert registered.get_data() == unknown.get_data()
    assert len(sms_to(client, user.phone)) == 1 and sms_to(client, UNREGISTERED) == []


def test_without_the_shared_limits_no_code_is_sent_and_the_answer_says_try_later(app, api, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", f"redis://127.0.0.1:{free_port()}/0")

    response = ask(api, UNREGISTERED)

    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) == 60
    monkeypatch.undo()
    assert sms_to(client, UNREGISTERED) == [] and read_code(app, UNREGISTERED) is None


def test_failed_resets_for_one_account_are_throttled_like_logins(api, make_user):
    user = make_user()
    body = {"phone": user.phone, "code": "000000", "password": NEW_PASSWORD}

    statuses = [api.post("/auth/password-reset", json=body).status_code for _ in range(6)]

    assert statuses == [400] * 5 + [429]
