"""Which outside channels carry a notification, and when: the person's choices, a verified number, quiet hours
(broken only by urgent notifications for people who accept urgent calls at night), one record per channel."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Delivery

NIGHT = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)  # 23:30 in Shenzhen: inside the default 22:00-07:00
MORNING = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # 07:00 the next day in Shenzhen: the quiet hours end


def _notify(app, user, *, urgent=False, **params):
    with app.app_context():
        note = notifications.notify(user.id, "claim_promoted", urgent=urgent, task="东门卡口", **params)
        db.session.commit()
        notifications.plan([note.id])
        return {
            d.channel: d for d in db.session.execute(sa.select(Delivery).filter_by(notification_id=note.id)).scalars()
        }


def _send_all(app):
    with app.app_context():
        for delivery_id in db.session.execute(sa.select(Delivery.id).filter_by(status="queued")).scalars().all():
            notifications.send(delivery_id)
        return [m.to for m in db.session.execute(sa.select(DevMessage)).scalars()]


def test_a_night_notification_waits_for_the_end_of_quiet_hours(app, make_user):
    volunteer = make_user("夜里")
    with time_machine.travel(NIGHT, tick=False):
        sms = _notify(app, volunteer)["sms"]
        assert _send_all(app) == []
    with time_machine.travel(MORNING + timedelta(seconds=1), tick=False), app.app_context():
        assert notifications.release_due() == 1
        assert _send_all(app) == [volunteer.phone]

    assert (sms.status, sms.reason, sms.not_before) == ("queued", "quiet_hours", MORNING)


def test_an_urgent_call_breaks_quiet_hours_only_for_those_who_accept_it(app, make_user):
    accepts, declines = make_user("愿意", urgent_in_quiet_hours=True), make_user("不愿")
    with time_machine.travel(NIGHT, tick=False):
        woken = _notify(app, accepts, urgent=True)["sms"]
        asleep = _notify(app, declines, urgent=True)["sms"]
        sent = _send_all(app)

    assert woken.not_before is None and asleep.not_before == MORNING
    assert sent == [accepts.phone]


def test_a_held_notification_about_a_shift_that_has_begun_is_dropped_in_the_morning(app, make_user):
    volunteer = make_user("早班")
    with time_machine.travel(NIGHT, tick=False):
        _notify(app, volunteer, starts_at=(MORNING - timedelta(minutes=30)).isoformat())
    with time_machine.travel(MORNING + timedelta(seconds=1), tick=False), app.app_context():
        notifications.release_due()
        assert _send_all(app) == []
        (sms,) = db.session.execute(sa.select(Delivery).filter_by(channel="sms")).scalars()

    assert (sms.status, sms.reason) == ("suppressed", "expired")


def test_no_sms_to_an_unverified_number_or_to_someone_who_turned_sms_off(app, make_user):
    unverified = make_user("未验证", phone_verified_at=None, quiet_start_min=None, quiet_end_min=None)
    opted_out = make_user("不要短信", sms_enabled=False, quiet_start_min=None, quiet_end_min=None)

    first, second = _notify(app, unverified)["sms"], _notify(app, opted_out)["sms"]

    assert (first.status, first.reason) == ("suppressed", "unverified")
    assert (second.status, second.reason) == ("suppressed", "opted_out")
    assert _send_all(app) == []


def test_planning_twice_keeps_one_record_per_channel(app, make_user):
    volunteer = make_user("一次", quiet_start_min=None, quiet_end_min=None)
    with app.app_context():
        note = notifications.notify(volunteer.id, "claim_promoted", task="东门卡口")
        db.session.commit()
        first, second = notifications.plan([note.id]), notifications.plan([note.id])
        channels = sorted(db.session.execute(sa.select(Delivery.channel)).scalars())

    assert first == len(channels) and second == 0
    assert channels == ["email", "sms"]  # push only with a VAPID key; e-mail suppressed (no address)
