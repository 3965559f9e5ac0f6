"""The RQ worker process: every job runs inside an application context of one app built at start-up."""

import redis
from rq import Queue, Worker

QUEUES = ("default",)


class AppWorker(Worker):
    """An RQ worker that pushes the Flask app context around each job (in the forked work horse)."""

    app = None

    def perform_job(self, job, queue, *args, **kwargs):
        with self.app.app_context():
            return super().perform_job(job, queue, *args, **kwargs)


def connection(app) -> redis.Redis:
    return redis.Redis.from_url(app.config["REDIS_URL"])


def queue(app, name: str = "default") -> Queue:
    return Queue(name, connection=connection(app))


def run(app, *, burst: bool = False, queues=QUEUES) -> None:
    """Work the queues with RQ's scheduler (delayed and retried jobs) in the same process.

    A short heartbeat TTL lets another worker's maintenance pass notice a SIGKILLed worker within about a
    minute and put its job back, instead of RQ's default of roughly ten minutes.
    """
    worker = AppWorker(
        [Queue(name, connection=connection(app)) for name in queues],
        connection=connection(app),
        worker_ttl=app.config.get("WORKER_TTL_S", 30),
        maintenance_interval=app.config.get("WORKER_MAINTENANCE_S", 60),
        job_monitoring_interval=10,
    )
    worker.app = app
    worker.work(with_scheduler=True, burst=burst)
