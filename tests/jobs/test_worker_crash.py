"""A worker that dies during a provider call never causes a second SMS for the same delivery record: the record is
claimed (committed) before the call, so the job run again by another worker sends nothing, and the record is closed
as failed once DELIVERY_STUCK_AFTER_S has passed (the message may or may not have gone out; it is never repeated).

The first test is the real thing: RQ worker processes send through the Alibaba Cloud SDK to a local stand-in of its
API that hangs on the first request, and the first worker is SIGKILLed in the middle of that call. The second one
checks the same rule on the state such a crash leaves, without processes."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.messaging.standins import AliyunStandIn, Answer, settings
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Delivery
from volunteer_hub.outbox.jobs import run_event
from volunteer_hub.outbox.models import OutboxEvent

ROOT = Path(__file__).resolve().parents[2]
STUCK_AFTER_S = 2


@pytest.fixture
def standin():
    server = AliyunStandIn().start()
    yield server
    server.stop()


def start_worker(app, standin) -> subprocess.Popen:
    env = {
        **os.environ,
        **{key: str(value) for key, value in settings("aliyun", standin.url, timeout_s=60).items()},
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "SECRET_KEY": "test",
        "SMS_TEMPLATES": "claim_promoted:SMS_300",
        "EMAIL_SENDER": "none",
        # Short enough for a test: the abandoned job is noticed 2 + 1 s after it started.
        "JOB_TIMEOUT_S": "2",
        "WORKER_HEARTBEAT_GRACE_S": "1",
        "WORKER_MAINTENANCE_S": "1",
        "JOB_RETRY_INTERVALS_S": "0,0,0",
        "DELIVERY_STUCK_AFTER_S": str(STUCK_AFTER_S),
        "WORKER_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [Path(sys.executable).parent / "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def promote_waiter(api, make_task, make_user, api_token):
    """Cancel the only confirmed place: the waitlisted volunteer (no quiet hours) is promoted and notified."""
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    holder, waiter = api_token(make_user("甲")), make_user("乙", quiet_start_min=None, quiet_end_min=None)
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter))
    assert api.delete(f"/claims/{held['id']}", token=holder).status_code == 200
    return waiter


def events_done(app) -> bool:
    with app.app_context():
        events = list(db.session.execute(sa.select(OutboxEvent)).scalars())
        db.session.remove()
    return len(events) >= 2 and all(event.done_at for event in events)


def test_a_worker_killed_during_the_provider_call_never_sends_the_sms_twice(
    app, api, make_task, make_user, api_token, standin, monkeypatch
):
    # The plan job is enqueued by this process (right after the request's commit): its timeout and retry back-off
    # come from this app's configuration; the send job's from the worker's environment.
    monkeypatch.setitem(app.config, "JOB_TIMEOUT_S", 2)
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS_S", (0, 0, 0))
    monkeypatch.setitem(app.config, "DELIVERY_STUCK_AFTER_S", STUCK_AFTER_S)
    standin.answer("SendSms", Answer(hang=True))  # the first SendSms never gets an answer
    waiter = promote_waiter(api, make_task, make_user, api_token)

    first = start_worker(app, standin)
    try:
        assert standin.hanging.wait(30), "the first worker never called the provider"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its RQ scheduler process, mid-call
        first.wait()
    second = start_worker(app, standin)
    try:
        # The abandoned send job is retried once its heartbeat expires (timeout 2 s + grace 1 s) and finishes.
        assert wait_for(lambda: events_done(app), 30), "the abandoned job was not run again"
        time.sleep(1)  # room for a duplicate to show up, if there were one
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)

    with app.app_context():
        delivery = db.session.execute(
            sa.select(Delivery).where(Delivery.user_id == waiter.id, Delivery.channel == "sms")
        ).scalar_one()
        assert delivery.status == "sending"  # claimed by the dead worker: nobody else may send it
        time.sleep(max(0.0, STUCK_AFTER_S - (now() - delivery.claimed_at).total_seconds()) + 0.5)
        notifications.release_due()
        closed = db.session.get(Delivery, delivery.id)

    (request,) = standin.sent("SendSms")  # exactly one request reached the provider
    assert request.params["OutId"] == f"d{delivery.id}"
    assert (closed.status, closed.attempts, closed.provider_id) == ("failed", 1, None)
    assert "not sent again" in closed.last_error


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
