"""Web login sessions and API bearer tokens: random secrets of which only a SHA-256 digest is stored."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

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


# Built once: this runs on every authenticated request.
_USER_BY_TOKEN = (
    sa.select(User)
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(
        AuthToken.token_hash == sa.bindparam("digest"),
        AuthToken.kind == sa.bindparam("kind"),
        AuthToken.expires_at > sa.bindparam("now"),
    )
)


def user_for(raw: str | None, kind: str) -> User | None:
    """The active user holding this unexpired token, or None."""
    if not raw or len(raw) > 100:
        return None
    user = db.session.execute(
        _USER_BY_TOKEN, {"digest": _digest(raw), "kind": kind, "now": now()}
    ).scalar_one_or_none()
    if user is None or not user.active:
        return None
    user.login_token = raw
    return user


def revoke(raw: str) -> None:
    db.session.execute(sa.delete(AuthToken).where(AuthToken.token_hash == _digest(raw)))


def revoke_all(user: User) -> None:
    db.session.execute(sa.delete(AuthToken).where(AuthToken.user_id == user.id))
