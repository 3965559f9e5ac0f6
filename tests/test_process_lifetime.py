"""The Procfile's processes leave nothing behind: one SIGTERM stops each of them with its children within
seconds, and a worker that is SIGKILLed (out of memory, a hard deploy) takes its RQ scheduler child along."""

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def _procfile_command(name: str, port: int) -> list[str]:
    """The Procfile's command line for ``name``, its variables filled in as a platform does."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(f"{name}:"))
    command = line.partition(":")[2].replace("${WEB_CONCURRENCY:-4}", "2").replace("$PORT", str(port))
    program, *args = shlex.split(command)
    return [str(Path(sys.executable).parent / program), *args]


@pytest.fixture
def start(tmp_path, redis_url):
    """start(name) -> the Procfile process ``name``, running on a SQLite database and the tests' Redis."""
    started = []

    def run(name: str) -> tuple[subprocess.Popen, int]:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
            "REDIS_URL": redis_url,
            "SECRET_KEY": "lifetime-test",
            "GEOCODER_DOMAIN": "",
            "WORKER_LOG_LEVEL": "INFO",
        }
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            _procfile_command(name, port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        started.append(process)
        return process, port

    yield run
    for process in started:  # whatever a failure left of each process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.2)


def _ready(name: str, process: subprocess.Popen, port: int, log: Path) -> None:
    def serving() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        except urllib.error.HTTPError:
            return True  # an answer (the database has no tables here)
        except OSError:
            return False
        return True

    condition = {
        "web": serving,
        "worker": lambda: psutil.Process(process.pid).children() != [],  # RQ's scheduler is forked
        "scheduler": lambda: "CronScheduler" in log.read_text(),
    }[name]
    _wait_for(lambda: process.poll() is None and condition(), f"{name} ready")


@pytest.mark.parametrize("name", ["web", "worker", "scheduler"])
def test_one_sigterm_stops_a_procfile_process_and_its_children_within_seconds(start, tmp_path, name):
    process, port = start(name)
    _ready(name, process, port, tmp_path / f"{name}.log")
    family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]

    process.send_signal(signal.SIGTERM)  # to the main process only, as a platform stopping it does

    _gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == [], f"still running 10 s after SIGTERM: {[' '.join(p.cmdline()) for p in alive]}"


def test_a_sigkilled_worker_takes_its_rq_scheduler_child_along(start, tmp_path):
    worker, port = start("worker")
    _ready("worker", worker, port, tmp_path / "worker.log")
    children = psutil.Process(worker.pid).children(recursive=True)

    worker.kill()
    worker.wait()

    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], f"orphaned: {[' '.join(p.cmdline()) for p in alive]}"
