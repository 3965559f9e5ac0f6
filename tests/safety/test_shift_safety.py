"""Shift safety rules at claim time: rest after nights, 12 hours in 24, the weekly cap, adults only at night."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.safety.helpers import ADULT, local
from volunteer_hub.claims import services
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.errors import Conflict
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift

H = timedelta(hours=1)


def shift(make_task, start: timedelta, hours: float, title="卡口值守"):
    """One shift of a new task starting at start (see local()) lasting hours."""
    return make_task(shifts=[(start, hours, 5)], title=title).shifts[0].id


def claim(api, api_token, user, shift_id):
    return api.post(f"/shifts/{shift_id}/claims", token=api_token(user))


def test_exactly_eight_hours_after_a_night_shift_is_allowed(api, api_token, make_task, make_user):
    volunteer = make_user(birth_date=ADULT)
    night = shift(make_task, local(1, 22), 8)  # Tue 22:00 - Wed 06:00
    next_day = shift(make_task, local(2, 14), 4)  # Wed 14:00

    assert claim(api, api_token, volunteer, night).status_code == 201
    assert claim(api, api_token, volunteer, next_day).status_code == 201


def test_a_shift_one_minute_inside_the_rest_after_a_night_is_refused_naming_the_night(
    api, api_token, make_task, make_user
):
    volunteer = make_user(birth_date=ADULT)
    night = shift(make_task, local(1, 22), 8, title="夜间卡口")
    too_soon = shift(make_task, local(2, 14) - timedelta(minutes=1), 4)
    claim(api, api_token, volunteer, night)

    response = claim(api, api_token, volunteer, too_soon)

    assert response.status_code == 409
    assert response.json["error"]["code"] == "rest_after_night"
    assert "夜间卡口" in response.json["error"]["message"]


def test_a_night_shift_ending_too_close_before_a_claimed_shift_is_refused(api, api_token, make_task, make_user):
    volunteer = make_user(birth_date=ADULT)
    morning = shift(make_task, local(2, 12), 4, title="上午消杀")
    night = shift(make_task, local(1, 22), 8)  # ends Wed 06:00, six hours before
    claim(api, api_token, volunteer, morning)

    response = claim(api, api_token, volunteer, night)

    assert response.json["error"]["code"] == "rest_after_night"
    assert "上午消杀" in response.json["error"]["message"]


def test_a_shift_ending_at_midnight_is_not_a_night_shift(api, api_token, make_task, make_user):
    volunteer = make_user()  # no birth date: a night shift would be refused
    evening = shift(make_task, local(1, 16), 8)  # Tue 16:00 - 24:00

    assert claim(api, api_token, volunteer, evening).status_code == 201


def test_exactly_twelve_hours_within_24_is_allowed_and_more_is_refused(api, api_token, make_task, make_user):
    volunteer = make_user()
    first = shift(make_task, local(1, 8), 6, title="早班")
    second = shift(make_task, local(1, 14), 6)
    third = shift(make_task, local(1, 21), 1)

    assert claim(api, api_token, volunteer, first).status_code == 201
    assert claim(api, api_token, volunteer, second).status_code == 201
    response = claim(api, api_token, volunteer, third)

    assert response.json["error"]["code"] == "too_many_hours_in_24h"
    assert "早班" in response.json["error"]["message"] or "卡口值守" in response.json["error"]["message"]


def test_the_weekly_cap_counts_confirmed_hours_from_monday_to_sunday(api, api_token, make_task, make_user):
    volunteer = make_user(max_weekly_hours=10)
    claim(api, api_token, volunteer, shift(make_task, local(1, 9), 6))
    assert claim(api, api_token, volunteer, shift(make_task, local(2, 9), 4)).status_code == 201

    over = claim(api, api_token, volunteer, shift(make_task, local(6, 9), 1))  # Sunday
    next_week = claim(api, api_token, volunteer, shift(make_task, local(7, 9), 1))  # the next Monday

    assert over.json["error"]["code"] == "weekly_cap_exceeded"
    assert next_week.status_code == 201


def test_a_minor_cannot_take_a_night_shift(api, api_token, make_task, make_user):
    minor = make_user(birth_date=date(2010, 1, 1))
    response = claim(api, api_token, minor, shift(make_task, local(1, 22), 8))

    assert response.json["error"]["code"] == "adults_only_night"


def test_a_night_shift_without_a_birth_date_asks_for_it(api, api_token, make_task, make_user):
    response = claim(api, api_token, make_user(birth_date=None), shift(make_task, local(2, 2), 4))

    assert response.status_code == 409
    assert response.json["error"]["code"] == "birth_date_required"


def test_a_team_claim_is_blocked_per_member_with_each_reason(app, make_task, make_user, api, api_token):
    minor, capped, fine = (
        make_user(birth_date=date(2010, 1, 1)),
        make_user(max_weekly_hours=4, birth_date=ADULT),
        make_user(birth_date=ADULT),
    )
    claim(api, api_token, capped, shift(make_task, local(0, 12), 4))
    night = shift(make_task, local(1, 22), 8)

    with app.app_context(), pytest.raises(Conflict) as refused:
        services.claim_places(db.session.get(Shift, night), [minor.id, capped.id, fine.id])

    reasons = {b["user_id"]: b["reason"] for b in refused.value.extra["blocked"]}
    assert reasons == {minor.id: "adults_only_night", capped.id: "weekly_cap_exceeded"}
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).where(Claim.shift_id == night)).scalar_one() == 0


def test_the_task_page_says_why_a_shift_cannot_be_claimed(client, login, make_task, make_user):
    volunteer = make_user(birth_date=None, locale="en")
    task = make_task(shifts=[(local(1, 22), 8, 5)])
    login(volunteer)

    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)

    assert "add your birth date on your profile" in page
    # ...and offers what to do instead, never a live claim or waitlist button beside the refusal
    assert 'href="/me/edit#birth_date">Add my date of birth</a>' in page
    assert f'/shifts/{task.shifts[0].id}/claim"' not in page


def test_a_refusal_on_a_full_shift_offers_no_waitlist_button(client, login, make_task, make_user, api, api_token):
    volunteer = make_user(birth_date=ADULT, max_weekly_hours=4, locale="en")
    task = make_task(shifts=[(local(1, 9), 6, 1)])
    claim(api, api_token, make_user(birth_date=ADULT), task.shifts[0].id)
    login(volunteer)

    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)

    assert "longer than your limit of 4 hours a week" in page
    assert 'href="/me/edit#max_weekly_hours">Change my weekly hours limit</a>' in page
    assert "Join the waitlist" not in page and f'/shifts/{task.shifts[0].id}/claim"' not in page


def test_the_claim_page_of_a_refused_shift_offers_the_fix_and_no_confirm_button(client, login, make_task, make_user):
    volunteer = make_user(birth_date=ADULT, locale="en")
    task = make_task(shifts=[(local(1, 9), 4, 5)], requires_insurance=True)
    login(volunteer)

    page = client.get(f"/shifts/{task.shifts[0].id}/claim").get_data(as_text=True)

    assert "This task requires accident insurance" in page
    assert 'href="/me/edit#insurance_provider">Add my insurance</a>' in page
    assert "Confirm claim" not in page
