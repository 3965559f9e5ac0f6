"""Shift figures per organisation and local day, and overdue records per organisation, kept for dashboards.

Unlike the ledger, shifts and claims change in place (claims, cancellations, attendance marks), so these
tallies are recomputed rather than added to: every REFRESH_S a recurring job recomputes the days from
WINDOW_PAST ago to WINDOW_AHEAD ahead (where sign-ups and attendance happen) and every overdue count, and once
a day every day. Dashboards read them and say when they were taken; `flask stats refresh-shift-tallies
[--all]` refreshes at once and `--verify` compares them with a fresh count.
"""

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.core.timeutil import local_zone, now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.hours import queries as hour_queries
from volunteer_hub.stats import tallies
from volunteer_hub.stats.models import OverdueTally, ShiftDayTally, TallyCursor
from volunteer_hub.stats.periods import Period, as_date
from volunteer_hub.tasks.models import Shift, Task, TaskStatus

CURSOR = "shifts"
REFRESH_S = 300
STALE_AFTER = timedelta(seconds=3 * REFRESH_S)  # older figures say that their recount is behind
WINDOW_PAST = timedelta(days=35)  # the recording deadline (10 working days) and its disputes, with room
WINDOW_AHEAD = timedelta(days=120)


@dataclass
class ShiftSums:
    shifts: int = 0  # offered (tasks not cancelled) starting in the period
    full: int = 0  # every place confirmed
    places: int = 0
    filled: int = 0
    marked: int = 0  # attendance recorded: present or no-show
    no_shows: int = 0

    def add(self, other: "ShiftSums") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def fill_rate(self) -> float | None:
        return self.filled / self.places if self.places else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.marked if self.marked else None


def refresh_window() -> None:
    """Recompute the days around today and every overdue count (the recurring job); every day the first time."""
    if as_of() is None:
        return refresh_all()
    today = to_local(now()).date()
    atomic(_refresh, today - WINDOW_PAST, today + WINDOW_AHEAD)


def refresh_all() -> None:
    """Recompute every day that has shifts, and every overdue count."""
    atomic(_refresh, *_all_days())


def as_of() -> datetime | None:
    """When the shift figures were last refreshed (None: never)."""
    return db.session.execute(sa.select(TallyCursor.updated_at).where(TallyCursor.name == CURSOR)).scalar()


def stored(org_ids: list[int], first: date, last: date) -> dict[int, ShiftSums]:
    """{organisation: ShiftSums} of the stored days first..last for the given organisations."""
    columns = [sa.func.sum(getattr(ShiftDayTally, name)) for name in ShiftSums.__dataclass_fields__]
    rows = db.session.execute(
        sa.select(ShiftDayTally.org_id, *columns)
        .where(ShiftDayTally.org_id.in_(org_ids), ShiftDayTally.day.between(first, last))
        .group_by(ShiftDayTally.org_id)
    ).all()
    return {org_id: ShiftSums(*(int(value or 0) for value in values)) for org_id, *values in rows}


def stored_overdue(org_ids: list[int]) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(OverdueTally.org_id, OverdueTally.records).where(OverdueTally.org_id.in_(org_ids))
        ).all()
    )


def count_days(first: date, last: date) -> dict[tuple[int, date], ShiftSums]:
    """{(organisation of the task, local day): ShiftSums} counted afresh from shifts and claims."""
    day = _local_day(Shift.starts_at)
    starts, ends = Period("custom", first, last).utc_bounds()
    in_range = (Task.status != TaskStatus.CANCELLED, Shift.starts_at >= starts, Shift.starts_at < ends)
    sums: dict[tuple[int, date], ShiftSums] = defaultdict(ShiftSums)
    for org_id, on, shifts, full, places, filled in db.session.execute(
        sa.select(
            Task.org_id,
            day,
            sa.func.count(Shift.id),
            sa.func.sum(sa.case((Shift.confirmed >= Shift.capacity, 1), else_=0)),
            sa.func.sum(Shift.capacity),
            sa.func.sum(Shift.confirmed),
        )
        .join(Task, Task.id == Shift.task_id)
        .where(*in_range)
        .group_by(Task.org_id, day)
    ):
        sums[(org_id, as_date(on))].add(ShiftSums(shifts, int(full), int(places), int(filled)))
    for org_id, on, marked, no_shows in db.session.execute(
        sa.select(
            Task.org_id,
            day,
            sa.func.count(Claim.id),
            sa.func.sum(sa.case((Claim.attendance == Attendance.NO_SHOW, 1), else_=0)),
        )
        .select_from(Claim)
        .join(Shift, Shift.id == Claim.shift_id)
        .join(Task, Task.id == Shift.task_id)
        .where(
            *in_range,
            Claim.status == ClaimStatus.CONFIRMED,
            Claim.attendance.in_((Attendance.PRESENT, Attendance.NO_SHOW)),
        )
        .group_by(Task.org_id, day)
    ):
        sums[(org_id, as_date(on))].add(ShiftSums(marked=marked, no_shows=int(no_shows)))
    return sums


def differences() -> list[str]:
    """Stored days that differ from a fresh count (what `--verify` reports)."""
    first, last = _all_days()
    kept_days = db.session.execute(sa.select(sa.func.min(ShiftDayTally.day), sa.func.max(ShiftDayTally.day))).one()
    first, last = min(first, as_date(kept_days[0] or first)), max(last, as_date(kept_days[1] or last))
    fresh = {key: astuple(value) for key, value in count_days(first, last).items()}
    kept = {
        (row.org_id, row.day): (row.shifts, row.full, row.places, row.filled, row.marked, row.no_shows)
        for row in db.session.execute(sa.select(ShiftDayTally).where(ShiftDayTally.day.between(first, last))).scalars()
    }
    return [
        f"org {key[0]} {key[1]}: stored {kept.get(key)}, counted {fresh.get(key)}"
        for key in sorted(fresh.keys() | kept.keys())
        if fresh.get(key) != kept.get(key)
    ]


def _refresh(first: date, last: date) -> None:
    tallies.lock_cursor(CURSOR)  # serializes two refreshes (a second one waits, then redoes the work)
    rows = [{"org_id": org_id, "day": day, **vars(sums)} for (org_id, day), sums in count_days(first, last).items()]
    db.session.execute(sa.delete(ShiftDayTally).where(ShiftDayTally.day.between(first, last)))
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(ShiftDayTally), rows[start : start + 5000])
    db.session.execute(sa.delete(OverdueTally))
    overdue = hour_queries.overdue_counts(None)
    if overdue:
        db.session.execute(sa.insert(OverdueTally), [{"org_id": k, "records": v} for k, v in overdue.items()])


def _all_days() -> tuple[date, date]:
    """The first and last local day with a shift (today when there are none)."""
    first, last = db.session.execute(sa.select(sa.func.min(Shift.starts_at), sa.func.max(Shift.starts_at))).one()
    today = to_local(now()).date()
    return (to_local(first).date() if first else today), (to_local(last).date() if last else today)


def _local_day(column):
    """The local calendar day of a UTC timestamp column, in SQL. The configured zone's offset now is used:
    Asia/Shanghai keeps one offset all year."""
    seconds = int(local_zone().utcoffset(now().replace(tzinfo=None)).total_seconds())
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column) + sa.text(f"interval '{seconds} seconds'"), sa.Date)
    return sa.func.date(column, f"{seconds:+d} seconds")
