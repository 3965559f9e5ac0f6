"""`make run` (flask dev): a SIGTERM or a closed terminal stops everything it started, as Ctrl-C does, so the
next `make run` finds its port free. (On the tests' Redis: an embedded one would be kept in the checkout's
instance folder, which a developer's own `make run` uses.)"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import brotli
import psutil
import pytest
import sqlalchemy as sa

from tests.conftest import free_port
from volunteer_hub import create_app, demo
from volunteer_hub.accounts.models import User
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.certificates.services import request_certificate
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.orgs.models import Organisation

ROOT = Path(__file__).resolve().parents[1]


def _start(folder: Path, port: int, redis_url: str) -> subprocess.Popen:
    """`flask dev` on its own SQLite database, serving once /healthz answers."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'dev.db'}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "dev-test",
        "GEOCODER_DOMAIN": "",
    }
    env.pop("PUBLIC_BASE_URL", None)
    with (folder / "dev.log").open("w") as log:
        dev = subprocess.Popen(
            [Path(sys.executable).parent / "flask", "--app", "wsgi", "dev", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return dev
        except OSError:
            if dev.poll() is not None or time.monotonic() > deadline:
                _kill(dev)
                pytest.fail((folder / "dev.log").read_text())
            time.sleep(0.3)


def _kill(dev: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):  # whatever is left of the process group
        os.killpg(dev.pid, signal.SIGKILL)
    dev.wait()


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory, redis_url):
    """One `make run` for the tests that only talk to it: (base URL, its folder)."""
    folder, port = tmp_path_factory.mktemp("dev"), free_port()
    dev = _start(folder, port, redis_url)
    yield f"http://127.0.0.1:{port}", folder
    _kill(dev)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_ends_web_worker_and_scheduler(tmp_path, redis_url, stop):
    port = free_port()
    dev = _start(tmp_path, port, redis_url)
    try:
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
        _kill(dev)


def test_a_certificate_made_under_make_run_on_any_port_has_a_qr_code_that_opens(dev_server, redis_url):
    base, folder = dev_server
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'dev.db'}", "REDIS_URL": redis_url, "SECRET_KEY": "dev-test"}
    )
    with app.app_context():
        volunteer = db.session.execute(sa.select(User).filter_by(phone="+86" + demo.VOLUNTEER.phone)).scalar_one()
        organizer = db.session.execute(sa.select(User).filter_by(phone="+86" + demo.ORGANIZER.phone)).scalar_one()
        org = db.session.execute(sa.select(Organisation).order_by(Organisation.id)).scalars().first()
        db.session.add(
            HourEntry(
                volunteer_id=volunteer.id,
                org_id=org.id,
                activity_name="东门卡口值守",
                place="东门",
                service_date=date(2024, 2, 3),
                service_content="",
                task_type="checkpoint",
                leader_name=organizer.name,
                minutes=240,
                source="manual",
                confirmed_by_id=organizer.id,
            )
        )
        db.session.commit()
        certificate, _ = request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 1), "zh")
        certificate_id = certificate.id

        deadline = time.monotonic() + 60  # the scheduler hands the job over within seconds
        while (document := db.session.get(Certificate, certificate_id).pdf) is None:
            assert time.monotonic() < deadline, (folder / "dev.log").read_text()
            db.session.expire_all()
            time.sleep(0.5)

    link = re.search(rb"/URI \((http[^)]+)\)", document).group(1).decode()
    assert link.startswith(f"{base}/cert/")
    page = urllib.request.urlopen(link, timeout=10)
    assert page.status == 200 and certificate.code in page.read().decode()


def test_phones_that_connect_and_send_nothing_do_not_stall_make_run(dev_server):
    base, _ = dev_server
    port = int(base.rsplit(":", 1)[1])
    # Two phones' browsers preconnecting three sockets each: with sync workers each held one until its 30 s
    # timeout, and every other request waited.
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
    try:
        time.sleep(1)  # accepted by the web workers by now
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/login", timeout=10) as page:
            assert page.status == 200
        assert time.monotonic() - started < 2
    finally:
        for sock in idle:
            sock.close()


def test_make_run_sends_pages_compressed(dev_server):
    base, _ = dev_server
    request = urllib.request.Request(f"{base}/login", headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request, timeout=10) as page:
        assert page.headers["Content-Encoding"] == "br"
        assert "<html" in brotli.decompress(page.read()).decode()


def _post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def test_a_newcomer_registers_on_make_run_with_the_code_shown_at_dev_messages(dev_server):
    base, folder = dev_server
    phone = "13987654321"

    asked = _post_json(f"{base}/api/v1/auth/verification-codes", {"phone": phone, "purpose": "register"})
    deadline, code = time.monotonic() + 30, None
    while code is None and time.monotonic() < deadline:  # the worker sends it through the development sender
        with urllib.request.urlopen(f"{base}/dev/messages.json", timeout=10) as listing:
            items = json.loads(listing.read())["items"]
        found = [re.search(r"\d{6}", m["text"]) for m in items if m["channel"] == "sms" and m["to"].endswith(phone)]
        code = found[0].group(0) if found and found[0] else None
        time.sleep(0.3)
    registered = _post_json(
        f"{base}/api/v1/auth/register", {"phone": phone, "name": "新志愿者", "password": "Shenzhen-2020!", "code": code}
    )

    assert asked == (202, {"expires_in": 300})
    assert code is not None, "the code never appeared at /dev/messages"
    assert registered[0] == 201
    assert "/dev/messages" in (folder / "dev.log").read_text()  # the banner says where to read it
