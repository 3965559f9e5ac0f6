"""A process of a multi-process deployment (any database but SQLite) never starts its own Redis or makes up
its own secret key: without REDIS_URL or SECRET_KEY it refuses to start and names what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from volunteer_hub import create_app
from volunteer_hub.config import MissingSetting

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Nothing listens there: the process must give up before it ever needs the database.
POSTGRES = "postgresql://postgres@127.0.0.1:9/volunteer_hub"


def _start(command, **settings):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SECRET_KEY", "DATABASE_URL")}
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "DATABASE_URL": POSTGRES, **settings},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=20)
    finally:
        process.kill()  # still serving after 20 s: the test fails on the return code below
        process.wait()
    return process.returncode, output


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({"SECRET_KEY": "shared"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:9/0"}, "SECRET_KEY"),
    ],
)
def test_gunicorn_on_postgresql_refuses_to_start_without_a_shared_setting(settings, missing):
    code, output = _start([BIN / "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0", "wsgi:app"], **settings)

    assert code != 0
    assert f"{missing} must be set" in output


@pytest.mark.parametrize("process", ["worker", "scheduler"])
def test_background_processes_on_postgresql_refuse_to_start_without_redis_and_secret(process):
    code, output = _start([BIN / "flask", "--app", "wsgi", process])

    assert code != 0
    assert "REDIS_URL and SECRET_KEY must be set" in output


def test_a_configured_app_on_postgresql_starts_with_both_settings(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(MissingSetting, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": POSTGRES, "REDIS_URL": "redis://127.0.0.1:9/0"})

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": POSTGRES, "REDIS_URL": "redis://127.0.0.1:9/0", "SECRET_KEY": "shared"}
    )
    assert app.config["SECRET_KEY"] == "shared"


def test_an_app_on_postgresql_refuses_to_start_without_an_sms_sender(monkeypatch):
    """The development SMS sender publishes every login code at /dev/messages: never a default off SQLite."""
    monkeypatch.delenv("SMS_SENDER", raising=False)
    shared = {"SQLALCHEMY_DATABASE_URI": POSTGRES, "REDIS_URL": "redis://127.0.0.1:9/0", "SECRET_KEY": "shared"}
    with pytest.raises(MissingSetting, match="SMS_SENDER must be set"):
        create_app(shared)

    assert create_app({**shared, "SMS_SENDER": "dev"}).config["EMAIL_SENDER"] == "none"
