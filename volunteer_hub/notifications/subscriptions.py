"""The browsers a person receives Web Push on: subscribe (or refresh) one, forget one.

The server will post to whatever endpoint a browser hands over, so an endpoint must look like a push service's:
https, a host name (not an IP address, ``localhost`` or a local name) and no credentials. Only with
PUSH_ALLOW_LOOPBACK (tests, a push server run locally) may it be a loopback address, over http or https.
"""

import ipaddress
from urllib.parse import urlsplit

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from volunteer_hub.accounts import tokens
from volunteer_hub.core.db import is_sqlite, updated_rows
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging.push import b64url, b64url_decode
from volunteer_hub.notifications.models import PushSubscription

MAX_PER_USER = 10  # a phone, a tablet, a computer or two: the oldest is forgotten past this
ENDPOINT_MAX = 1000  # the column's length
AUTH_BYTES = 16  # RFC 8291: the auth secret is 16 bytes
_LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa")


def push_available() -> bool:
    """Whether this deployment has a VAPID key, i.e. the push channel (see config.vapid_keys)."""
    return bool(current_app.config["VAPID_PRIVATE_KEY"])


def subscribe(user, endpoint, p256dh, auth, *, user_agent: str | None = None) -> PushSubscription:
    """Keep the browser subscription ``endpoint`` for ``user``; returns it. Subscribing the same endpoint again
    refreshes its keys, and moves it to ``user`` when someone else had it (the browser now belongs to whoever
    subscribed last). It belongs to the login that subscribed it and ends with it (logout, password change).
    Past MAX_PER_USER the subscription subscribed or refreshed longest ago is forgotten."""
    if not push_available():
        raise Conflict(_l("This site does not send push notifications."), code="push_unavailable")
    endpoint, p256dh, auth = _checked(endpoint, p256dh, auth)
    values = {
        "user_id": user.id,
        "auth_token_id": tokens.token_id(user.login_token),
        "p256dh": p256dh,
        "auth": auth,
        "user_agent": (user_agent or "")[:200] or None,
    }
    insert = sqlite.insert if is_sqlite(db.session) else postgresql.insert
    statement = insert(PushSubscription).values(endpoint=endpoint, created_at=now(), **values)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["endpoint"], set_={**values, "last_used_at": now()})
    )
    subscription = db.session.execute(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).scalar_one()
    _forget_oldest(user.id, keep=subscription.id)
    db.session.commit()
    return subscription


def unsubscribe(user, subscription_id: int) -> None:
    """Forget one of the person's browsers; anyone else's answers NotFound, as an unknown id does."""
    deleted = updated_rows(
        db.session.execute(
            sa.delete(PushSubscription).where(
                PushSubscription.id == subscription_id, PushSubscription.user_id == user.id
            )
        )
    )
    db.session.commit()
    if not deleted:
        raise NotFound(_l("No such push subscription."))


def list_for(user) -> list[PushSubscription]:
    return list(
        db.session.execute(
            sa.select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.id)
        ).scalars()
    )


def _forget_oldest(user_id: int, *, keep: int) -> None:
    ids = list(
        db.session.execute(
            sa.select(PushSubscription.id)
            .where(PushSubscription.user_id == user_id, PushSubscription.id != keep)
            .order_by(
                sa.func.coalesce(PushSubscription.last_used_at, PushSubscription.created_at).desc(),
                PushSubscription.id.desc(),
            )
            .offset(MAX_PER_USER - 1)
        ).scalars()
    )
    if ids:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(ids)))


def _checked(endpoint, p256dh, auth) -> tuple[str, str, str]:
    """The subscription in canonical form (keys as unpadded base64url), or ValidationError naming the fields."""
    errors = {}
    message = endpoint_error(endpoint)
    if message:
        errors["endpoint"] = message
    try:
        raw = b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        if len(raw) != 65:
            raise ValueError("not an uncompressed point")
        p256dh = b64url(raw)
    except (ValueError, TypeError, AttributeError):
        errors["keys.p256dh"] = _l("Not a P-256 public key (65 bytes, base64url).")
    try:
        raw = b64url_decode(auth)
        if len(raw) != AUTH_BYTES:
            raise ValueError("wrong length")
        auth = b64url(raw)
    except (ValueError, TypeError, AttributeError):
        errors["keys.auth"] = _l("Not an authentication secret (16 bytes, base64url).")
    if errors:
        raise ValidationError(fields=errors)
    return endpoint, p256dh, auth


def endpoint_error(endpoint) -> str | None:
    """Why ``endpoint`` cannot be a push service's address, or None."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > ENDPOINT_MAX:
        return _l("Enter the subscription's endpoint (at most %(max)d characters).", max=ENDPOINT_MAX)
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").rstrip(".").lower()
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return _l("The endpoint is not a valid URL.")
    if current_app.config["PUSH_ALLOW_LOOPBACK"] and _is_loopback(host) and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https" or not host or parts.username or parts.password or not _plain(endpoint):
        return _l("The endpoint must be an https address of a push service.")
    if _is_ip(host) or "." not in host or host.endswith(_LOCAL_SUFFIXES) or not _allowed_service(host):
        return _l("The endpoint must be an https address of a push service.")
    return None


def _allowed_service(host: str) -> bool:
    """PUSH_SERVICE_HOSTS (when set) lists the push services' domains this deployment accepts."""
    allowed = current_app.config["PUSH_SERVICE_HOSTS"]
    return not allowed or any(host == domain or host.endswith("." + domain) for domain in allowed)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    return host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host.strip("[]")).is_loopback)


def _plain(text: str) -> bool:
    """No spaces or control characters (PostgreSQL refuses NUL; a URL has neither)."""
    return text.isprintable() and " " not in text
