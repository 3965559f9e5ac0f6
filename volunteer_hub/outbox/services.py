"""Record work in the caller's transaction; hand it to RQ after the commit; re-send what was never done."""

import logging
import time
from datetime import timedelta

import redis
import sqlalchemy as sa
from flask import current_app
from rq.job import Job, JobStatus

from volunteer_hub.core import queue
from volunteer_hub.core.db import insert_rows, updated_rows
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import after_commit
from volunteer_hub.extensions import db
from volunteer_hub.outbox.models import OutboxEvent

log = logging.getLogger(__name__)
RUN_EVENT = "volunteer_hub.outbox.jobs.run_event"
_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
_redis_down_until = 0.0  # after a failed hand-over, web requests stop trying for a few seconds


def record(job: str, **payload) -> OutboxEvent:
    """Add an event to the current transaction: ``job`` is the dotted path of a function in a volunteer_hub *.jobs
    module. A path rather than the function, so a service never imports the jobs that call it (or a package
    above its own) just to name them; tests/jobs/test_outbox.py checks every recorded path exists."""
    event = OutboxEvent(job=job, payload=payload)
    db.session.add(event)
    after_commit(kick)
    return event


def record_many(job: str, payloads: list[dict]) -> None:
    """Add one event per payload in a single INSERT (bulk producers such as matching); ``job`` as in record."""
    if payloads:
        created = now()
        insert_rows(
            db.session,
            OutboxEvent.__table__,
            [{"job": job, "payload": payload, "created_at": created, "attempts": 0} for payload in payloads],
        )
        after_commit(kick)


def kick() -> None:
    """After a commit: hand pending events to RQ right away so the work starts within seconds.

    Best effort. While Redis is unreachable the request still succeeds and the recurring dispatcher
    delivers the events once Redis is back.
    """
    global _redis_down_until
    if time.monotonic() < _redis_down_until:
        return
    try:
        dispatch_pending(limit=50)
    except redis.RedisError as exc:
        _redis_down_until = time.monotonic() + 5
        log.warning("outbox: Redis unavailable, events wait for the dispatcher (%s)", exc)


def dispatch_pending(limit: int = 500) -> int:
    """Move never-dispatched events to RQ, oldest first. The rows are claimed by one conditional UPDATE and one
    commit (not one per event: a plan job's kick hands over 50 SEND events), so concurrent dispatchers (web
    requests, workers, several schedulers) do not hand over the same event twice: a row another dispatcher
    claimed first no longer matches and is not returned. They go to RQ in one Redis transaction."""
    ids = list(
        db.session.execute(
            sa.select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None)).order_by(OutboxEvent.id).limit(limit)
        ).scalars()
    )
    if not ids:
        return 0
    claimed = sorted(
        db.session.execute(
            sa.update(OutboxEvent)
            .where(OutboxEvent.id.in_(ids), OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=now(), attempts=OutboxEvent.attempts + 1)
            .returning(OutboxEvent.id)
        ).scalars()
    )
    db.session.commit()
    if claimed:
        try:
            queue.enqueue_many(RUN_EVENT, [((event_id,), f"outbox-{event_id}") for event_id in claimed])
        except redis.RedisError:
            # Give them back so the next dispatch retries them at once rather than after the redelivery delay.
            _give_back(claimed)
            raise
    return len(claimed)


def redeliver_stale(older_than_s: int | None = None) -> int:
    """Re-send events handed over long ago that never finished and whose RQ job is gone or failed for good."""
    config = current_app.config
    cutoff = now() - timedelta(seconds=older_than_s or config["OUTBOX_REDELIVER_AFTER_S"])
    stale = db.session.execute(
        sa.select(OutboxEvent.id)
        .where(
            OutboxEvent.done_at.is_(None),
            OutboxEvent.dispatched_at < cutoff,
            OutboxEvent.attempts < config["OUTBOX_MAX_ATTEMPTS"],
        )
        .order_by(OutboxEvent.id)
        .limit(500)
    ).scalars()
    resent = 0
    for event_id in list(stale):
        if _job_status(event_id) in _LIVE:
            continue  # still queued, running or waiting for a retry
        if _claim_for_dispatch(event_id, OutboxEvent.dispatched_at < cutoff):
            _enqueue(event_id)
            resent += 1
    return resent


def mark_done(event_id: int) -> None:
    db.session.execute(sa.update(OutboxEvent).where(OutboxEvent.id == event_id).values(done_at=now()))


def _claim_for_dispatch(event_id: int, condition) -> bool:
    claimed = (
        updated_rows(
            db.session.execute(
                sa.update(OutboxEvent)
                .where(OutboxEvent.id == event_id, condition)
                .values(dispatched_at=now(), attempts=OutboxEvent.attempts + 1)
            )
        )
        == 1
    )
    db.session.commit()
    return claimed


def _enqueue(event_id: int) -> None:
    try:
        queue.enqueue(RUN_EVENT, event_id, job_id=f"outbox-{event_id}")
    except redis.RedisError:
        _give_back([event_id])
        raise


def _give_back(event_ids: list[int]) -> None:
    db.session.execute(sa.update(OutboxEvent).where(OutboxEvent.id.in_(event_ids)).values(dispatched_at=None))
    db.session.commit()


def _job_status(event_id: int):
    try:
        return Job.fetch(f"outbox-{event_id}", connection=queue.connection()).get_status(refresh=False)
    except Exception:  # no such job (expired or never arrived): treat as gone
        return None


def backlog() -> dict:
    """Undelivered events and the age of the oldest, for /healthz and operators."""
    oldest, open_count = db.session.execute(
        sa.select(sa.func.min(OutboxEvent.created_at), sa.func.count()).where(OutboxEvent.done_at.is_(None))
    ).one()
    dead = db.session.execute(
        sa.select(sa.func.count()).where(
            OutboxEvent.done_at.is_(None), OutboxEvent.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
        )
    ).scalar_one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now().tzinfo)
    age = (now() - oldest).total_seconds() if oldest else 0.0
    return {"undelivered": open_count, "oldest_age_s": round(age, 1), "gave_up": dead}
