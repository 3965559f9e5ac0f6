"""A worker that dies during a provider call: the delivery record was claimed (committed) before the call, so the
job run again by another worker sends nothing; the record is closed as failed once it is old enough."""

from datetime import timedelta

import sqlalchemy as sa

from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Delivery
from volunteer_hub.outbox.jobs import run_event
from volunteer_hub.outbox.models import OutboxEvent


def test_a_delivery_claimed_by_a_dead_worker_is_never_sent_again(app, api, make_task, make_user, api_token, work):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    holder, waiter = api_token(make_user("甲")), make_user("乙", quiet_start_min=None, quiet_end_min=None)
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter))
    api.delete(f"/claims/{held['id']}", token=holder)  # promotes the waiter: a notification to deliver
    with app.app_context():
        (plan,) = db.session.execute(sa.select(OutboxEvent)).scalars()
        run_event(plan.id)
        delivery = db.session.execute(sa.select(Delivery).filter_by(channel="sms")).scalar_one()
        # What a worker killed mid-call leaves behind: the claim committed, no outcome.
        db.session.execute(
            sa.update(Delivery).values(status="sending", claimed_at=now() - timedelta(minutes=11), attempts=1)
        )
        db.session.commit()

    work()  # the send job runs (again): the claim is taken, nothing goes out
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(DevMessage)).scalar_one() == 0
        notifications.release_due()
        closed = db.session.get(Delivery, delivery.id)

    assert (closed.status, closed.attempts) == ("failed", 1)
    assert "not sent again" in closed.last_error
