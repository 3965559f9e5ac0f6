"""The authorization matrix: every route of the app, asked by every role, lets through exactly the roles its
entry in authz_matrix.MATRIX names - and a route without an entry fails the suite.

Each route gets a fresh world (authz_world) and is requested once per role, least privileged first, pages by a
client logged in through the real form (with the CSRF token of its session), the API with a bearer token. A
refusal (401/403/404 DomainError) that a page flashes on its way to another page counts as denied, no answer may
be a 5xx, and a refused request that would change state must leave every table as it was.
"""

import re
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask import message_flashed

from tests.security.authz_matrix import DEFAULT_PARAMS, MATRIX
from tests.security.authz_world import ROLES, build, frozen_clock
from volunteer_hub.accounts import tokens
from volunteer_hub.accounts.models import User
from volunteer_hub.core.api import API_PREFIX
from volunteer_hub.core.errors import DomainError
from volunteer_hub.extensions import db

IGNORED_ENDPOINTS = {"static", "pages.asset"}  # files, not features
IGNORED_METHODS = {"HEAD", "OPTIONS"}
DENIED = {401, 403, 404}
UNWATCHED_TABLES = {"auth_tokens"}  # logging in and bearer lookups touch them
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def routes(app) -> dict:
    """(endpoint, method) -> the URL rule, for every route the matrix must cover."""
    return {
        (rule.endpoint, method): rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in IGNORED_ENDPOINTS
        for method in sorted(rule.methods - IGNORED_METHODS)
    }


def test_every_route_has_an_entry_in_the_matrix(app):
    missing = sorted(set(routes(app)) - set(MATRIX))

    assert not missing, f"add these routes to tests/security/authz_matrix.py: {missing}"


def test_every_entry_of_the_matrix_names_a_route(app):
    stale = sorted(set(MATRIX) - set(routes(app)))

    assert not stale, f"remove these entries from tests/security/authz_matrix.py: {stale}"


def _resolve(value, world):
    return value(world) if callable(value) else value


def _url(app, url_rule, method, rule, world, role) -> str:
    names = {**DEFAULT_PARAMS, **rule.params, **rule.role_params.get(role, {})}
    values = {arg: getattr(world, names[arg]) for arg in url_rule.arguments}
    path = app.url_map.bind("localhost").build(url_rule.endpoint, values, method=method)
    query = _resolve(rule.query, world)
    return f"{path}?{urlencode(query)}" if query else path


def _csrf(client) -> str:
    match = _CSRF.search(client.get("/login").get_data(as_text=True))
    assert match, "no CSRF token on /login"
    return match.group(1)


class Caller:
    """One role's way in: a page client logged in through the form, or a bearer token for the API."""

    def __init__(self, app, login, world, role, api: bool):
        self.client = app.test_client()
        self.headers = {}
        user = world.users.get(role)
        if user is not None and api:
            with app.app_context():
                self.headers["Authorization"] = f"Bearer {tokens.issue(db.session.get(User, user.id), tokens.API)}"
                db.session.commit()
        elif user is not None:
            login(user, self.client)

    def call(self, method, url, rule, world, api: bool):
        kwargs = {}
        if api and rule.json is not None:
            kwargs["json"] = _resolve(rule.json, world)
        elif not api and method != "GET":
            kwargs["data"] = {**(_resolve(rule.form, world) or {}), "csrf_token": _csrf(self.client)}
        return self.client.open(url, method=method, headers=self.headers, **kwargs)


@pytest.fixture
def refusals(app, monkeypatch):
    """Watches for a refusal (a 401/403/404 DomainError) that a page flashed instead of answering with it."""
    watch = RefusalWatch()
    original = DomainError.__init__

    def recording(error, *args, **kwargs):
        original(error, *args, **kwargs)
        if error.status in DENIED:
            watch.made.append(error)

    monkeypatch.setattr(DomainError, "__init__", recording)
    message_flashed.connect(watch.flashed, app)
    yield watch
    message_flashed.disconnect(watch.flashed, app)


class RefusalWatch:
    """Refusals the app made during one request, and whether one of them was flashed."""

    def __init__(self):
        self.made, self.refused = [], False

    def reset(self):
        self.made, self.refused = [], False

    def flashed(self, sender, message, category, **extra):
        self.refused = self.refused or any(str(error.message) == str(message) for error in self.made)


def admitted(response, flashed_refusal: bool) -> bool:
    """Authorization let the request through: not 401/403/404, not sent to the login page, and no refusal of
    that kind flashed on the way to another page."""
    if response.status_code in DENIED or flashed_refusal:
        return False
    if response.status_code in (301, 302, 303, 307, 308):
        return urlsplit(response.headers.get("Location", "")).path != "/login"
    return True


def _state(app) -> dict:
    """Every row of every table but the login tokens: a refused request must leave it as it was."""
    with app.app_context():
        state = {
            table.name: db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables
            if table.name not in UNWATCHED_TABLES
        }
        db.session.remove()
        return state


def _cases():
    for key in sorted(MATRIX):
        marks = [pytest.mark.xfail(strict=True, reason=MATRIX[key].xfail)] if MATRIX[key].xfail else []
        yield pytest.param(key, id=f"{key[0]} {key[1]}", marks=marks)


@pytest.mark.parametrize("key", list(_cases()))
def test_the_route_admits_exactly_its_roles(app, make_user, login, refusals, key):
    endpoint, method = key
    rule = MATRIX[key]
    url_rule = routes(app).get(key)
    assert url_rule is not None, f"{endpoint} {method} is not a route any more"
    api = url_rule.rule.startswith(API_PREFIX)
    seen = {}
    with frozen_clock() as traveller:
        world = build(app, make_user, traveller)
        for role in ROLES:
            url = _url(app, url_rule, method, rule, world, role)
            caller = Caller(app, login, world, role, api)
            watch_state = method != "GET" and role not in rule.allowed
            before = _state(app) if watch_state else None
            refusals.reset()
            response = caller.call(method, url, rule, world, api)
            assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"
            seen[role] = (
                response.status_code,
                response.headers.get("Location", ""),
                admitted(response, refusals.refused),
            )
            if watch_state:
                after = _state(app)
                changed = sorted(name for name in before if before[name] != after[name])
                assert not changed, f"{method} {url} as {role} ({response.status_code}) changed {changed}"

    through = {role for role, (_status, _location, through) in seen.items() if through}
    assert through == set(rule.allowed), (
        f"{method} {url}: let through {sorted(through)}, expected {sorted(rule.allowed)}; answers: {seen}"
    )
