"""The boards as organizers and reviewers open them on a phone, the automatic call-out switch, and the outgoing
volunteer's one-tap "I'll stay" page."""

import sqlalchemy as sa

from tests.conftest import csrf_token, english
from tests.posts.conftest import notes
from volunteer_hub.extensions import db
from volunteer_hub.posts import services
from volunteer_hub.posts.models import ReliefAlarm, ReliefStay
from volunteer_hub.tasks.models import Task


def fire(app) -> int:
    with app.test_request_context():
        services.raise_relief_alarms()
        return db.session.execute(sa.select(ReliefAlarm.id)).scalar_one()


def test_the_org_board_page_shows_the_uncovered_post_in_red_and_polls_its_table(post, client, login):
    login(post.reviewer)
    english(client)

    page = client.get(f"/org/orgs/{post.org.id}/board")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"].startswith("no-store")
    assert 'data-status="uncovered"' in html and "card-overdue" in html
    assert "梅花山庄北门卡口值守" in html and "0 of 3 on the post" in html
    assert f'data-poll="/org/orgs/{post.org.id}/board?part=1"' in html
    assert "/static/js/board.js" in html or "js/board.js" in html
    part = client.get(f"/org/orgs/{post.org.id}/board?part=1").get_data(as_text=True)
    assert "<html" not in part and 'data-status="uncovered"' in part


def test_the_org_dashboard_links_to_the_board(post, client, login):
    login(post.reviewer)

    html = client.get(f"/review/{post.org.id}").get_data(as_text=True)

    assert f"/org/orgs/{post.org.id}/board" in html


def test_the_task_board_page_names_who_is_on_the_post_and_the_alarm(app, post, client, login):
    fire(app)
    login(post.organizer)
    english(client)

    html = client.get(f"/org/tasks/{post.task.id}/board").get_data(as_text=True)

    assert "早班甲" in html and "午班甲" in html
    assert "not checked in" in html
    assert "Relief alarm since" in html
    assert f"/org/tasks/{post.task.id}/board" in client.get(f"/org/tasks/{post.task.id}").get_data(as_text=True)


def test_an_organizer_turns_the_automatic_call_out_on(app, post, client, login):
    login(post.organizer)
    board = f"/org/tasks/{post.task.id}/board"

    answer = client.post(
        f"/org/tasks/{post.task.id}/auto-callout", data={"on": "1", "csrf_token": csrf_token(client, board)}
    )

    assert answer.status_code == 303
    with app.app_context():
        assert db.session.get(Task, post.task.id).auto_callout is True


def test_a_reviewer_sees_the_board_without_the_switch(post, client, login):
    login(post.reviewer)

    html = client.get(f"/org/tasks/{post.task.id}/board").get_data(as_text=True)

    assert "auto-callout" not in html


def test_the_outgoing_volunteer_stays_with_one_tap_from_the_notification(app, post, client, login):
    alarm_id = fire(app)
    login(post.morning_crew[1])
    english(client)
    inbox = client.get("/me/notifications").get_data(as_text=True)
    assert "Answer: can you stay?" in inbox and f"/relief/{alarm_id}/stay" in inbox

    page = f"/relief/{alarm_id}/stay"
    offer = client.get(page).get_data(as_text=True)
    assert "I’ll stay until 16:00" in offer
    tapped = client.post(page, data={"csrf_token": csrf_token(client, page)}, follow_redirects=True)

    assert "You are staying until 16:00" in tapped.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(ReliefStay)).scalar_one() == 1
    assert notes(app, "relief_stay_ask")  # the ask was urgent and reached both of the morning crew


def test_the_stay_page_is_not_found_for_anyone_else(app, post, client, login):
    alarm_id = fire(app)
    login(post.afternoon_crew[0])

    assert client.get(f"/relief/{alarm_id}/stay").status_code == 404
