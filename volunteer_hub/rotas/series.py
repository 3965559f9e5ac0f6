"""A shift series: a daily pattern of slots ("08:00"-"16:00", 2 places) laid over a range of local dates.

Times are wall-clock times in the configured zone (Asia/Shanghai, which has no daylight saving time). An end at
or before the start means the next day, and "24:00" is midnight at the end of the day.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.timeutil import local_to_utc, now
from volunteer_hub.tasks.models import MAX_CAPACITY, MAX_SHIFTS_PER_TASK
from volunteer_hub.tasks.rules import MAX_SHIFT_LENGTH, shift_too_long

MAX_DAYS = 62
MAX_SLOTS = 6
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Slot:
    """One daily slot: start and end as minutes after local midnight (end > start; up to 48 h for a next day)."""

    start_min: int
    end_min: int
    capacity: int

    def span(self, day: date) -> tuple[datetime, datetime]:
        """[start, end) of this slot on a local date, in UTC."""
        midnight = datetime.combine(day, time(0, 0))
        starts, ends = midnight + timedelta(minutes=self.start_min), midnight + timedelta(minutes=self.end_min)
        return local_to_utc(starts.date(), starts.time()), local_to_utc(ends.date(), ends.time())

    def as_pattern(self) -> dict:
        end = self.end_min % 1440 if self.end_min != 1440 else 1440
        return {"start": _clock(self.start_min), "end": _clock(end), "capacity": self.capacity}


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_minutes(value) -> int | None:
    """Minutes after midnight of "HH:MM" (00:00 to 24:00), or None when it is not such a time."""
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    minutes = int(match[1]) * 60 + int(match[2])
    return minutes if minutes <= 1440 else None


def parse_daily(daily, errors: dict) -> list[Slot]:  # noqa: C901 -- one branch per field, all errors at once
    """The slots of a daily pattern, adding per-field messages (daily.<i>.start/end/capacity) to errors."""
    if not isinstance(daily, list) or not daily:
        errors["daily"] = _l("Add at least one daily shift.")
        return []
    if len(daily) > MAX_SLOTS:
        errors["daily"] = _l("A day has at most %(n)d shifts.", n=MAX_SLOTS)
        return []
    slots: list[Slot] = []
    for index, row in enumerate(daily):
        prefix = f"daily.{index}."
        row = row if isinstance(row, dict) else {}
        start, end = clock_minutes(row.get("start")), clock_minutes(row.get("end"))
        capacity = row.get("capacity")
        if start is None or start == 1440:
            errors[f"{prefix}start"] = _l("Enter the start as HH:MM, from 00:00 to 23:59.")
        if end is None:
            errors[f"{prefix}end"] = _l("Enter the end as HH:MM, from 00:00 to 24:00.")
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
            errors[f"{prefix}capacity"] = _l("Places must be a whole number from 1 to %(n)d.", n=MAX_CAPACITY)
        if start is None or start == 1440 or end is None or f"{prefix}capacity" in errors:
            continue
        if end <= start:
            end += 1440  # ends the next day
        slot = Slot(start, end, cast(int, capacity))  # checked above
        if timedelta(minutes=end - start) > MAX_SHIFT_LENGTH:
            errors[f"{prefix}end"] = shift_too_long()
            continue
        if any((s.start_min, s.end_min) == (slot.start_min, slot.end_min) for s in slots):
            errors[f"{prefix}start"] = _l("This shift is already in the pattern; raise its places instead.")
            continue
        slots.append(slot)
    return slots


def check_dates(from_date, to_date, errors: dict) -> None:
    """A range of 1 to MAX_DAYS local dates, first date not after the last."""
    if not isinstance(from_date, date):
        errors["from_date"] = _l("Enter the first date.")
    if not isinstance(to_date, date):
        errors["to_date"] = _l("Enter the last date.")
    if isinstance(from_date, date) and isinstance(to_date, date):
        if to_date < from_date:
            errors["to_date"] = _l("The last date must not be before the first.")
        elif (to_date - from_date).days + 1 > MAX_DAYS:
            errors["to_date"] = _l("A series covers at most %(n)d days.", n=MAX_DAYS)


def expand(from_date: date, to_date: date, slots: list[Slot]) -> list[tuple[datetime, datetime, int]]:
    """(starts_at, ends_at, capacity) of every shift of the series, in UTC, in time order."""
    days = [from_date + timedelta(days=n) for n in range((to_date - from_date).days + 1)]
    return sorted((*slot.span(day), slot.capacity) for day in days for slot in slots)


def plan(from_date, to_date, daily, existing_shifts: int) -> tuple[list[Slot], list[tuple], dict]:
    """Validate a series request and lay out its shifts: (slots, shifts, per-field errors)."""
    errors: dict = {}
    check_dates(from_date, to_date, errors)
    slots = parse_daily(daily, errors)
    if errors:
        return [], [], errors
    shifts = expand(from_date, to_date, slots)
    if shifts[0][0] <= now():
        errors["from_date"] = _l("Shifts of this date have already started; start the series later.")
    elif existing_shifts + len(shifts) > MAX_SHIFTS_PER_TASK:
        errors["to_date"] = _l(
            "A task has at most %(n)d shifts: this series would add %(num)d to its %(has)d.",
            n=MAX_SHIFTS_PER_TASK,
            num=len(shifts),
            has=existing_shifts,
        )
    return slots, shifts, errors
