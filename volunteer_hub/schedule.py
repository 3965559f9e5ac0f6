"""Recurring jobs: each declares where it lives how often it runs (``@recurring(seconds=...)``), and the scheduler
process registers every declared job with RQ's cron scheduler.

RQ's cron has no leader election, so every recurring job is wrapped in ``once_per_period``: when two
scheduler processes enqueue the same job for the same period, only the first run does the work.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from volunteer_hub.core import queue

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_R = TypeVar("_R")

# (dotted path of the job, seconds between runs), filled by @recurring as create_app imports each domain's jobs.py
RECURRING: list[tuple[str, int]] = []


def recurring(*, seconds: int) -> Callable[[Callable[_P, _R]], Callable[_P, _R | None]]:
    """Have the scheduler enqueue the decorated job every ``seconds``; it runs at most once per period."""

    def decorator(job: Callable[_P, _R]) -> Callable[_P, _R | None]:
        RECURRING.append((f"{job.__module__}.{job.__name__}", seconds))
        return once_per_period(seconds=seconds)(job)

    return decorator


def once_per_period(*, seconds: int) -> Callable[[Callable[_P, _R]], Callable[_P, _R | None]]:
    """Run the decorated job at most once per ``seconds``-long period across all schedulers and workers."""

    def decorator(job: Callable[_P, _R]) -> Callable[_P, _R | None]:
        @functools.wraps(job)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
            period = int(time.time() // seconds)
            key = f"vh:recurring:{job.__module__}.{job.__name__}:{period}"
            if not queue.connection().set(key, "1", nx=True, ex=seconds * 2):
                log.debug("%s already ran in period %s", job.__name__, period)
                return None
            return job(*args, **kwargs)

        return wrapper

    return decorator
