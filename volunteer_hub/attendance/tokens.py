"""The rotating check-in code an organizer shows on site: a signed, expiring token naming one shift.

The token is an itsdangerous URLSafeTimedSerializer value (HMAC with SECRET_KEY and its own salt), so it cannot
be forged or moved to another shift, and it expires CHECKIN_TOKEN_TTL_S seconds after it was issued.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from volunteer_hub.core.errors import Conflict, ValidationError

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


def read(token: str) -> int:
    """The shift id a token names; refuses expired (409 token_expired) and forged or damaged ones (400)."""
    try:
        shift_id = _serializer().loads(token, max_age=_ttl())
    except SignatureExpired:
        raise Conflict(
            _l("This check-in code has expired. Ask the organizer to show the current code and scan it again."),
            code="token_expired",
        ) from None
    except BadSignature:
        raise ValidationError(_INVALID, code="token_invalid") from None
    return shift_id
