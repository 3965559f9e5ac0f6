"""`make run` (flask dev): a SIGTERM or a closed terminal stops everything it started, as Ctrl-C does, so the
next `make run` finds its port free. (On the tests' Redis: an embedded one would be kept in the checkout's
instance folder, which a developer's own `make run` uses.)"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_ends_web_worker_and_scheduler(tmp_path, redis_url, stop):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}", "REDIS_URL": redis_url,
           "SECRET_KEY": "dev-test", "GEOCODER_DOMAIN": ""}
    log = (tmp_path / "dev.log").open("w")
    dev = subprocess.Popen([Path(sys.executable).parent / "flask", "--app", "wsgi", "dev", "--port", str(port)],
                           cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert dev.poll() is None and time.monotonic() < deadline, (tmp_path / "dev.log").read_text()
                time.sleep(0.3)
        started = psutil.Process(dev.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in started)
        assert "gunicorn" in names and "worker" in names and "scheduler" in names

        dev.send_signal(stop)  # to the dev process only, as a process manager or a closed terminal does

        assert dev.wait(timeout=30) == 0
        _gone, alive = psutil.wait_procs(started, timeout=15)
        assert alive == [], f"left running: {[' '.join(p.cmdline()) for p in alive]}"
        with socket.socket() as sock:  # the port is free for the next start (SO_REUSEADDR, as gunicorn binds:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closed connections may linger)
            sock.bind(("127.0.0.1", port))
            sock.listen()
        assert "Traceback" not in (tmp_path / "dev.log").read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever a failure left of the process group
            os.killpg(dev.pid, signal.SIGKILL)
        log.close()
