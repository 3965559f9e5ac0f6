"""Work triggered by a request is written to the outbox in the same transaction and delivered by RQ
workers: nothing is lost while Redis is down, and running a job twice changes nothing more."""

import ast
import importlib
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import volunteer_hub
from tests.jobs.senders import FlakySms
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging import sms
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Delivery, Notification
from volunteer_hub.outbox import services as outbox
from volunteer_hub.outbox.jobs import dispatch_outbox, run_event
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.schedule import once_per_period


@pytest.fixture
def promotion(app, api, make_task, make_user, api_token):
    """promote() cancels the only confirmed place so the waitlisted volunteer is promoted and notified."""
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    holder, waiter = api_token(make_user("甲")), make_user("乙", quiet_start_min=None, quiet_end_min=None)
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    assert api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter)).json["status"] == "waitlisted"

    def promote():
        response = api.delete(f"/claims/{held['id']}", token=holder)
        assert response.status_code == 200
        return waiter

    return promote


def rows(app, model, **filters):
    with app.app_context():
        return list(db.session.execute(sa.select(model).filter_by(**filters)).scalars())


def test_a_notification_is_delivered_over_other_channels_by_a_worker(app, promotion, work):
    waiter = promotion()

    work()

    (note,) = rows(app, Notification, user_id=waiter.id)
    (delivery,) = rows(app, Delivery, notification_id=note.id, channel="sms")
    assert (note.kind, delivery.status, delivery.attempts) == ("claim_promoted", "sent", 1)
    (message,) = rows(app, DevMessage)
    assert message.to == waiter.phone and "乙" not in message.text and message.channel == "sms"
    assert all(event.done_at for event in rows(app, OutboxEvent))


def test_requests_succeed_while_redis_is_down_and_the_backlog_drains_after(app, promotion, controlled_redis, work):
    controlled_redis.stop()

    waiter = promotion()  # the cancel, the promotion and the in-app notification all commit

    (event,) = rows(app, OutboxEvent)
    assert event.dispatched_at is None and event.done_at is None
    assert [n.kind for n in rows(app, Notification, user_id=waiter.id)] == ["claim_promoted"]

    controlled_redis.start()
    with app.app_context():
        dispatch_outbox()
    work()  # plans the deliveries; their send events wait for the dispatcher (web processes back off 5 s)
    with app.app_context():
        outbox.dispatch_pending()
    work()

    assert all(event.done_at for event in rows(app, OutboxEvent))
    assert [d.status for d in rows(app, Delivery, channel="sms")] == ["sent"]


def test_running_each_event_twice_delivers_once(app, promotion):
    promotion()
    (plan,) = rows(app, OutboxEvent)

    with app.app_context():
        run_event(plan.id)
        db.session.execute(sa.update(OutboxEvent).values(done_at=None))  # as if the first run's end was lost
        db.session.commit()
        for event in rows(app, OutboxEvent):
            run_event(event.id)
            run_event(event.id)

    assert len(rows(app, Delivery, channel="sms")) == 1
    assert len(rows(app, DevMessage)) == 1


def test_an_event_whose_job_vanished_from_redis_is_sent_again(app, promotion, work):
    promotion()
    with app.app_context():
        from volunteer_hub.core import queue

        queue.connection().flushdb()  # the job is lost (e.g. Redis restarted without persistence)
        db.session.execute(sa.update(OutboxEvent).values(dispatched_at=now() - timedelta(minutes=10)))
        db.session.commit()
        assert outbox.redeliver_stale() == 1
    work()

    plan = rows(app, OutboxEvent)[0]
    assert plan.done_at is not None and plan.attempts == 2


def test_an_event_whose_job_is_still_queued_is_left_alone(app, promotion):
    promotion()
    with app.app_context():
        db.session.execute(sa.update(OutboxEvent).values(dispatched_at=now() - timedelta(minutes=10)))
        db.session.commit()

        assert outbox.redeliver_stale() == 0


def test_a_throttled_sms_is_tried_again_after_a_back_off_and_sent_once(app, promotion, monkeypatch):
    monkeypatch.setitem(sms.SENDERS, "dev", "tests.jobs.senders.FlakySms")
    FlakySms.calls, FlakySms.sent = 0, []
    promotion()
    with app.app_context():
        (plan,) = rows(app, OutboxEvent)
        run_event(plan.id)
        (delivery,) = rows(app, Delivery, channel="sms")
        notifications.send(delivery.id)  # throttled: back in the queue, not before the first interval
        (waiting,) = rows(app, Delivery, channel="sms")
        notifications.send(delivery.id)  # too early: nothing happens
        assert notifications.release_due() == 0
        db.session.execute(sa.update(Delivery).values(not_before=now() - timedelta(seconds=1)))
        db.session.commit()
        assert notifications.release_due() == 1
        notifications.send(delivery.id)
        notifications.send(delivery.id)

    (sent,) = rows(app, Delivery, channel="sms")
    assert (waiting.status, waiting.attempts, waiting.last_error) == (
        "queued",
        1,
        "isv.BUSINESS_LIMIT_CONTROL: slow down",
    )
    assert waiting.not_before > now() + timedelta(seconds=20)
    assert (sent.status, sent.attempts, sent.provider_id) == ("sent", 2, "flaky-2")
    assert FlakySms.calls == 2 and FlakySms.sent == [f"d{delivery.id}"]


def test_a_recurring_job_runs_once_per_period_when_two_schedulers_enqueue_it(app):
    runs = []

    @once_per_period(seconds=60)
    def tally():
        runs.append(1)

    with app.app_context():
        tally()
        tally()

    assert runs == [1]


def test_health_reports_queues_and_the_outbox_backlog(app, client, promotion, controlled_redis):
    controlled_redis.stop()
    promotion()

    down = client.get("/healthz")
    controlled_redis.start()
    up = client.get("/healthz").json

    assert down.status_code == 503 and down.json["redis"]["ok"] is False
    assert up["ok"] is True
    assert up["database"]["outbox"]["undelivered"] == 1
    assert up["database"]["outbox"]["oldest_age_s"] >= 0
    assert up["redis"]["queues"]["default"]["failed"] == 0


def test_every_job_the_code_records_by_name_exists_in_a_jobs_module():
    """Services name outbox jobs by dotted path (so they never import the jobs that call them): a typo would only
    show when the worker runs the event, so every recorded path is resolved here."""
    package = Path(volunteer_hub.__file__).parent
    recorded = []
    for source in package.rglob("*.py"):
        module = ".".join(source.relative_to(package.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "record_many")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "outbox"
            ):
                first = node.args[0]
                path = (
                    first.value
                    if isinstance(first, ast.Constant)
                    else getattr(importlib.import_module(module), first.id)
                )
                recorded.append(path)
    assert len(recorded) >= 8
    for path in recorded:
        module, _, name = path.rpartition(".")
        assert module.startswith("volunteer_hub.") and module.endswith(".jobs"), path
        assert callable(getattr(importlib.import_module(module), name)), path
