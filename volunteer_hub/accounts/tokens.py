"""Web login sessions and API bearer tokens: random secrets of which only a SHA-256 digest is stored."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from volunteer_hub.accounts.models import AuthToken, User
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db

SESSION = "session"
API = "api"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user: User, kind: str) -> str:
    """Add a new token for user (the caller commits) and return its secret."""
    days = current_app.config["SESSION_TOKEN_DAYS" if kind == SESSION else "API_TOKEN_DAYS"]
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(user_id=user.id, kind=kind, token_hash=_digest(raw), expires_at=now() + timedelta(days=days))
    )
    user.login_token = raw
    return raw


# Built once: this runs on every authenticated request. It reads no user columns: most requests on the hot paths
# (the nearby list, a claim) need none or only a few of them.
_tokens, _users = AuthToken.__table__, User.__table__
_TOKEN = (
    sa.select(_tokens.c.user_id, _users.c.active)
    .join(_users, _users.c.id == _tokens.c.user_id)
    .where(
        _tokens.c.token_hash == sa.bindparam("digest"),
        _tokens.c.kind == sa.bindparam("kind"),
        _tokens.c.expires_at > sa.bindparam("now"),
    )
)


def user_for(raw: str | None, kind: str) -> User | None:
    """The active user holding this unexpired token, or None. The user's row is loaded when the request first
    reads it (a claim reads only what it needs, with its row lock)."""
    if not raw or len(raw) > 100:
        return None
    row = db.session.connection().execute(_TOKEN, {"digest": _digest(raw), "kind": kind, "now": now()}).one_or_none()
    if row is None or not row.active:
        return None
    user = _unloaded_user(row.user_id)
    user.login_token = raw
    return user


def bearer_user() -> User | None:
    """The user of the request's API bearer token, or None; looked up once, when first asked (a request that
    needs neither the user nor their language, such as the nearby list, costs no lookup)."""
    if "api_user" not in g:
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        g.api_user = user_for(raw.strip(), API) if scheme.lower() == "bearer" else None
    return g.api_user


def _unloaded_user(user_id: int) -> User:
    """The session's User with this id, without a query: its columns load on first read."""
    user = db.session.identity_map.get(identity_key(User, user_id))
    if user is None:
        user = User(id=user_id)
        make_transient_to_detached(user)
        db.session.add(user)
    return user


def token_id(raw: str | None) -> int | None:
    """The id of the session or token row behind this secret (what belongs to one login, e.g. a browser's push
    subscription, is tied to it and goes with it), or None."""
    if not raw:
        return None
    return db.session.execute(sa.select(AuthToken.id).where(AuthToken.token_hash == _digest(raw))).scalar_one_or_none()


def revoke(raw: str) -> None:
    db.session.execute(sa.delete(AuthToken).where(AuthToken.token_hash == _digest(raw)))


def revoke_all(user: User) -> None:
    db.session.execute(sa.delete(AuthToken).where(AuthToken.user_id == user.id))
