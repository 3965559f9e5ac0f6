"""Run a unit of work as one transaction, retrying the few failures that are safe to retry."""

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from volunteer_hub.extensions import db

# PostgreSQL: serialization_failure, deadlock_detected. SQLite: busy timeout exhausted.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}
_AFTER_COMMIT = "after_commit"  # key in db.session.info
_R = TypeVar("_R")


def _retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in _RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig)


def after_commit(callback: Callable[[], None]) -> None:
    """Call callback once after the current unit of work commits in atomic(), not at all if it rolls back.
    How a package above core (the outbox) acts after a commit without core importing it."""
    callbacks = db.session.info.setdefault(_AFTER_COMMIT, [])
    if callback not in callbacks:
        callbacks.append(callback)


def atomic(work: Callable[..., _R], *args: Any, attempts: int = 4, **kwargs: Any) -> _R:
    """Call work(*args, **kwargs) and commit; roll back on any error.

    Deadlocks (two transactions locking volunteers in opposite order) and serialization failures are
    retried with a short random back-off; domain errors propagate after the rollback. What the work registered
    with after_commit (the outbox's hand-over of the events it recorded) runs after the commit.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work(*args, **kwargs)
            db.session.commit()
            for callback in db.session.info.pop(_AFTER_COMMIT, ()):
                callback()
            return result
        except DBAPIError as exc:
            db.session.rollback()
            db.session.info.pop(_AFTER_COMMIT, None)
            if attempt == attempts or not _retryable(exc):
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
        except BaseException:
            db.session.rollback()
            db.session.info.pop(_AFTER_COMMIT, None)
            raise
    raise AssertionError("unreachable")
