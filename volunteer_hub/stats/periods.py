"""Reporting periods: a local day, an ISO week (Monday to Sunday), a calendar month or a custom range.

Tallies keep minutes per day but volunteers per month, so a period also knows which whole months it covers
and which days at its ends fall outside them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from volunteer_hub.core.timeutil import local_to_utc

KINDS = ("day", "week", "month", "custom")
# Periods longer than this trend by month: a year is 12 points and rows, not 365.
TREND_DAYS_MAX = 62


def as_date(value) -> date:
    """A date from a date column (SQLite returns computed dates as ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after day's month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Period:
    kind: str  # one of KINDS
    start: date
    end: date  # inclusive

    @classmethod
    def around(cls, kind: str, anchor: date) -> "Period":
        """The day, week or month that contains anchor."""
        if kind == "day":
            return cls(kind, anchor, anchor)
        if kind == "week":
            monday = anchor - timedelta(days=anchor.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        first = month_start(anchor)
        return cls("month", first, next_month(first) - timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    @property
    def trend_unit(self) -> str:
        """ "day" for periods up to two months, else "month"."""
        return "day" if self.days <= TREND_DAYS_MAX else "month"

    def trend_points(self) -> list[date]:
        """Where each point of the trend starts: every day, or the first of every month the period touches."""
        return self.dates() if self.trend_unit == "day" else self.months()

    def months(self) -> list[date]:
        """First days of every calendar month the period touches, whole or in part."""
        months, first = [], month_start(self.start)
        while first <= self.end:
            months.append(first)
            first = next_month(first)
        return months

    def shifted(self, step: int) -> "Period":
        """The previous (step -1) or next (+1) day, week or month."""
        if self.kind == "month":
            anchor = next_month(self.start) if step > 0 else month_start(self.start - timedelta(days=1))
            return Period.around("month", anchor)
        length = timedelta(days=self.days * step)
        return Period(self.kind, self.start + length, self.end + length)

    @property
    def navigable(self) -> bool:
        return self.kind != "custom"

    def whole_months(self) -> list[date]:
        """First days of the calendar months lying entirely inside the period."""
        months, first = [], month_start(self.start)
        if first < self.start:
            first = next_month(first)
        while next_month(first) - timedelta(days=1) <= self.end:
            months.append(first)
            first = next_month(first)
        return months

    def edges(self) -> list[tuple[date, date]]:
        """Inclusive day ranges of the period outside its whole months; each lies within one month."""
        months = self.whole_months()
        if not months:
            ranges, day = [], self.start
            while day <= self.end:  # a period inside one month, or spanning the end of one and start of the next
                last = min(self.end, next_month(day) - timedelta(days=1))
                ranges.append((day, last))
                day = last + timedelta(days=1)
            return ranges
        ranges = []
        if self.start < months[0]:
            ranges.append((self.start, months[0] - timedelta(days=1)))
        after = next_month(months[-1])
        if after <= self.end:
            ranges.append((after, self.end))
        return ranges

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC of the period's local days (shifts count on the local day they start)."""
        return local_to_utc(self.start, time(0, 0)), local_to_utc(self.end + timedelta(days=1), time(0, 0))
