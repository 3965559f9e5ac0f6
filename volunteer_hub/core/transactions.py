"""Run a unit of work as one transaction, retrying the few failures that are safe to retry."""

import random
import time

from sqlalchemy.exc import DBAPIError

from volunteer_hub import outbox
from volunteer_hub.extensions import db

# PostgreSQL: serialization_failure, deadlock_detected. SQLite: busy timeout exhausted.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


def _retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in _RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig)


def atomic(work, *args, attempts: int = 4, **kwargs):
    """Call work(*args, **kwargs) and commit; roll back on any error.

    Deadlocks (two transactions locking volunteers in opposite order) and serialization failures are
    retried with a short random back-off; domain errors propagate after the rollback. Outbox events the
    work recorded are handed to the queue after the commit.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work(*args, **kwargs)
            db.session.commit()
            if db.session.info.get("outbox_pending"):
                outbox.kick()
            return result
        except DBAPIError as exc:
            db.session.rollback()
            db.session.info.pop("outbox_pending", None)
            if attempt == attempts or not _retryable(exc):
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
        except BaseException:
            db.session.rollback()
            db.session.info.pop("outbox_pending", None)
            raise
    raise AssertionError("unreachable")
