"""Helpers for the safety and lottery tests: a frozen Monday morning and shift starts in local hours."""

from datetime import UTC, date, datetime, timedelta

MONDAY_8AM = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)  # Monday 1 March 2027, 08:00 Asia/Shanghai
ADULT = date(1990, 5, 1)


def local(day: int, hour: float) -> timedelta:
    """The offset from the frozen now to day (0 = Monday) at hour o'clock Shanghai time, for make_task."""
    return timedelta(days=day, hours=hour - 8)
