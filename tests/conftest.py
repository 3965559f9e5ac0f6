"""Shared fixtures: one app per session on a real database (SQLite or TEST_DATABASE_URL) and a real Redis
(embedded, or TEST_REDIS_URL); every test starts from empty tables and an empty Redis database."""

import itertools
import logging
import os
import re
import shutil
import socket
from datetime import date, timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade

# Processes the tests start (workers, gunicorn) on PostgreSQL must name an SMS sender; the development one keeps
# what would have been sent. Tests of the real senders set their own.
os.environ.setdefault("SMS_SENDER", "dev")

from volunteer_hub import create_app
from volunteer_hub.accounts import tokens
from volunteer_hub.accounts.models import User
from volunteer_hub.accounts.passwords import hash_password
from volunteer_hub.config import normalise_database_url
from volunteer_hub.core import redis as embedded_redis
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation, RoleGrant
from volunteer_hub.tasks.models import Shift, Task

PASSWORD = "Volunteer2020"
SHENZHEN = (22.5431, 114.0579)
ADULT = date(1990, 1, 1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'sqlite'}; redis: " + (
        os.environ.get("TEST_REDIS_URL") or "embedded"
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    yield embedded_redis.start_embedded(str(tmp_path_factory.mktemp("redis")))
    embedded_redis.stop_embedded()


def _reset_schema(url: str) -> None:
    """Start from an empty database so the schema comes only from the migrations."""
    if url.startswith("sqlite"):
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, redis_url, tmp_path_factory):
    _reset_schema(database_url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            # Cheap hashes keep the suite fast; production uses argon2-cffi's RFC 9106 defaults.
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 1024,
            "ARGON2_PARALLELISM": 1,
            # Lists read the database every time, so a test sees what it just wrote; tests/tasks/test_nearby_cache.py
            # covers the cache itself.
            "NEARBY_CACHE_SECONDS": 0,
        }
    )
    with app.app_context():
        upgrade()
        if db.engine.dialect.name == "sqlite":
            db.engine.dispose()
            shutil.copyfile(_sqlite_file(app), _sqlite_file(app).with_suffix(".template"))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Every test begins with empty tables and an empty Redis database.

    PostgreSQL: TRUNCATE (it bypasses the append-only triggers of the ledger). SQLite: a copy of the freshly
    migrated database file replaces the used one.
    """
    yield
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = [t.name for t in reversed(db.metadata.sorted_tables)]
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            _restore_sqlite(app)
    redis.Redis.from_url(app.config["REDIS_URL"]).flushdb()


def _sqlite_file(app) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def _restore_sqlite(app) -> None:
    db.engine.dispose()  # the last connection to close checkpoints and removes the WAL
    path = _sqlite_file(app)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path.with_suffix(".template"), path)


@pytest.fixture(autouse=True)
def _no_logged_errors(request, caplog):
    """A logged error is a failure unless the test says it expects one (@pytest.mark.logs_errors)."""
    yield
    if request.node.get_closest_marker("logs_errors") is None:
        errors = [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
        assert not errors, f"errors were logged: {errors}"


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


_phones = itertools.count(13800000000)
_password_hash = {}


@pytest.fixture
def make_user(app):
    """make_user(name=..., lat=..., lon=..., skills=[...], is_admin=...) -> User (committed).

    Users are adults unless a test says otherwise (birth_date=None or a date): night shifts need an adult, and
    a shift some hours from now may fall in the night. Their numbers are verified unless phone_verified_at=None."""

    def factory(name=None, *, phone=None, skills=(), **fields):
        with app.app_context():
            if "hash" not in _password_hash:
                _password_hash["hash"] = hash_password(PASSWORD)
            number = next(_phones)
            fields.setdefault("birth_date", ADULT)
            fields.setdefault("phone_verified_at", now())
            user = User(
                phone=phone or f"+86{number}",
                name=name or f"志愿者{number % 1000}",
                password_hash=_password_hash["hash"],
                **fields,
            )
            user.skills = list(skills)
            db.session.add(user)
            db.session.flush()
            # A column default replaces an explicit None on INSERT: "no quiet hours" is written afterwards.
            unset = {
                name: None for name in ("quiet_start_min", "quiet_end_min") if name in fields and fields[name] is None
            }
            if unset:
                db.session.execute(sa.update(User).where(User.id == user.id).values(**unset))
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def make_org(app):
    """make_org(name, kind="community", parent=None, lat=..., lon=...) -> Organisation (committed)."""

    def factory(name="民治社区", kind="community", parent=None, *, lat=SHENZHEN[0], lon=SHENZHEN[1], **fields):
        with app.app_context():
            org = Organisation(
                name=name, kind=kind, parent_id=parent.id if parent else None, lat=lat, lon=lon, **fields
            )
            db.session.add(org)
            db.session.flush()
            org.path = f"{parent.path if parent else '/'}{org.id}/"
            db.session.commit()
            db.session.refresh(org)
            db.session.expunge(org)
            return org

    return factory


@pytest.fixture
def grant(app):
    """grant(user, org, role="organizer") gives user a role on org."""

    def factory(user, org, role="organizer"):
        with app.app_context():
            db.session.add(RoleGrant(user_id=user.id, org_id=org.id, role=role))
            db.session.commit()

    return factory


@pytest.fixture
def make_task(app, make_org, make_user):
    """make_task(org=None, shifts=[(start_in, hours, capacity)], ...) -> Task with shifts (committed).

    Shift starts are given as timedeltas from now, so tests read as 'a shift in 2 hours for 5 people'.
    """

    def factory(
        org=None,
        *,
        shifts=((timedelta(days=1), 4, 5),),
        lat=SHENZHEN[0],
        lon=SHENZHEN[1],
        title="东门卡口值守",
        type="checkpoint",
        skills=(),
        created_by=None,
        **fields,
    ):
        org = org or make_org()
        creator = created_by or make_user("组织者")
        with app.app_context():
            task = Task(
                org_id=org.id,
                title=title,
                type=type,
                lat=lat,
                lon=lon,
                created_by_id=creator.id,
                address=fields.pop("address", "民治街道东门"),
                **fields,
            )
            task.required_skills = list(skills)
            current = now()
            task.shifts = [
                Shift(
                    starts_at=current + start_in, ends_at=current + start_in + timedelta(hours=hours), capacity=capacity
                )
                for start_in, hours, capacity in shifts
            ]
            task.refresh_schedule()
            db.session.add(task)
            db.session.commit()
            task = db.session.get(Task, task.id)
            _ = [s.id for s in task.shifts], task.org, task.skill_rows
            db.session.expunge_all()
            return task

    return factory


@pytest.fixture
def login(client, app):
    """login(user) logs the test client in through the real login form."""

    def do_login(user, test_client=None):
        test_client = test_client or client
        token = csrf_token(test_client)
        response = test_client.post("/login", data={"phone": user.phone[3:], "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return test_client

    return do_login


@pytest.fixture
def api_token(app):
    """api_token(user) -> a bearer token for the JSON API."""

    def issue(user):
        with app.app_context():
            fresh = db.session.get(User, user.id)
            raw = tokens.issue(fresh, tokens.API)
            db.session.commit()
            return raw

    return issue


class Api:
    """A thin JSON client: api.post('/tasks', json=..., token=...) against /api/v1."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, *, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


def english(test_client):
    """Make a test client read the pages in English (assertions survive the Chinese translation)."""
    test_client.set_cookie("lang", "en")
    return test_client


@pytest.fixture
def new_client(app):
    """Another browser: a fresh English test client."""
    return lambda: english(app.test_client())


@pytest.fixture
def api(client):
    return Api(client)


_CODE = re.compile(r"\b(\d{6})\b")


def read_code(app, phone: str) -> str | None:
    """The newest code SMS sent to ``phone``, as its holder reads it: the queued sending jobs are run by a real RQ
    worker (burst mode), then the development viewer /dev/messages.json is read."""
    from rq import Queue

    from volunteer_hub.accounts.phones import normalise_mobile
    from volunteer_hub.core.queue import DEFAULT_QUEUE
    from volunteer_hub.worker import AppWorker

    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    worker = AppWorker([Queue(DEFAULT_QUEUE, connection=connection)], connection=connection)
    worker.app = app
    worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
    connection.close()
    number = normalise_mobile(phone) or phone
    items = app.test_client().get("/dev/messages.json").get_json()["items"]
    for item in items:
        if item["channel"] == "sms" and item["to"] == number:
            return _CODE.search(item["text"]).group(1)
    return None


@pytest.fixture
def sms_code(app):
    """sms_code(phone, purpose="register") -> the code sent to phone: asked for over the API, read as read_code."""

    def ask(phone: str, purpose: str = "register") -> str:
        body = {"phone": phone, "purpose": purpose}
        response = app.test_client().post("/api/v1/auth/verification-codes", json=body)
        assert response.status_code == 202, response.get_json()
        code = read_code(app, phone)
        assert code, f"no {purpose} code reached {phone}"
        return code

    return ask


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(test_client, page="/login") -> str:
    """The CSRF token of the client's session, read from a real form."""
    html = test_client.get(page).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)
