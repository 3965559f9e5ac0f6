"""Password hashing (Argon2id) and the minimum-strength rule."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 2  # zxcvbn: 0 too guessable .. 4 very unguessable


def _hasher() -> PasswordHasher:
    """argon2-cffi's defaults follow RFC 9106's low-memory profile; tests may lower the cost by config."""
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg.get("ARGON2_TIME_COST", 3),
        memory_cost=cfg.get("ARGON2_MEMORY_KIB", 65536),
        parallelism=cfg.get("ARGON2_PARALLELISM", 4),
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """(matches, upgraded hash or None). Older hashes (other parameters, Werkzeug scrypt/pbkdf2) are upgraded."""
    hasher = _hasher()
    if stored_hash.startswith("$argon2"):
        try:
            hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False, None
        return True, (hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None)
    if check_password_hash(stored_hash, password):
        return True, hasher.hash(password)
    return False, None


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()):
    """A localized message saying why the password is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    if zxcvbn(password, user_inputs=[u for u in user_inputs if u])["score"] < MIN_SCORE:
        return _l("This password is too easy to guess. Add more words, digits or symbols.")
    return None
