"""Keeping the tallies equal to the ledger: incrementally after a cursor, by a full rebuild, and checked.

Every entry adds its signed minutes to its recording organisation *and each ancestor* per local service date
and task type (OrgDayTally, so a district's figure is one indexed lookup); per volunteer and calendar span
(VolunteerSpanTally) to its month at the recording organisation and to its year there too or, below the
streets' level of the tree, at its ancestor on that level (see spans.py); and, for entries served as part of a
team, to the team's month (TeamMonthTally: teams are not in the organisation tree, so nothing rolls up).
``entries`` counts service records, not corrections: a correction changes minutes only.

**Which entries are final.** Ledger ids come from a sequence when a row is inserted, but PostgreSQL
transactions commit in any order: an entry with a lower id can become visible after a higher one was read.
The cursor therefore only passes ids below which nothing can still appear:

- an unbroken run of ids right after the cursor (no gap: every lower id is already counted), and
- everything up to an entry confirmed more than SETTLE ago: every ledger write happens in a web request or
  a job, both killed after well under SETTLE, so a transaction holding a lower id has ended by then (a gap
  left by a rolled-back transaction is skipped after SETTLE).

SQLite has one writer at a time and reuses the next rowid after a rollback, so it never shows a gap. Pages
add the few entries after the cursor to the tallies when they read them (see queries.py), so a confirmation
shows within seconds however long the cursor waits at a gap.
"""

import bisect
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from volunteer_hub.core.db import insert_ignoring_duplicates
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.stats.models import OrgDayTally, TallyCursor, TeamMonthTally, VolunteerSpanTally
from volunteer_hub.stats.spans import MONTH, SPANS, YEAR, YEAR_DEPTH

CURSOR = "ledger"
BATCH_SIZE = 50_000  # entries per transaction: a crash loses at most one batch of work, never counts twice
SETTLE = timedelta(minutes=10)

# An entry is one service record unless it corrects another one.
RECORD = sa.case((HourEntry.corrects_id.is_(None), 1), else_=0)


def tally_new_entries(*, batch_size: int = BATCH_SIZE, max_seconds: float | None = None) -> int:
    """Add the final ledger entries after the cursor to the tallies, one transaction per batch (the cursor
    moves in the same transaction as the sums, so a re-run after a crash never counts twice). Stops after
    max_seconds at a batch boundary; returns the number of entries added."""
    total, started = 0, time.monotonic()
    while True:
        added = atomic(_tally_batch, batch_size)
        total += added
        if added < batch_size or (max_seconds is not None and time.monotonic() - started > max_seconds):
            return total


def rebuild_tallies() -> int:
    """Recompute every tally from the ledger in one transaction, then catch up; returns the new cursor."""
    atomic(_rebuild)
    tally_new_entries()
    return cursor_position()


@dataclass
class TallyCheck:
    """The outcome of comparing stored tallies with a fresh sum over the ledger up to the cursor."""

    cursor: int
    differences: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.differences == 0


def verify_tallies(*, examples: int = 20) -> TallyCheck:
    """Compare each tally table with a fresh sum over the ledger entries up to the cursor. Each comparison is
    one statement, so it sees the cursor and the tallies as of one moment while the job keeps running."""
    check = TallyCheck(cursor=cursor_position())
    cursor = cursor_subquery()
    comparisons = [
        ("org_day", _expected_org_days(cursor), _stored(OrgDayTally, "day", "task_type")),
        *(
            (
                f"volunteer_{span}",
                _expected_volunteer_spans(span, cursor),
                _stored(VolunteerSpanTally, "first_day", "volunteer_id", VolunteerSpanTally.span == span),
            )
            for span in SPANS
        ),
        ("team_month", _padded(_expected_team_months(cursor)), _padded(_stored_team_months())),
    ]
    for name, expected, stored in comparisons:
        for row in db.session.execute(_differences(expected, stored)):
            check.differences += 1
            if len(check.examples) < examples:
                check.examples.append(
                    f"{name} {row.side}: org {row.org_id}, {row.k1}, {row.k2}: {row.minutes} min, {row.entries} entries"
                )
    db.session.rollback()
    return check


# --- incremental ---


def _tally_batch(batch_size: int) -> int:
    last = lock_cursor()
    batch = (
        sa.select(HourEntry.id, HourEntry.confirmed_at)
        .where(HourEntry.id > last)
        .order_by(HourEntry.id)
        .limit(batch_size)
        .subquery()
    )
    ids = db.session.execute(sa.select(batch.c.id).order_by(batch.c.id)).scalars().all()
    settled = db.session.execute(
        sa.select(sa.func.max(batch.c.id)).where(batch.c.confirmed_at < now() - SETTLE)
    ).scalar()
    final = final_prefix(ids, last, settled)
    if final:
        _add_range(last, final[-1])
        db.session.execute(
            sa.update(TallyCursor).where(TallyCursor.name == CURSOR).values(last_entry_id=final[-1], updated_at=now())
        )
    return len(final)


def final_prefix(ids: Sequence[int], last_id: int, settled_id: int | None) -> Sequence[int]:
    """The leading ids (ascending, all after last_id) that no later commit can precede: every id up to the
    last entry confirmed more than SETTLE ago (settled_id), then the unbroken run of ids that follows."""
    end = bisect.bisect_right(ids, settled_id) if settled_id is not None else 0
    expected = ids[end - 1] + 1 if end else last_id + 1
    while end < len(ids) and ids[end] == expected:
        end += 1
        expected += 1
    return ids[:end]


def _add_range(after: int, upto: int) -> None:
    """Add the entries after..upto to the tallies: the sums are made by the database (the same statements as
    a rebuild, limited to the range) and merged with INSERT ... ON CONFLICT DO UPDATE."""
    _upsert(OrgDayTally, ("org_id", "day", "task_type"), _expected_org_days(upto, after=after))
    for span in SPANS:
        _upsert(
            VolunteerSpanTally,
            ("org_id", "span", "first_day", "volunteer_id"),
            _with_span(span, _expected_volunteer_spans(span, upto, after=after)),
        )
    _upsert(TeamMonthTally, ("team_id", "month"), _expected_team_months(upto, after=after))


def _upsert(model, keys: tuple[str, ...], sums) -> None:
    """INSERT ... SELECT sums ON CONFLICT (keys) DO UPDATE SET minutes = minutes + new, entries = entries + new.
    The sums go in in key order, so consecutive rows land on the same index pages (a hash aggregate's order
    would visit them at random). The ORDER BY also ends the SELECT where SQLite would otherwise read the ON of
    ON CONFLICT as a join's."""
    table = model.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    rows = sums.subquery()
    ordered = sa.select(*rows.c).order_by(*(rows.c[key] for key in keys))
    statement = dialect.insert(table).from_select([*keys, "minutes", "entries"], ordered)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={
                "minutes": table.c.minutes + statement.excluded.minutes,
                "entries": table.c.entries + statement.excluded.entries,
            },
        )
    )


def lock_cursor(name: str = CURSOR) -> int:
    """The named cursor's position, its row locked (PostgreSQL) or the database's write lock taken (SQLite) so
    two runs never do the same work at once; the row is created on first use and stamped with the time."""
    db.session.execute(
        insert_ignoring_duplicates(db.session, TallyCursor, [{"name": name, "last_entry_id": 0, "updated_at": now()}])
    )
    return db.session.execute(
        sa.update(TallyCursor)
        .where(TallyCursor.name == name)
        .values(updated_at=now())
        .returning(TallyCursor.last_entry_id)
    ).scalar_one()


def cursor_position() -> int:
    """The id of the last ledger entry in the tallies (0 before the first run)."""
    value = db.session.execute(sa.select(TallyCursor.last_entry_id).where(TallyCursor.name == CURSOR)).scalar()
    return value or 0


def cursor_subquery():
    """The cursor as part of another statement (0 before the first run), read in that statement's snapshot."""
    return sa.func.coalesce(sa.select(TallyCursor.last_entry_id).where(TallyCursor.name == CURSOR).scalar_subquery(), 0)


# --- rebuild and verification: the same sums in SQL ---


def _rebuild() -> None:
    lock_cursor()
    horizon = (
        db.session.execute(sa.select(sa.func.max(HourEntry.id)).where(HourEntry.confirmed_at < now() - SETTLE)).scalar()
        or 0
    )
    db.session.execute(sa.delete(OrgDayTally))
    db.session.execute(sa.delete(VolunteerSpanTally))
    db.session.execute(sa.delete(TeamMonthTally))
    _add_range(0, horizon)
    db.session.execute(
        sa.update(TallyCursor).where(TallyCursor.name == CURSOR).values(last_entry_id=horizon, updated_at=now())
    )


def _ancestors():
    """(org_id, ancestor_id) for every organisation and each organisation above it, itself included: a walk
    up parent_id, so it costs organisations x depth whatever the tree's size."""
    parent = aliased(Organisation)
    walk = sa.select(
        Organisation.id.label("org_id"), Organisation.id.label("ancestor_id"), Organisation.parent_id.label("parent_id")
    ).cte("ancestors", recursive=True)
    walk = walk.union_all(
        sa.select(walk.c.org_id, parent.id, parent.parent_id).join(parent, parent.id == walk.c.parent_id)
    )
    return walk


def _year_orgs():
    """(org_id, ancestor_id): every organisation with the one that keeps its year buckets, itself down to
    spans.YEAR_DEPTH and below that its ancestor at that depth; a walk down from the roots."""
    child = aliased(Organisation)
    walk = (
        sa.select(
            Organisation.id.label("org_id"),
            sa.literal_column("1", sa.Integer).label("depth"),
            Organisation.id.label("ancestor_id"),
        )
        .where(Organisation.parent_id.is_(None))
        .cte("year_orgs", recursive=True)
    )
    keeper = sa.case((walk.c.depth < YEAR_DEPTH, child.id), else_=walk.c.ancestor_id)
    return walk.union_all(sa.select(child.id, walk.c.depth + 1, keeper).join(child, child.parent_id == walk.c.org_id))


def month_of(column):
    """The first day of the month of a date column, in SQL."""
    return span_start_of(MONTH, column)


def span_start_of(span: str, column):
    """The first day of the year or month of a date column, in SQL (spans.span_start), read back as a date on
    both backends."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc(span, column), sa.Date)
    return sa.func.date(column, "start of year" if span == YEAR else "start of month", type_=sa.Date)


def _sum(column):
    return sa.cast(sa.func.sum(column), sa.BigInteger)


def _expected(upto, key_columns: dict, after=None, *, to=None):
    """Sums of entries after..upto (by id) per organisation and key_columns; with ``to`` (a select of (org_id,
    ancestor_id) rows), per ancestor_id instead: each entry counts for every ancestor_id of its organisation."""
    base = (
        sa.select(
            HourEntry.org_id,
            *[column.label(name) for name, column in key_columns.items()],
            _sum(HourEntry.minutes).label("minutes"),
            _sum(RECORD).label("entries"),
        )
        .where(HourEntry.id <= upto, *([] if after is None else [HourEntry.id > after]))
        .group_by(HourEntry.org_id, *key_columns.values())
    )
    if to is None:
        return base
    sums = base.subquery()
    keys = [sums.c[name] for name in key_columns]
    return (
        sa.select(
            to.c.ancestor_id.label("org_id"),
            *keys,
            _sum(sums.c.minutes).label("minutes"),
            _sum(sums.c.entries).label("entries"),
        )
        .join(to, to.c.org_id == sums.c.org_id)
        .group_by(to.c.ancestor_id, *keys)
    )


def _expected_org_days(upto, after=None):
    return _expected(upto, {"day": HourEntry.service_date, "task_type": HourEntry.task_type}, after, to=_ancestors())


def _expected_volunteer_spans(span: str, upto, after=None):
    """(org_id, first_day, volunteer_id, minutes, entries) of entries after..upto in buckets of one span: months
    per recording organisation, years per organisation down to spans.YEAR_DEPTH (see there). Volunteers serve
    in one or two places a month, so rolling up every level would write each entry's sums four times."""
    return _expected(
        upto,
        {"first_day": span_start_of(span, HourEntry.service_date), "volunteer_id": HourEntry.volunteer_id},
        after,
        to=_year_orgs() if span == YEAR else None,
    )


def _with_span(span: str, sums):
    """The span's sums with the span as their second column, as VolunteerSpanTally keys them."""
    rows = sums.subquery()
    return sa.select(
        rows.c.org_id,
        sa.literal(span, sa.String).label("span"),
        rows.c.first_day,
        rows.c.volunteer_id,
        rows.c.minutes,
        rows.c.entries,
    )


def _expected_team_months(upto, after=None):
    """Sums of team entries after..upto per (team_id, month)."""
    month = month_of(HourEntry.service_date)
    return (
        sa.select(
            HourEntry.team_id,
            month.label("month"),
            _sum(HourEntry.minutes).label("minutes"),
            _sum(RECORD).label("entries"),
        )
        .where(HourEntry.team_id.is_not(None), HourEntry.id <= upto, *([] if after is None else [HourEntry.id > after]))
        .group_by(HourEntry.team_id, month)
    )


def _stored_team_months():
    return sa.select(
        TeamMonthTally.team_id,
        TeamMonthTally.month,
        sa.cast(TeamMonthTally.minutes, sa.BigInteger),
        sa.cast(TeamMonthTally.entries, sa.BigInteger),
    )


def _padded(team_months):
    """(team_id, month, 0, minutes, entries): team rows in the five columns the comparison expects."""
    rows = team_months.subquery()
    return sa.select(*list(rows.c)[:2], sa.literal_column("0").label("k2"), *list(rows.c)[2:])


def _stored(model, key1: str, key2: str, *where):
    return sa.select(
        model.org_id,
        getattr(model, key1),
        getattr(model, key2),
        sa.cast(model.minutes, sa.BigInteger),
        sa.cast(model.entries, sa.BigInteger),
    ).where(*where)


def _differences(expected, stored):
    """Rows only the ledger has ("ledger") or only the tallies have ("tally"): a wrong sum shows as both."""
    expected_cte = expected.cte("expected")
    stored_cte = stored.cte("stored")
    names = ("org_id", "k1", "k2", "minutes", "entries")

    def side(label, left, right):
        diff = sa.except_(sa.select(*left.c), sa.select(*right.c)).subquery()
        return sa.select(
            sa.literal(label).label("side"), *[column.label(name) for column, name in zip(diff.c, names, strict=True)]
        )

    return sa.union_all(side("ledger", expected_cte, stored_cte), side("tally", stored_cte, expected_cte))
