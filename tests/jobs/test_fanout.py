"""A notification to thousands of people at once (a match, an urgent call) reaches each of them once per channel."""

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Delivery
from volunteer_hub.outbox.models import OutboxEvent

# More than psycopg's 65,535 parameters hold as one multi-row INSERT of notifications (9 columns a row).
PEOPLE = 8000


def test_thousands_told_at_once_get_one_delivery_per_channel_however_often_the_jobs_run(app):
    with app.app_context():
        verified = now()
        db.session.execute(
            sa.insert(User.__table__),
            [
                {
                    "phone": f"+86138{i:08d}",
                    "name": f"v{i}",
                    "password_hash": "x",
                    "phone_verified_at": verified,
                    "quiet_start_min": None,
                    "quiet_end_min": None,
                    "created_at": verified,
                }
                for i in range(PEOPLE)
            ],
        )
        db.session.commit()
        items = [
            {"user_id": uid, "dedupe_key": "call:1", "params": {"task": "Sandbags"}}
            for uid in db.session.execute(sa.select(User.id)).scalars()
        ]

        ids = atomic(notifications.notify_many, "task_match", items)
        assert len(set(ids)) == PEOPLE
        assert atomic(notifications.notify_many, "task_match", items) == []  # the job ran again: nobody twice

        batches = [
            event.payload["notification_ids"]
            for event in db.session.execute(
                sa.select(OutboxEvent).where(OutboxEvent.job == notifications.PLAN)
            ).scalars()
        ]
        assert sorted(i for batch in batches for i in batch) == sorted(ids)
        for batch in batches:
            assert notifications.plan(batch) == len(batch) * len(notifications._channels())
            assert notifications.plan(batch) == 0  # run twice: the rows are kept, none added

        sms = dict(
            db.session.execute(
                sa.select(Delivery.status, sa.func.count()).where(Delivery.channel == "sms").group_by(Delivery.status)
            ).all()
        )
        assert sms == {"queued": PEOPLE}
        sends = db.session.execute(
            sa.select(OutboxEvent.payload).where(OutboxEvent.job == notifications.SEND)
        ).scalars()
        sms_ids = set(db.session.execute(sa.select(Delivery.id).where(Delivery.channel == "sms")).scalars())
        assert sorted(p["delivery_id"] for p in sends if p["delivery_id"] in sms_ids) == sorted(sms_ids)
