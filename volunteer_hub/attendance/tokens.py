"""The rotating check-in code an organizer shows on site: a signed, expiring token naming one shift.

The token is an itsdangerous URLSafeTimedSerializer value (HMAC with SECRET_KEY and its own salt), so it cannot
be forged or moved to another shift, and it expires CHECKIN_TOKEN_TTL_S seconds after it was issued.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from volunteer_hub.core.errors import Conflict, NotAllowed, ValidationError

SALT = "vh-shift-checkin"
_INVALID = _l("This is not a valid check-in code. Scan the code the organizer shows on site.")


@dataclass(frozen=True)
class CheckinToken:
    token: str
    shift_id: int
    expires_at: datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _ttl() -> int:
    return current_app.config["CHECKIN_TOKEN_TTL_S"]


def issue(shift_id: int) -> CheckinToken:
    """A fresh token for the shift, valid for CHECKIN_TOKEN_TTL_S seconds."""
    serializer = _serializer()
    token = serializer.dumps(shift_id)
    _, issued = serializer.loads(token, return_timestamp=True)
    return CheckinToken(token, shift_id, issued + timedelta(seconds=_ttl()))


_EXPIRED = _l("This check-in code has expired. Ask the organizer to show the current code and scan it again.")


def read(token: str, at: datetime | None = None, skew: timedelta = timedelta(0)) -> int:
    """The shift id a token names; refuses expired (409 token_expired) and forged or damaged ones (400).

    ``at``: the phone's time of a scan queued offline; the code must have been valid then (issued no later than
    ``skew`` after it, expiring no earlier than it), however long ago that was.
    """
    if at is not None:
        return _read_at(token, at, skew)
    try:
        shift_id = _serializer().loads(token, max_age=_ttl())
    except SignatureExpired:
        raise Conflict(_EXPIRED, code="token_expired") from None
    except BadSignature:
        raise ValidationError(_INVALID, code="token_invalid") from None
    return shift_id


def _read_at(token: str, at: datetime, skew: timedelta) -> int:
    try:
        shift_id, issued = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise ValidationError(_INVALID, code="token_invalid") from None
    if not issued - skew <= at <= issued + timedelta(seconds=_ttl()):
        raise Conflict(_EXPIRED, code="token_expired")
    return shift_id


# --- the check-in page's token for actions queued offline ---

ACTION_SALT = "vh-offline-action"
# Long enough for a page opened before a 12-hour shift whose check-out is sent 12 hours late.
ACTION_TOKEN_TTL = timedelta(hours=36)
_ACTION_INVALID = _l("This page is too old to send what was saved on the phone. Open the check-in page again.")


def issue_action_token(user_id: int, claim_id: int) -> str:
    """A signed token for the check-in page to send actions queued offline for this volunteer's claim (it does
    the job of the CSRF token there, without expiring with the session: see docs-notes/offline.md)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACTION_SALT).dumps([user_id, claim_id])


def check_action_token(token: str | None, user_id: int, claim_id: int) -> None:
    """403 offline_token_invalid unless the token was issued for this user and claim in the last
    ACTION_TOKEN_TTL."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACTION_SALT)
    try:
        named = serializer.loads(token or "", max_age=int(ACTION_TOKEN_TTL.total_seconds()))
    except BadSignature:
        named = None
    if named != [user_id, claim_id]:
        raise NotAllowed(_ACTION_INVALID, code="offline_token_invalid")
