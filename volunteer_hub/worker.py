"""The background processes: RQ workers (with RQ's scheduler for delayed and retried jobs) and the cron
scheduler that enqueues the recurring jobs of schedule.py."""

import gc
import importlib
import logging
import time

import redis
from flask import Flask
from rq import Queue, SimpleWorker
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from volunteer_hub.core.processes import children_die_with_this_process
from volunteer_hub.core.queue import DEFAULT_QUEUE
from volunteer_hub.schedule import RECURRING

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """Runs jobs in the worker process itself (no fork per job: faster, and one database pool), each inside
    an application context of the app built at start-up."""

    app: Flask = None  # type: ignore[assignment]  # set by run_worker before the worker starts
    stopping = False  # a stop signal arrived: do not start again

    def request_stop(self, signum, frame):
        self.stopping = True
        super().request_stop(signum, frame)

    def perform_job(self, job, queue, *args, **kwargs):
        with self.app.app_context():
            return super().perform_job(job, queue, *args, **kwargs)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        """A job's registry entry expires this long after it started: RQ then treats it as abandoned and
        retries it. SimpleWorker's default adds 60 s to the job timeout; the grace is configurable."""
        return int(job.timeout or self.app.config["JOB_TIMEOUT_S"]) + self.app.config["WORKER_HEARTBEAT_GRACE_S"]


def _connection(app) -> redis.Redis:
    return redis.Redis.from_url(app.config["REDIS_URL"])


def run_worker(app, *, burst: bool = False, queues=(DEFAULT_QUEUE,)) -> None:
    """Work the queues. Short job timeouts, heartbeat grace and maintenance interval let another worker
    notice a SIGKILLed one and retry its job within about two minutes (defaults: 30 + 60 + 30 s), not ten."""
    # The app's objects live as long as the process: keep them out of the garbage collector's full passes,
    # which otherwise pause a job for up to ~100 ms on a small machine.
    gc.collect()
    gc.freeze()
    # RQ forks its scheduler for delayed and retried jobs: it must not outlive a worker that is SIGKILLed (an
    # out-of-memory kill, a deploy), or every crash leaves one more scheduler behind.
    children_die_with_this_process()
    while True:
        connection, worker = _connection(app), None
        try:
            # Inside the try: RQ's Worker() already talks to Redis (CLIENT SETNAME), so a worker (re)started
            # during an outage must wait for Redis, not exit.
            worker = AppWorker(
                [Queue(name, connection=connection) for name in queues],
                connection=connection,
                worker_ttl=app.config["WORKER_TTL_S"],
                maintenance_interval=app.config["WORKER_MAINTENANCE_S"],
            )
            worker.app = app
            worker.work(with_scheduler=True, burst=burst, logging_level=app.config["WORKER_LOG_LEVEL"])
        except redis.RedisError as exc:
            log.warning("worker: Redis unavailable (%s)", exc)
        finally:
            connection.close()
        if burst or (worker is not None and worker.stopping):
            return
        # RQ's loop gives up on some Redis errors (a timeout during an outage): start a fresh worker.
        time.sleep(5)


def run_scheduler(app) -> None:
    """Enqueue the recurring jobs forever; when Redis goes away, wait and start again."""
    while True:
        scheduler = CronScheduler(connection=_connection(app), logging_level=app.config["WORKER_LOG_LEVEL"])
        for path, seconds in RECURRING:
            module, _, name = path.rpartition(".")
            scheduler.register(
                getattr(importlib.import_module(module), name), DEFAULT_QUEUE, interval=seconds, job_timeout=60
            )
        try:
            scheduler.start()
            return  # stopped by a signal
        except StopRequested:
            return  # a second stop signal while shutting down (Ctrl-C reaches the whole process group)
        except redis.RedisError as exc:
            log.warning("scheduler: Redis unavailable (%s); retrying in 5 s", exc)
            time.sleep(5)
