"""Claiming through the pages: confirm, claim, result, repeat taps, waitlist, cancel, my shifts."""

import re
from datetime import timedelta

import sqlalchemy as sa

from volunteer_hub.claims.models import Claim
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift


def claims_in_db(app):
    with app.app_context():
        return [(c.user_id, c.shift_id, c.status) for c in db.session.execute(sa.select(Claim)).scalars()]


def test_claiming_goes_confirm_then_post_then_result(client, login, make_user, make_task, post, app):
    volunteer = make_user()
    task = make_task(title="东门卡口值守")
    shift_id = task.shifts[0].id
    login(volunteer)
    page = client.get(f"/shifts/{shift_id}/claim").get_data(as_text=True)
    assert "东门卡口值守" in page and "Confirm claim" in page
    assert "until the shift starts" in page  # the cancel rule
    response = post(client, f"/shifts/{shift_id}/claim")
    assert response.status_code == 302
    assert re.fullmatch(r"/claims/\d+", response.headers["Location"])
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are signed up" in result
    assert claims_in_db(app) == [(volunteer.id, shift_id, "confirmed")]


def test_claiming_needs_a_login_and_comes_back(client, make_task):
    task = make_task()
    response = client.get(f"/shifts/{task.shifts[0].id}/claim")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=%2Fshifts%2F{task.shifts[0].id}%2Fclaim"


def test_a_second_tap_leads_to_the_same_claim(client, login, make_user, make_task, post, app):
    task = make_task()
    login(make_user())
    first = post(client, f"/shifts/{task.shifts[0].id}/claim").headers["Location"]
    second = post(client, f"/shifts/{task.shifts[0].id}/claim").headers["Location"]
    assert first == second
    assert len(claims_in_db(app)) == 1
    assert client.get(f"/shifts/{task.shifts[0].id}/claim").headers["Location"] == first


def test_a_full_shift_puts_the_volunteer_on_the_waitlist_with_a_position(
    client, login, make_user, make_task, post, claim_as
):
    task = make_task(shifts=((timedelta(days=1), 4, 1),))
    shift_id = task.shifts[0].id
    claim_as(make_user(), shift_id)
    login(make_user())
    page = client.get(f"/shifts/{shift_id}/claim").get_data(as_text=True)
    assert "You will be number 1 on the waitlist" in page
    result = client.get(post(client, f"/shifts/{shift_id}/claim").headers["Location"]).get_data(as_text=True)
    assert "You are number 1 on the waitlist" in result


def test_a_task_needing_approval_says_the_request_waits(client, login, make_user, make_task, post):
    task = make_task(requires_approval=True)
    login(make_user())
    result = client.get(post(client, f"/shifts/{task.shifts[0].id}/claim").headers["Location"])
    assert "Waiting for approval" in result.get_data(as_text=True)


def test_a_clash_is_explained_on_the_confirmation_page_and_refused(
    client, login, make_user, make_task, post, claim_as, app
):
    volunteer = make_user()
    mine = make_task(title="我的班次", shifts=((timedelta(days=1), 4, 5),))
    other = make_task(title="同一时间", shifts=((timedelta(days=1, hours=1), 4, 5),))
    claim_as(volunteer, mine.shifts[0].id)
    login(volunteer)
    page = client.get(f"/shifts/{other.shifts[0].id}/claim").get_data(as_text=True)
    assert "This overlaps your shift “我的班次”" in page
    assert "Confirm claim" not in page
    response = post(client, f"/shifts/{other.shifts[0].id}/claim")
    assert response.headers["Location"] == f"/tasks/{other.id}"
    assert "This overlaps your shift" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(claims_in_db(app)) == 1


def test_cancelling_asks_first_then_frees_the_place(client, login, make_user, make_task, post, app):
    task = make_task(title="东门卡口值守")
    login(make_user())
    claim_url = post(client, f"/shifts/{task.shifts[0].id}/claim").headers["Location"]
    page = client.get(f"{claim_url}/cancel").get_data(as_text=True)
    assert "Your place becomes free for other volunteers to claim." in page
    assert "waitlist" not in page  # nobody is waiting: no promise of a promotion
    response = post(client, f"{claim_url}/cancel")
    assert response.headers["Location"] == "/me/shifts"
    assert "You cancelled “东门卡口值守”" in client.get("/me/shifts").get_data(as_text=True)
    assert [status for *_, status in claims_in_db(app)] == ["cancelled"]


def test_the_cancel_page_promises_the_place_to_the_waitlist_when_someone_waits(
    client, login, make_user, make_task, post, claim_as
):
    task = make_task(shifts=((timedelta(days=1), 4, 1),))
    login(make_user())
    claim_url = post(client, f"/shifts/{task.shifts[0].id}/claim").headers["Location"]
    assert claim_as(make_user(), task.shifts[0].id)[1] == "waitlisted"
    page = client.get(f"{claim_url}/cancel").get_data(as_text=True)
    assert "Your place goes to the first volunteer on the waitlist" in page


def move_to_the_past(app, shift_id):
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        shift.starts_at, shift.ends_at = now() - timedelta(days=2), now() - timedelta(days=2) + timedelta(hours=4)
        db.session.commit()


def test_my_shifts_groups_upcoming_waiting_and_past(client, login, make_user, make_task, claim_as, app):
    volunteer = make_user()
    confirmed = make_task(title="确认的班次", shifts=((timedelta(days=1), 4, 5),))
    full = make_task(title="候补的班次", shifts=((timedelta(days=2), 4, 1),))
    past = make_task(title="过去的班次", shifts=((timedelta(days=3), 4, 5),))
    claim_as(make_user(), full.shifts[0].id)
    for task in (confirmed, full, past):
        claim_as(volunteer, task.shifts[0].id)
    move_to_the_past(app, past.shifts[0].id)
    login(volunteer)
    html = client.get("/me/shifts").get_data(as_text=True)
    coming_up, rest = html.split("Coming up")[1].split("Waitlist and waiting for approval")
    waiting, done = rest.split("Past and cancelled (1)")
    assert "确认的班次" in coming_up
    assert "候补的班次" in waiting and "On the waitlist: number 1" in waiting
    assert "过去的班次" in done
    assert html.count("/cancel") == 2  # a past shift can no longer be cancelled


def test_my_shifts_without_any_offers_to_find_a_task(client, login, make_user):
    login(make_user())
    html = client.get("/me/shifts").get_data(as_text=True)
    assert "You have no confirmed shifts coming up." in html
    assert 'href="/tasks"' in html


def test_another_volunteers_claim_is_not_found(client, login, make_user, make_task, post, claim_as, app):
    task = make_task()
    claim_id, _ = claim_as(make_user(), task.shifts[0].id)
    login(make_user())
    assert client.get(f"/claims/{claim_id}").status_code == 404
    assert client.get(f"/claims/{claim_id}/cancel").status_code == 404
    assert post(client, f"/claims/{claim_id}/cancel").status_code == 404
    assert [status for *_, status in claims_in_db(app)] == ["confirmed"]


def test_a_shift_under_way_is_filed_under_way_not_coming_up(client, login, make_user, make_task, claim_as, app):
    volunteer = make_user()
    running = make_task(title="进行中的班次", shifts=((timedelta(hours=1), 4, 5),))
    later = make_task(title="明天的班次", shifts=((timedelta(days=1), 4, 5),))
    for task in (running, later):
        claim_as(volunteer, task.shifts[0].id)
    with app.app_context():  # it began an hour ago
        shift = db.session.get(Shift, running.shifts[0].id)
        shift.starts_at, shift.ends_at = now() - timedelta(hours=1), now() + timedelta(hours=3)
        db.session.commit()
    login(volunteer)
    html = client.get("/me/shifts").get_data(as_text=True)
    under_way, coming_up = html.split('<h2 class="section-title">Under way</h2>')[1].split("Coming up")
    assert "进行中的班次" in under_way and "明天的班次" not in under_way
    assert "明天的班次" in coming_up and "进行中的班次" not in coming_up
