"""One-time codes that prove a person holds a mobile number: 6 random digits, valid 5 minutes and 5 tries, one live
code per number and purpose (a new request replaces the old one), consumed by their first successful use.

Only a keyed digest is stored: HMAC-SHA256 under the app's SECRET_KEY over purpose, number and code. A plain hash of
one of a million codes would be reversed in milliseconds by whoever reads a backup; without the key it cannot be.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer_hub.accounts.models import VerificationCode
from volunteer_hub.core.db import updated_rows
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db

REGISTER, RESET, LOGIN, CHANGE_PHONE = "register", "reset", "login", "change_phone"
PURPOSES = (REGISTER, RESET, LOGIN, CHANGE_PHONE)
DIGITS = 6
TTL_S = 300
MAX_TRIES = 5


def _digest(phone: str, purpose: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def issue(phone: str, purpose: str) -> tuple[int, str]:
    """Replace the live code of (phone, purpose) by a fresh one; returns (row id, the code). The caller commits and
    hands the code to the sender, which is the only place it exists in plain text."""
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    db.session.execute(
        sa.delete(VerificationCode).where(VerificationCode.phone == phone, VerificationCode.purpose == purpose)
    )
    row = VerificationCode(
        phone=phone,
        purpose=purpose,
        code_hash=_digest(phone, purpose, code),
        attempts=0,
        created_at=now(),
        expires_at=now() + timedelta(seconds=TTL_S),
    )
    db.session.add(row)
    db.session.flush()
    return row.id, code


def _live(phone: str, purpose: str) -> VerificationCode | None:
    return db.session.execute(
        sa.select(VerificationCode).where(
            VerificationCode.phone == phone,
            VerificationCode.purpose == purpose,
            VerificationCode.expires_at > now(),
            VerificationCode.attempts < MAX_TRIES,
        )
    ).scalar_one_or_none()


def live_id(phone: str, purpose: str, code: str) -> int | None:
    """The id of the live code when ``code`` is it, without using a try (the sending job asks: still worth it?)."""
    row = _live(phone, purpose)
    if row is None or not hmac.compare_digest(row.code_hash, _digest(phone, purpose, code)):
        return None
    return row.id


def check(phone: str, purpose: str, code: str | None) -> int | None:
    """The id of the live code when ``code`` matches it (not consumed yet: see consume). A wrong code uses up one of
    the code's tries, committed at once so that failing requests count; after MAX_TRIES the code is dead."""
    if not code:
        return None
    row = _live(phone, purpose)
    if row is None:
        return None
    if hmac.compare_digest(row.code_hash, _digest(phone, purpose, str(code).strip())):
        return row.id
    db.session.execute(
        sa.update(VerificationCode)
        .where(VerificationCode.id == row.id, VerificationCode.attempts < MAX_TRIES)
        .values(attempts=VerificationCode.attempts + 1)
    )
    db.session.commit()
    return None


def consume(code_id: int) -> bool:
    """Use the code up in the caller's transaction; False when another request used it first."""
    return updated_rows(db.session.execute(sa.delete(VerificationCode).where(VerificationCode.id == code_id))) == 1
