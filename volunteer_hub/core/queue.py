"""RQ queues on the app's Redis. Jobs take ids, run in an app context (see worker.py) and are idempotent."""

from typing import Any

import redis
from flask import current_app
from rq import Queue, Retry
from rq.job import Job

DEFAULT_QUEUE = "default"


def connection() -> redis.Redis:
    """The app's Redis client (one connection pool per app). Short timeouts: a web request that only
    wants to hand over work must not hang when Redis is unreachable."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed by Flask as the app
    client: redis.Redis | None = app.extensions.get("vh_redis")
    if client is None:
        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=5, health_check_interval=30
        )
        app.extensions["vh_redis"] = client
    return client


def get_queue(name: str = DEFAULT_QUEUE) -> Queue:
    return Queue(name, connection=connection())


def enqueue(
    func: str,
    *args: Any,
    job_id: str | None = None,
    timeout: int | None = None,
    queue: str = DEFAULT_QUEUE,
    **kwargs: Any,
) -> Job:
    """Enqueue a job by dotted path with a timeout and bounded retries with back-off.

    A job that keeps failing lands in RQ's failed registry with its traceback; a job whose worker died
    is noticed after its heartbeat (timeout + 60 s) and retried while it has retries left.
    """
    return get_queue(queue).enqueue(
        func,
        *args,
        job_id=job_id,
        job_timeout=timeout or current_app.config["JOB_TIMEOUT_S"],
        retry=_retry(),
        failure_ttl=FAILURE_TTL_S,
        result_ttl=RESULT_TTL_S,
        **kwargs,
    )


def enqueue_many(func: str, calls: list[tuple[tuple[Any, ...], str]], *, queue: str = DEFAULT_QUEUE) -> None:
    """enqueue() of many calls of ``func``, given as (args, job_id) pairs, in one Redis transaction (one round
    trip instead of two per job): all of them are queued, or none and redis.RedisError is raised."""
    target = get_queue(queue)
    timeout = current_app.config["JOB_TIMEOUT_S"]
    jobs = [
        Queue.prepare_data(
            func,
            args,
            job_id=job_id,
            timeout=timeout,
            retry=_retry(),
            failure_ttl=FAILURE_TTL_S,
            result_ttl=RESULT_TTL_S,
        )
        for args, job_id in calls
    ]
    with target.connection.pipeline() as pipe:
        target.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()


FAILURE_TTL_S = 7 * 24 * 3600
RESULT_TTL_S = 3600


def _retry() -> Retry:
    intervals = current_app.config["JOB_RETRY_INTERVALS_S"]
    return Retry(max=len(intervals), interval=list(intervals))
