"""Reachability of the database and Redis, for /healthz and operators."""

import redis
import sqlalchemy as sa
from flask import current_app

from volunteer_hub.extensions import db


def check() -> dict:
    report = {"database": _database(), "redis": _redis()}
    report["ok"] = report["database"]["ok"] and report["redis"]["ok"]
    return report


def _database() -> dict:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return {"ok": True}
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _redis() -> dict:
    try:
        redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1).ping()
        return {"ok": True}
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}
