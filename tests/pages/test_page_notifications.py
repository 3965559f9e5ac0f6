"""The notifications inbox."""

import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification


def test_a_cancelled_task_appears_in_the_inbox_with_a_link(
    client, login, make_user, make_org, grant, make_task, claim_as, post, new_client
):
    org = make_org()
    organizer = make_user("组织者")
    grant(organizer, org)
    task = make_task(org, title="东门卡口值守")
    volunteer = make_user()
    claim_as(volunteer, task.shifts[0].id)
    post(login(organizer, new_client()), f"/org/tasks/{task.id}/cancel")
    login(volunteer)
    html = client.get("/me/notifications").get_data(as_text=True)
    assert "The task “东门卡口值守” was cancelled by the organizer" in html
    assert f'href="/tasks/{task.id}"' in html
    assert "Notifications: 1 unread" in html


def test_marking_all_as_read_clears_the_badge(client, login, make_user, post, app):
    volunteer = make_user()
    with app.app_context():
        db.session.add_all(
            [Notification(user_id=volunteer.id, kind="claim_approved", params={"task": "任务"}) for _ in range(2)]
        )
        db.session.commit()
    login(volunteer)
    assert post(client, "/me/notifications/read").headers["Location"] == "/me/notifications"
    assert "Notifications: 0 unread" in client.get("/me/notifications").get_data(as_text=True)


def test_marking_one_as_read_leaves_the_others_and_ignores_other_peoples(client, login, make_user, post, app):
    volunteer, other = make_user(), make_user()
    with app.app_context():
        mine = [Notification(user_id=volunteer.id, kind="claim_approved") for _ in range(2)]
        theirs = Notification(user_id=other.id, kind="claim_approved")
        db.session.add_all([*mine, theirs])
        db.session.commit()
        mine_id, theirs_id = mine[0].id, theirs.id
    login(volunteer)
    post(client, f"/me/notifications/{mine_id}/read")
    post(client, f"/me/notifications/{theirs_id}/read")
    with app.app_context():
        unread = db.session.execute(sa.select(Notification.id).where(Notification.read_at.is_(None))).scalars()
        assert sorted(unread) == sorted({mine[1].id, theirs_id})


def test_an_empty_inbox_says_what_will_appear(client, login, make_user):
    login(make_user())
    assert "No notifications yet." in client.get("/me/notifications").get_data(as_text=True)
