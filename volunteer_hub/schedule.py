"""Recurring jobs: what runs how often. The scheduler process registers them with RQ's cron scheduler.

RQ's cron has no leader election, so every recurring job is wrapped in ``once_per_period``: when two
scheduler processes enqueue the same job for the same period, only the first run does the work.
"""

import functools
import logging
import time

from volunteer_hub.core import queue

log = logging.getLogger(__name__)

# (dotted path of the job, seconds between runs)
RECURRING = (
    ("volunteer_hub.outbox.jobs.dispatch_outbox", 5),
    ("volunteer_hub.claims.jobs.send_reminders", 60),
    ("volunteer_hub.claims.jobs.ask_attendance", 600),
    ("volunteer_hub.claims.jobs.release_unconfirmed", 300),
    ("volunteer_hub.tasks.jobs.alert_underfilled", 600),
    ("volunteer_hub.tasks.jobs.close_expired_tasks", 3600),
    ("volunteer_hub.matching.jobs.send_digests", 600),
    ("volunteer_hub.hours.jobs.remind_unconfirmed_hours", 3600),
    ("volunteer_hub.attendance.jobs.mark_no_shows", 300),
    ("volunteer_hub.stats.jobs.tally_new_entries", 60),
    ("volunteer_hub.stats.jobs.refresh_shift_tallies", 300),
    ("volunteer_hub.stats.jobs.refresh_all_shift_tallies", 86_400),
    ("volunteer_hub.lottery.jobs.draw_due_lotteries", 60),
    ("volunteer_hub.help.jobs.close_finished_requests", 3600),
    ("volunteer_hub.orgs.jobs.purge_expired_invitations", 86_400),
)


def once_per_period(*, seconds: int):
    """Run the decorated job at most once per ``seconds``-long period across all schedulers and workers."""

    def decorator(job):
        @functools.wraps(job)
        def wrapper(*args, **kwargs):
            period = int(time.time() // seconds)
            key = f"vh:recurring:{job.__module__}.{job.__name__}:{period}"
            if not queue.connection().set(key, "1", nx=True, ex=seconds * 2):
                log.debug("%s already ran in period %s", job.__name__, period)
                return None
            return job(*args, **kwargs)

        return wrapper

    return decorator
