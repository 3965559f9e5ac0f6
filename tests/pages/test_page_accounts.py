"""Register, log in and out, remember me, safe `next`, password change, profile."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import PASSWORD
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db

STRONG = "Lantern-river-42"


def login_data(user, **extra):
    return {"phone": user.phone[3:], "password": PASSWORD, **extra}


def test_register_logs_the_volunteer_in_and_opens_the_profile(client, post, app, sms_code):
    code = sms_code("13912345678")
    response = post(client, "/register", {"phone": "139 1234 5678", "name": "李雷", "password": STRONG, "code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/edit"
    assert "李雷" in client.get("/me").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(phone="+8613912345678").one().name == "李雷"


def test_register_shows_each_problem_next_to_its_field_and_saves_nothing(client, post, app):
    response = post(client, "/register", {"phone": "12345", "name": "李雷", "password": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'id="phone-error"' in html and "11-digit" in html
    assert 'value="李雷"' in html  # what the volunteer typed is kept
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_register_shows_every_problem_at_once(client, post):
    response = post(client, "/register", {"phone": "12345", "name": "", "password": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="phone-error"' in html and 'id="name-error"' in html and 'id="password-error"' in html


def test_register_says_the_number_is_taken_together_with_the_other_problems(client, post, make_user, sms_code):
    user = make_user()
    code = sms_code(user.phone)
    response = post(client, "/register", {"phone": user.phone[3:], "name": "", "password": STRONG, "code": code})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="name-error"' in html and "already registered" in html


def test_register_with_a_taken_number_says_so(client, post, make_user, sms_code):
    user = make_user()
    code = sms_code(user.phone)
    response = post(client, "/register", {"phone": user.phone[3:], "name": "韩梅梅", "password": STRONG, "code": code})
    assert response.status_code == 400
    assert "already registered" in response.get_data(as_text=True)


def test_login_then_logout_ends_the_session(client, login, make_user, post):
    login(make_user("王芳"))
    assert "王芳" in client.get("/me").get_data(as_text=True)
    response = post(client, "/logout")
    assert response.status_code == 302
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_also_stops_a_copied_remember_cookie(client, make_user, post, new_client):
    post(client, "/login", login_data(make_user(), remember="y"))
    remember = client.get_cookie("remember_token").value
    post(client, "/logout")
    thief = new_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/me").status_code == 302


def test_remember_me_cookie_is_httponly_lax_and_lasts_at_most_30_days(client, make_user, post):
    response = post(client, "/login", login_data(make_user(), remember="y"))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert expires <= datetime.now(UTC) + timedelta(days=30, minutes=1)


def test_without_remember_me_there_is_no_remember_cookie(client, make_user, post):
    response = post(client, "/login", login_data(make_user()))
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_wrong_password_shows_the_form_again_with_the_error(client, make_user, post):
    user = make_user()
    response = post(client, "/login", {"phone": user.phone[3:], "password": "not-my-password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong phone number or password." in html
    assert f'value="{user.phone[3:]}"' in html
    assert client.get("/me").status_code == 302


@pytest.mark.parametrize(
    "target",
    ["http://evil.example/x", "//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_ignores_a_next_that_leaves_the_site(client, make_user, post, target):
    response = post(client, "/login", login_data(make_user(), next=target))
    assert response.headers["Location"] == "/tasks"


@pytest.mark.parametrize("role, home", [(None, "/tasks"), ("organizer", "/org/tasks"), ("reviewer", "/review")])
def test_login_without_next_lands_on_the_home_of_the_role(client, make_user, make_org, grant, post, role, home):
    user = make_user()
    if role:
        grant(user, make_org(), role)
    response = post(client, "/login", login_data(user))
    assert response.headers["Location"] == home


def test_an_organizer_logging_in_with_next_still_goes_there(client, make_user, make_org, grant, post):
    user = make_user()
    grant(user, make_org())
    response = post(client, "/login", login_data(user, next="/me/shifts"))
    assert response.headers["Location"] == "/me/shifts"


def test_login_returns_to_a_page_of_this_site(client, make_user, post):
    response = post(client, "/login", login_data(make_user(), next="/me/shifts"))
    assert response.headers["Location"] == "/me/shifts"


def test_a_protected_page_sends_to_login_and_back(client, make_user, post):
    response = client.get("/me/shifts")
    assert response.headers["Location"] == "/login?next=%2Fme%2Fshifts"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/me/shifts"' in page


def test_changing_the_password_ends_every_other_session(client, login, make_user, post, new_client, app):
    user = make_user()
    login(user)
    other_phone = login(user, new_client())
    response = post(client, "/me/password", {"current_password": PASSWORD, "new_password": STRONG, "confirm": STRONG})
    assert response.status_code == 302
    assert client.get("/me").status_code == 200  # this phone stays logged in
    assert other_phone.get("/me").status_code == 302
    response = post(new_client(), "/login", {"phone": user.phone[3:], "password": STRONG})
    assert response.status_code == 302


def test_a_wrong_current_password_and_a_weak_new_one_are_shown_at_once(client, login, make_user, post):
    login(make_user())
    response = post(
        client, "/me/password", {"current_password": "not-my-password", "new_password": "abc", "confirm": "abc"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="current_password-error"' in html and 'id="new_password-error"' in html


def test_a_wrong_current_password_is_shown_next_to_its_field(client, login, make_user, post):
    login(make_user())
    response = post(
        client, "/me/password", {"current_password": "wrong-one", "new_password": STRONG, "confirm": STRONG}
    )
    assert response.status_code == 400
    assert 'id="current_password-error"' in response.get_data(as_text=True)


def test_profile_saves_skills_languages_and_location(client, login, make_user, post, app):
    user = make_user()
    login(user)
    response = post(
        client,
        "/me/edit",
        {
            "name": "李雷",
            "skills": ["medical"],
            "languages": ["english"],
            "availability": ["weekend_day"],
            "party_member": "y",
            "max_weekly_hours": "10",
            "home_org_id": "",
            "lat": "22.543",
            "lon": "114.058",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved.skills == ["english", "medical"]
        assert saved.availability == ["weekend_day"]
        assert (saved.lat, saved.lon, saved.party_member, saved.max_weekly_hours) == (22.543, 114.058, True, 10)


def test_picking_a_community_moves_the_home_location_to_it(client, login, make_user, make_org, post, app):
    community = make_org("白石龙社区", lat=22.6, lon=114.03)
    user = make_user()
    login(user)
    post(client, "/me/edit", {"name": "李雷", "max_weekly_hours": "10", "home_org_id": str(community.id)})
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.home_org_id, saved.lat, saved.lon) == (community.id, 22.6, 114.03)


@pytest.mark.parametrize(
    ("lat", "lon", "field"), [("95", "114", "lat"), ("22", "200", "lon"), ("abc", "114", "lat"), ("22.5", "", "lon")]
)
def test_profile_with_bad_coordinates_shows_field_errors_and_saves_nothing(
    client, login, make_user, post, app, lat, lon, field
):
    user = make_user("王芳")
    login(user)
    response = post(client, "/me/edit", {"name": "改了名字", "max_weekly_hours": "10", "lat": lat, "lon": lon})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.name, saved.lat) == ("王芳", None)
