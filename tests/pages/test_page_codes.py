"""The pages around SMS codes, without JavaScript: a "Send code" button that re-renders the form with a notice,
registration with the code, login by code, "forgot password", confirming and changing the number."""

import pytest

from tests.conftest import PASSWORD, read_code
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db

NUMBER = "13987654321"
STRONG = "Lantern-river-42"


@pytest.fixture
def many_codes(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_CODE_LIMIT_PER_NUMBER", "100/minute")


def test_a_newcomer_registers_with_the_code_the_send_button_sent(app, client, post):
    typed = {"phone": "139 8765 4321", "name": "李雷", "password": STRONG}

    sent = post(client, "/register", typed | {"send_code": "Send code"})
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200
    assert "A 6-digit code is on its way" in html and 'value="李雷"' in html
    response = post(client, "/register", typed | {"code": read_code(app, NUMBER)})

    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(User).filter_by(phone="+86" + NUMBER).one().phone_verified_at is not None


def test_registering_without_the_code_shows_it_with_the_other_problems(client, post):
    response = post(client, "/register", {"phone": NUMBER, "name": "", "password": STRONG})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="code-error"' in html and 'id="name-error"' in html


def test_a_bad_number_gets_no_code_and_says_why(client, post):
    response = post(client, "/register", {"phone": "12345", "send_code": "Send code"})

    assert response.status_code == 400 and 'id="phone-error"' in response.get_data(as_text=True)


def test_asking_again_within_the_minute_says_how_long_to_wait(client, post):
    post(client, "/register", {"phone": NUMBER, "send_code": "Send code"})

    response = post(client, "/register", {"phone": NUMBER, "send_code": "Send code"})

    assert response.status_code == 429 and "seconds before asking for another code" in response.get_data(as_text=True)


def test_the_login_page_offers_a_code_and_a_forgotten_password(client):
    html = client.get("/login").get_data(as_text=True)

    assert 'href="/login/code"' in html and 'href="/password/reset"' in html


def test_forgot_password_answers_alike_for_any_number_then_sets_a_new_one(
    app, client, new_client, post, login, make_user
):
    user = make_user()
    elsewhere = login(user, new_client())

    unknown = post(client, "/password/reset", {"phone": NUMBER, "send_code": "Send code"})
    known = post(client, "/password/reset", {"phone": user.phone[3:], "send_code": "Send code"})
    assert unknown.status_code == known.status_code == 200
    assert "If this number has an account" in known.get_data(as_text=True)
    assert "If this number has an account" in unknown.get_data(as_text=True)
    data = {"phone": user.phone[3:], "code": read_code(app, user.phone), "password": STRONG}
    response = post(client, "/password/reset", data)

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert elsewhere.get("/me").status_code == 302  # the other phone was logged out
    assert post(client, "/login", {"phone": user.phone[3:], "password": STRONG}).status_code == 302


def test_a_wrong_reset_code_is_shown_next_to_the_code(client, post, make_user):
    user = make_user()

    response = post(client, "/password/reset", {"phone": user.phone[3:], "code": "123456", "password": STRONG})

    assert response.status_code == 400 and 'id="code-error"' in response.get_data(as_text=True)


def test_login_by_code_gets_in_while_password_attempts_are_blocked(app, client, post, make_user):
    user = make_user()
    for _ in range(6):
        post(client, "/login", {"phone": user.phone[3:], "password": "Wrong2020pass"})
    assert post(client, "/login", {"phone": user.phone[3:], "password": PASSWORD}).status_code == 429

    post(client, "/login/code", {"phone": user.phone[3:], "send_code": "Send code"})
    response = post(client, "/login/code", {"phone": user.phone[3:], "code": read_code(app, user.phone)})

    assert response.status_code == 302
    assert user.name in client.get("/me").get_data(as_text=True)


def test_an_unconfirmed_account_is_asked_once_after_a_password_login_and_may_skip(client, login, make_user):
    user = make_user(phone_verified_at=None)
    login(user)

    page = client.get("/me/phone?next=/tasks")
    html = page.get_data(as_text=True)
    assert "Confirm your mobile number" in html and 'href="/tasks"' in html and "Not now" in html
    assert client.get("/tasks").status_code == 200  # skipping is just leaving


def test_a_password_login_of_an_unconfirmed_account_lands_on_the_confirmation(client, post, make_user):
    user = make_user(phone_verified_at=None)

    response = post(client, "/login", {"phone": user.phone[3:], "password": PASSWORD})

    assert response.status_code == 302 and response.headers["Location"].startswith("/me/phone?next=")


def test_a_confirmed_account_goes_straight_on(client, post, make_user):
    user = make_user()

    response = post(client, "/login", {"phone": user.phone[3:], "password": PASSWORD})

    assert not response.headers["Location"].startswith("/me/phone")


def test_confirming_the_number_with_its_code(app, client, login, post, make_user):
    user = make_user(phone_verified_at=None)
    login(user)

    post(client, "/me/phone", {"phone": user.phone[3:], "send_code": "Send code"})
    response = post(client, "/me/phone", {"phone": user.phone[3:], "code": read_code(app, user.phone)})

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).phone_verified_at is not None
    assert "Not confirmed yet" not in client.get("/me").get_data(as_text=True)


def test_changing_the_number_happens_only_with_the_new_numbers_code(app, client, login, post, make_user, many_codes):
    user = make_user()
    login(user)
    post(client, "/me/phone", {"phone": NUMBER, "send_code": "Send code"})

    wrong = post(client, "/me/phone", {"phone": NUMBER, "code": "000000"})
    with app.app_context():
        assert db.session.get(User, user.id).phone == user.phone
    response = post(client, "/me/phone", {"phone": NUMBER, "code": read_code(app, NUMBER)})

    assert wrong.status_code == 400
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).phone == "+86" + NUMBER
