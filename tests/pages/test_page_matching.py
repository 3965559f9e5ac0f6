"""Pages of matching: "Recommended for you" on the task list, and the suggestion settings of the profile."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.conftest import SHENZHEN
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db

PROFILE = {"name": "李雷", "max_weekly_hours": "10"}
MONDAY_10AM = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def recommended_titles(html: str) -> list[str]:
    section = re.search(r'<section class="recommended".*?</section>', html, re.S)
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', section.group(0)) if section else []


@time_machine.travel(MONDAY_10AM, tick=False)
def test_the_task_list_recommends_fitting_tasks_with_their_reasons(client, login, make_user, make_task):
    make_task(title="东门卡口值守", lat=SHENZHEN[0] + 0.009)  # a shift tomorrow, Tuesday, 10:00
    login(make_user(lat=SHENZHEN[0], lon=SHENZHEN[1]))

    html = client.get("/tasks").get_data(as_text=True)

    assert recommended_titles(html) == ["东门卡口值守"]
    assert "Recommended for you" in html
    assert "1.0 km from you" in html
    assert "A shift in your usual time: Weekday daytime" in html


def test_visitors_and_volunteers_without_a_location_get_no_recommendations(client, login, make_user, make_task):
    make_task()
    assert "Recommended for you" not in client.get(f"/tasks?lat={SHENZHEN[0]}&lon={SHENZHEN[1]}").get_data(True)

    login(make_user())
    assert "Recommended for you" not in client.get("/tasks").get_data(as_text=True)


def test_the_profile_saves_the_suggestion_settings(client, login, make_user, post, app):
    user = make_user()
    login(user)

    response = post(
        client, "/me/edit", {**PROFILE, "notify_max_per_day": "1", "quiet_hours": "23:00-06:30", "match_opt_out": "y"}
    )

    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.notify_max_per_day, saved.quiet_hours, saved.match_opt_out) == (1, "23:00-06:30", True)
    assert "none during 23:00-06:30" not in client.get("/me").get_data(as_text=True)  # opted out: shown as off


def test_empty_quiet_hours_mean_none(client, login, make_user, post, app):
    user = make_user()
    login(user)

    post(client, "/me/edit", {**PROFILE, "notify_max_per_day": "3", "quiet_hours": ""})

    with app.app_context():
        assert db.session.get(User, user.id).quiet_hours is None
    assert "At most 3 a day" in client.get("/me").get_data(as_text=True)


def test_unreadable_quiet_hours_show_an_error_next_to_the_field(client, login, make_user, post, app):
    user = make_user()
    login(user)

    response = post(client, "/me/edit", {**PROFILE, "notify_max_per_day": "3", "quiet_hours": "late evening"})

    assert response.status_code == 400
    assert 'id="quiet_hours-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).quiet_hours == "22:00-07:00"
