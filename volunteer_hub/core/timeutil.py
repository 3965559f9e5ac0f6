"""Times are stored in UTC and shown in the configured zone (Asia/Shanghai by default)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def now() -> datetime:
    return datetime.now(UTC)


def to_local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


def local_to_utc(day: date, at: time) -> datetime:
    """A wall-clock time in the configured zone, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC."""
    start = local_to_utc(day, time(0, 0))
    return start, local_to_utc(day + timedelta(days=1), time(0, 0))


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with the local offset, as the API promises."""
    return to_local(value).isoformat() if value else None
