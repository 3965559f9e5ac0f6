"""Reachability and backlog of the database, Redis, the job queues and the outbox, for /healthz and operators.
(At the top of the package, not in core: it reports on the outbox, which builds on core.)"""

import redis
import sqlalchemy as sa
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry

from volunteer_hub.core import queue
from volunteer_hub.extensions import db
from volunteer_hub.outbox.services import backlog


def check() -> dict:
    report = {"database": _database(), "redis": _redis()}
    report["ok"] = report["database"]["ok"] and report["redis"]["ok"]
    return report


def _database() -> dict:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return {"ok": True, "outbox": backlog()}
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _redis() -> dict:
    try:
        connection = queue.connection()
        connection.ping()
        queues = {}
        for q in Queue.all(connection=connection) or [queue.get_queue()]:
            queues[q.name] = {
                "queued": q.count,
                "started": StartedJobRegistry(queue=q).count,
                "failed": FailedJobRegistry(queue=q).count,
            }
        return {"ok": True, "queues": queues}
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}
