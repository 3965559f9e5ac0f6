"""Real-browser tests: Debian's Chromium (headless, driven by Playwright) at a 360x740 phone viewport against
the app served by gunicorn on 127.0.0.1 with a real RQ worker and scheduler, on the demo data.

The stack has its own SQLite database and embedded Redis (the browser flows are about what users see; the
database-level guarantees are tested on both databases elsewhere). Skipped with a clear message when Chromium
is not installed. A failing test leaves a screenshot in tests/artifacts/.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE = {"width": 360, "height": 740}
SHENZHEN_BAISHILONG = {"latitude": 22.6112, "longitude": 114.0352}  # next to the demo tasks of 白石龙社区

if not Path(CHROMIUM).exists():
    pytest.skip(
        "Chromium is not installed (apt-get install chromium chromium-driver): browser tests skipped",
        allow_module_level=True,
    )

from playwright.sync_api import sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(*args, env):
    subprocess.run(
        [Path(sys.executable).parent / "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The production layout in miniature: gunicorn (2 sync workers), an RQ worker and the scheduler."""
    from volunteer_hub.core import redis as embedded_redis
    from volunteer_hub.messaging.push import new_private_key

    folder = tmp_path_factory.mktemp("e2e")
    redis_url = embedded_redis.start_embedded(str(folder))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.db'}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "e2e",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "WORKER_LOG_LEVEL": "WARNING",
        "GEOCODER_DOMAIN": "",
        "VAPID_PRIVATE_KEY": new_private_key(),  # push on, without a key file in the checkout's instance/
        # A journey asks one number for a register code and then a reset code within a minute.
        "SMS_CODE_LIMIT_PER_NUMBER": "3/minute;10/hour;20/day",
        # Every phone of the suite logs in from 127.0.0.1: dozens of logins a minute from one address, which the
        # production limit (20 a minute) would refuse. The per-account limit stays as it is.
        "LOGIN_LIMIT_PER_IP": "600/minute;6000/hour",
        "REGISTER_LIMIT_PER_IP": "100/hour",
    }
    _flask("db", "upgrade", env=env)
    _flask("seed-demo", env=env)
    bin_dir = Path(sys.executable).parent
    logs = (folder / "stack.log").open("w")
    processes = [
        subprocess.Popen(
            [bin_dir / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [bin_dir / "flask", "--app", "wsgi", "worker"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [bin_dir / "flask", "--app", "wsgi", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    logs.close()
    embedded_redis.stop_embedded()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield launched
        launched.close()


class Phone:
    """One person's phone: a fresh browser context at 360x740 with geolocation granted, recording requests."""

    def __init__(self, browser, base: str, locale: str = "zh-CN"):
        self.base = base
        self.context = browser.new_context(
            viewport=PHONE,
            locale=locale,
            geolocation=SHENZHEN_BAISHILONG,
            permissions=["geolocation"],
            is_mobile=True,
            has_touch=True,
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def login(self, phone: str, password: str = "Volunteer2020"):
        self.go("/login")
        self.page.fill("#phone", phone)
        self.page.fill("#password", password)
        self.page.click("form.card button[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, f"{phone} could not log in: {self.page.inner_text('main')[:200]}"

    def close(self):
        self.context.close()


@pytest.fixture
def phone(browser, live_server, request):
    """phone(locale="zh-CN") opens a fresh phone; a failing test leaves screenshots of every phone opened."""
    opened: list[Phone] = []

    def factory(locale: str = "zh-CN") -> Phone:
        opened.append(Phone(browser, live_server, locale))
        return opened[-1]

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, device in enumerate(opened):
        if failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            device.page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}.png"), full_page=True)
        device.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def read_sms_code(device: Phone, number: str, timeout_s: float = 20, *, not_code: str | None = None) -> str:
    """The newest code sent to number (other than not_code), read from /dev/messages.json in another tab of the
    same phone (the real worker sends it a moment after the request)."""
    import json
    import re

    tab = device.context.new_page()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            tab.goto(f"{device.base}/dev/messages.json")
            for item in json.loads(tab.inner_text("body"))["items"]:
                found = re.search(r"\b(\d{6})\b", item["text"])
                if item["to"] == f"+86{number}" and found:
                    if found.group(1) != not_code:
                        return found.group(1)
                    break
            time.sleep(0.3)
    finally:
        tab.close()
    raise AssertionError(f"no code reached {number} within {timeout_s} s")
