"""A worker SIGKILLed in the middle of a delivery: the job is retried by another worker and the message goes
out exactly once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import DeliveryAttempt, Notification
from volunteer_hub.outbox.models import OutboxEvent

ROOT = Path(__file__).resolve().parents[2]


def start_worker(app, folder: Path, *args) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "SECRET_KEY": "test",
        "NOTIFICATION_SENDERS": "tests.jobs.senders.SlowOnceSender",
        "VH_TEST_DIR": str(folder),
        # Short enough for a test: the abandoned job is noticed 2 + 1 s after it started.
        "JOB_TIMEOUT_S": "2",
        "WORKER_HEARTBEAT_GRACE_S": "1",
        "WORKER_MAINTENANCE_S": "1",
        "JOB_RETRY_INTERVALS_S": "0,0,0",
        "WORKER_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [Path(sys.executable).parent / "flask", "--app", "wsgi", "worker", *args],
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


def test_a_job_killed_mid_delivery_is_retried_and_delivered_exactly_once(
    app, api, make_task, make_user, api_token, tmp_path, monkeypatch
):
    # The job is enqueued by this process (right after the request's commit), so its timeout and retry
    # back-off come from this app's configuration.
    monkeypatch.setitem(app.config, "JOB_TIMEOUT_S", 2)
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS_S", (0, 0, 0))
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    holder, waiter = api_token(make_user("甲")), make_user("乙")
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter))
    api.delete(f"/claims/{held['id']}", token=holder)  # promotes the waiter: a notification to deliver

    first = start_worker(app, tmp_path)
    try:
        assert wait_for((tmp_path / "first-attempt-started").exists, 30), "the first worker never started sending"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its RQ scheduler process, mid-job
        first.wait()
    time.sleep(3.5)  # the job's heartbeat (timeout 2 s + grace 1 s) expires
    second = start_worker(app, tmp_path)
    try:
        delivered = tmp_path / "delivered.txt"
        assert wait_for(delivered.exists, 30), "the abandoned job was not retried"
        time.sleep(1)  # room for a duplicate to show up, if there were one
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)

    with app.app_context():
        (note,) = db.session.execute(sa.select(Notification).where(Notification.user_id == waiter.id)).scalars()
        sent = (
            db.session.execute(
                sa.select(DeliveryAttempt).where(
                    DeliveryAttempt.notification_id == note.id, DeliveryAttempt.status == "sent"
                )
            )
            .scalars()
            .all()
        )
        event = db.session.execute(sa.select(OutboxEvent)).scalar_one()
    assert delivered.read_text().split() == [str(note.id)]
    assert len(sent) == 1
    assert event.done_at is not None
