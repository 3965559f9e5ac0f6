"""Configuration: safe defaults that run with nothing installed; environment variables override.

Tests and tools pass a mapping to ``create_app(config)`` which wins over both.
"""

import os
import secrets
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def database_url(instance_path: str) -> str:
    """The SQLAlchemy URL from DATABASE_URL (Heroku-style postgres:// accepted), else SQLite in instance/."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'volunteer_hub.db'}"
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/secret_key.

    The file is created exclusively so that several processes starting at once agree on one key.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load(instance_path: str) -> dict:
    """All settings, read from the environment at app creation."""
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # Empty means: start (or reuse) the embedded server, see core.redis.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ("zh", "en"),
        # Sessions: at most 30 days remembered, HttpOnly, SameSite=Lax; Secure is added per request
        # when served over HTTPS (see core.security).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
        "PERMANENT_SESSION_LIFETIME": 30 * 24 * 3600,
        "SESSION_TOKEN_DAYS": 30,
        "API_TOKEN_DAYS": _env_int("API_TOKEN_DAYS", 30),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session; forms are not timed
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 256 * 1024),
        # Behind a TLS-terminating proxy set TRUSTED_PROXIES=1 so X-Forwarded-Proto is honoured.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        # Throttling (Flask-Limiter on the same Redis; in-memory fallback while Redis is down).
        "LOGIN_LIMIT_PER_IP": os.environ.get("LOGIN_LIMIT_PER_IP", "20/minute;200/hour"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5/minute;30/hour"),
        "REGISTER_LIMIT_PER_IP": os.environ.get("REGISTER_LIMIT_PER_IP", "10/hour"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        # Domain knobs (units in the names).
        "NEARBY_RADIUS_KM": _env_float("NEARBY_RADIUS_KM", 5.0),
        "NEARBY_MAX_RADIUS_KM": _env_float("NEARBY_MAX_RADIUS_KM", 50.0),
        "NEARBY_PAGE_SIZE": _env_int("NEARBY_PAGE_SIZE", 20),
        # Only tests switch this off: the control run that proves the concurrency test can fail.
        "CLAIM_ATOMIC_GUARD": True,
        "SQLITE_BUSY_TIMEOUT_S": _env_float("SQLITE_BUSY_TIMEOUT_S", 30.0),
    }
