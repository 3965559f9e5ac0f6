"""The embedded Redis of `make run` and single-machine installs accepts no one but the app's own user: it
listens only on a Unix socket in a private folder, so no other local user can enqueue (pickled) jobs."""

import os
import pwd
import socket
import stat
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
import redis

from volunteer_hub.core import redis as embedded_redis


@pytest.fixture
def embedded(tmp_path):
    url = embedded_redis.start_embedded(str(tmp_path))
    yield url
    embedded_redis.stop_embedded()


def _server_process(folder: Path) -> psutil.Process:
    return next(p for p in psutil.Process().children() if str(folder) in " ".join([*p.cmdline(), p.cwd()]))


def test_the_embedded_redis_listens_on_no_tcp_port(embedded, tmp_path):
    assert redis.Redis.from_url(embedded).ping()
    server = _server_process(tmp_path)
    assert [c for c in server.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN] == []


def test_only_the_apps_user_may_open_the_embedded_redis_socket(embedded):
    path = Path(urlsplit(embedded).path)
    assert stat.S_ISSOCK(path.stat().st_mode)
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")
def test_another_local_user_cannot_reach_the_embedded_redis(embedded):
    nobody = pwd.getpwnam("nobody")
    child = os.fork()
    if child == 0:  # a process of another local user tries to open the socket
        code = 1
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.connect(urlsplit(embedded).path)
            code = 0
        except PermissionError:
            code = 13
        finally:
            os._exit(code)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 13


def test_a_second_process_reuses_the_running_embedded_redis(embedded, tmp_path):
    assert embedded_redis.resolve_url("", str(tmp_path)) == embedded


def test_a_configured_redis_url_always_wins(tmp_path):
    assert embedded_redis.resolve_url("redis://redis.internal:6379/0", str(tmp_path)) == "redis://redis.internal:6379/0"
    assert not (tmp_path / "redis").exists()


def test_the_rate_limits_are_kept_in_the_embedded_redis(embedded):
    from limits.storage import storage_from_string

    assert storage_from_string(embedded_redis.limits_storage_uri(embedded)).check()
