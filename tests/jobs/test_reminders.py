"""Reminders, the day-before attendance check, releasing unconfirmed places, under-filled alerts and
closing finished tasks: each fires when due and only once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from volunteer_hub.claims import reminders
from volunteer_hub.claims.models import Claim
from volunteer_hub.core import queue
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks import upkeep
from volunteer_hub.tasks.models import Task


def kinds(app, user, kind=None):
    with app.app_context():
        query = sa.select(Notification.kind).where(Notification.user_id == user.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(db.session.execute(query.order_by(Notification.id)).scalars())


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def claimed(app, api, make_task, make_user, api_token):
    """claimed(starts_in, hours=4, capacity=5, **task) -> (user, claim id, shift) with a confirmed place."""

    def factory(starts_in, hours=4, capacity=5, user=None, **task_fields):
        task = make_task(shifts=[(starts_in, hours, capacity)], **task_fields)
        user = user or make_user()
        body = api.post(f"/shifts/{task.shifts[0].id}/claims", token=api_token(user)).json
        return user, body["id"], task.shifts[0]

    return factory


def test_reminders_come_12_hours_and_1_hour_before_once_each(app, claimed):
    start = now()
    user, _, _ = claimed(timedelta(hours=13))

    for offset_h, expected in ((0, 0), (1.5, 1), (1.6, 1), (12.5, 2), (12.6, 2)):
        with at(start + timedelta(hours=offset_h)), app.app_context():
            reminders.send_reminders()
        assert len(kinds(app, user, "shift_reminder")) == expected, offset_h


def test_a_place_claimed_half_an_hour_before_gets_a_single_reminder(app, claimed):
    user, _, _ = claimed(timedelta(minutes=30))

    with app.app_context():
        reminders.send_reminders()

    assert kinds(app, user, "shift_reminder") == ["shift_reminder"]


def test_waitlisted_and_cancelled_volunteers_get_no_reminder(app, api, claimed, make_user, api_token):
    holder, _claim_id, shift = claimed(timedelta(hours=5), capacity=1)
    waiting = make_user()
    api.post(f"/shifts/{shift.id}/claims", token=api_token(waiting))
    gone, gone_claim, _ = claimed(timedelta(hours=5))
    api.delete(f"/claims/{gone_claim}", token=api_token(gone))

    with app.app_context():
        reminders.send_reminders()

    assert kinds(app, holder, "shift_reminder") == ["shift_reminder"]
    assert kinds(app, waiting, "shift_reminder") == []
    assert kinds(app, gone, "shift_reminder") == []


SHANGHAI = ZoneInfo("Asia/Shanghai")  # the configured zone of the test app


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """Today (in Shenzhen) + day_offset at hour:minute, Shenzhen time."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_the_attendance_check_comes_the_evening_before_once(app, claimed):
    with at(local(0, 10)):
        user, _, _ = claimed(local(1, 9) - now())

    for moment, expected in ((local(0, 17), 0), (local(0, 18, 5), 1), (local(0, 21), 1)):
        with at(moment), app.app_context():
            reminders.ask_attendance()
        assert len(kinds(app, user, "attendance_check")) == expected


def test_a_volunteer_confirms_attendance_over_the_api(app, api, claimed, api_token, make_user):
    user, claim_id, _ = claimed(timedelta(hours=20))
    stranger = api_token(make_user())

    assert api.post(f"/claims/{claim_id}/will-attend", token=stranger).status_code == 404
    response = api.post(f"/claims/{claim_id}/will-attend", token=api_token(user))

    assert response.status_code == 200 and response.json["attendance_confirmed_at"]


def test_unconfirmed_places_are_released_to_the_waitlist_and_everyone_is_told(
    app, api, make_task, make_user, api_token
):
    poster = make_user("王书记")
    with at(local(0, 10)):
        task = make_task(shifts=[(local(1, 9) - now(), 4, 2)], release_unconfirmed=True, created_by=poster)
        silent, answered, waiting = make_user("沉默"), make_user("回复"), make_user("候补")
        shift_id = task.shifts[0].id
        silent_claim = api.post(f"/shifts/{shift_id}/claims", token=api_token(silent)).json["id"]
        answered_claim = api.post(f"/shifts/{shift_id}/claims", token=api_token(answered)).json["id"]
        api.post(f"/shifts/{shift_id}/claims", token=api_token(waiting))
    with at(local(0, 19)), app.app_context():
        reminders.ask_attendance()
    with at(local(0, 20)):
        api.post(f"/claims/{answered_claim}/will-attend", token=api_token(answered))

    with at(local(1, 5)), app.app_context():  # before the deadline (3 h before 09:00): nothing yet
        assert reminders.release_unconfirmed() == 0
    with at(local(1, 6, 30)), app.app_context():
        assert reminders.release_unconfirmed() == 1
        assert reminders.release_unconfirmed() == 0

    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Claim.user_id, Claim.status)).all())
        reason = db.session.get(Claim, silent_claim).cancel_reason
    assert statuses == {silent.id: "cancelled", answered.id: "confirmed", waiting.id: "confirmed"}
    assert reason == "unconfirmed"
    assert "claim_released" in kinds(app, silent)
    assert "claim_promoted" in kinds(app, waiting)
    assert "places_released" in kinds(app, poster)


def test_places_are_kept_when_the_task_does_not_release_them(app, claimed):
    with at(local(0, 10)):
        _user, _claim_id, _ = claimed(local(1, 9) - now())
    with at(local(0, 19)), app.app_context():
        reminders.ask_attendance()

    with at(local(1, 7)), app.app_context():
        assert reminders.release_unconfirmed() == 0


def test_organizers_hear_once_about_a_shift_still_short_of_people(
    app, api, make_org, make_user, grant, make_task, api_token
):
    community = make_org()
    organizer = make_user("王书记")
    grant(organizer, community)
    short = make_task(community, shifts=[(timedelta(hours=6), 4, 3)], title="东门卡口值守")
    full = make_task(community, shifts=[(timedelta(hours=6), 4, 1)], title="消杀")
    later = make_task(community, shifts=[(timedelta(days=3), 4, 3)], title="宣传")
    api.post(f"/shifts/{full.shifts[0].id}/claims", token=api_token(make_user()))

    with app.app_context():
        upkeep.alert_underfilled()
        upkeep.alert_underfilled()

    with app.app_context():
        notes = db.session.execute(sa.select(Notification).where(Notification.user_id == organizer.id)).scalars().all()
    assert [(n.kind, n.task_id, n.params["missing"]) for n in notes] == [("shift_underfilled", short.id, 3)]
    assert later.id not in [n.task_id for n in notes]


def test_finished_tasks_are_closed(app, make_task):
    with at(now() - timedelta(days=2)):
        finished = make_task(shifts=[(timedelta(hours=1), 4, 3)])
    running = make_task()

    with app.app_context():
        assert upkeep.close_expired_tasks() == 1
        statuses = dict(db.session.execute(sa.select(Task.id, Task.status)).all())

    assert statuses == {finished.id: "completed", running.id: "open"}


def test_the_recurring_reminder_job_runs_in_a_worker_and_fires_once(app, claimed, work):
    user, _, _ = claimed(timedelta(minutes=45))

    with app.app_context():
        for _ in range(2):
            queue.get_queue().enqueue("volunteer_hub.claims.jobs.send_reminders")
    work()
    with app.app_context():
        queue.get_queue().enqueue("volunteer_hub.claims.jobs.send_reminders")
    work()

    assert kinds(app, user, "shift_reminder") == ["shift_reminder"]
