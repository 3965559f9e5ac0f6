"""Statistics figures against the targets of issue 4, on the data of bench/hours_data.py.

    make bench-hours-data && .venv/bin/python bench/hours_bench.py            # SQLite bench/out/hours.db
    .venv/bin/python bench/hours_bench.py --database postgresql://postgres@127.0.0.1:5433/bench_hours

1. A district's dashboard (target < 300 ms server time): GET /review/<district>?period=... through the app's
   WSGI stack (test client, no network), logged in as an administrator, for --views random views: a random
   district and a day, a week, a month, a custom range of 2-120 days or the whole year, anchored at random
   dates of the data. The page computes everything it shows: tallies plus untallied entries, volunteers,
   shifts and no-shows, overdue records and anomalies.
   Shift, attendance and overdue figures come from tallies that a recurring job recounts
   (stats.shift_tallies); the job's own cost is timed after the views.
2. The incremental tally of --new new ledger entries (target < 5 s), twice: they are appended to the ledger
   (ids after the last, confirmed just now, service dates in the last days, volunteers in their home
   community or a neighbouring one, as in the data) and tallies.tally_new_entries() is timed. The ledger
   keeps them: every run adds 2 x --new entries.
The app turns PostgreSQL's JIT compiler off on its connections (core.db.configure_postgresql).
"""

import argparse
import gc
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hours_data import DEFAULT_SQLITE, bench_app  # noqa: E402
from bench.matching_data import sqlalchemy_url  # noqa: E402
from volunteer_hub.accounts import tokens  # noqa: E402
from volunteer_hub.accounts.models import User  # noqa: E402
from volunteer_hub.catalogue import TASK_TYPE_CODES  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.hours.models import HourEntry  # noqa: E402
from volunteer_hub.orgs.models import Organisation  # noqa: E402
from volunteer_hub.stats import shift_tallies, tallies  # noqa: E402
from volunteer_hub.stats.models import OrgDayTally, TallyCursor, TeamMonthTally, VolunteerSpanTally  # noqa: E402

DASHBOARD_TARGET_MS, TALLY_TARGET_S = 300, 5
KINDS = ("day", "week", "month", "custom", "year")
TYPES = sorted(TASK_TYPE_CODES)


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return f"p50 {pick(0.5):6.1f} ms  p95 {pick(0.95):6.1f} ms  p99 {pick(0.99):6.1f} ms  max {ordered[-1]:6.1f} ms"


def data_range() -> tuple[date, date, int]:
    first, last, count = db.session.execute(
        sa.select(sa.func.min(HourEntry.service_date), sa.func.max(HourEntry.service_date), sa.func.max(HourEntry.id))
    ).one()
    if not count:
        sys.exit("No ledger: run `make bench-hours-data` (or bench/hours_data.py) first.")
    as_date = lambda v: v if isinstance(v, date) else date.fromisoformat(v)  # noqa: E731
    return as_date(first), as_date(last), count


def view_query(rng: random.Random, kind: str, first: date, last: date) -> str:
    if kind == "year":
        return f"period=custom&start={last - timedelta(days=364)}&end={last}"
    anchor = first + timedelta(days=rng.randrange((last - first).days + 1))
    if kind != "custom":
        return f"period={kind}&on={anchor}"
    end = min(last, anchor + timedelta(days=rng.randint(1, 119)))
    return f"period=custom&start={anchor}&end={end}"


def bench_dashboard(app, args) -> float:
    rng = random.Random(args.seed)
    with app.app_context():
        first, last, entries = data_range()
        districts = (
            db.session.execute(sa.select(Organisation.id).where(Organisation.kind == "district")).scalars().all()
        )
        admin = db.session.execute(sa.select(User).where(User.is_admin)).scalars().first()
        raw = tokens.issue(admin, tokens.SESSION)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = raw
    warm_up = [("month", f"/review/{district}?period=month&on={last.replace(day=1)}") for district in districts]
    views = [
        (kind, f"/review/{rng.choice(districts)}?{view_query(rng, kind, first, last)}")
        for kind in KINDS
        for _ in range(args.views // len(KINDS))
    ]
    rng.shuffle(views)
    print(
        f"district dashboard: {len(views)} random views of {len(districts)} districts, "
        f"{entries:,} ledger entries from {first} to {last} (target < {DASHBOARD_TARGET_MS} ms)",
        flush=True,
    )
    p99 = _time_views(client, views, warm_up, "whole page")
    # Shift, attendance and overdue figures come from tallies a recurring job recounts: its cost, apart.
    with app.app_context():
        for name, refresh in (
            ("days around today (every 5 min)", shift_tallies.refresh_window),
            ("every day (daily)", shift_tallies.refresh_all),
        ):
            started = time.perf_counter()
            refresh()
            print(f"  shift figures recounted by the job, {name}: {time.perf_counter() - started:.1f} s")
    return p99


def _time_views(client, urls, warm_up, title) -> float:
    for _kind, url in warm_up:  # as a running server would be: caches warm
        client.get(url)
    times, by_kind = [], defaultdict(list)
    for kind, url in urls:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        times.append(elapsed)
        by_kind[kind].append(elapsed)
    print(f"  {title}:")
    for kind in KINDS:
        print(f"    {kind:<7} {percentiles(by_kind[kind])}")
    print(f"    all     {percentiles(times)}", flush=True)
    return sorted(times)[round(0.99 * (len(times) - 1))]


def append_entries(count: int, seed: int) -> tuple[int, int]:
    """count new entries after the last id, confirmed now, as the data has them: a random volunteer serving in
    their home community (85%) or another community of their street; returns (first id, last id)."""
    rng = random.Random(seed)
    last_id = db.session.execute(sa.select(sa.func.max(HourEntry.id))).scalar()
    homes = db.session.execute(sa.select(User.id, User.home_org_id).where(User.home_org_id.is_not(None))).all()
    streets = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.parent_id).where(Organisation.kind == "community")
        ).all()
    )
    neighbours = defaultdict(list)
    for community, street in streets.items():
        neighbours[street].append(community)
    confirmer = db.session.execute(sa.select(User.id).where(User.is_admin)).scalars().first()
    now = datetime.now(UTC)
    today = (now + timedelta(hours=8)).date()
    rows = []
    for n in range(1, count + 1):
        volunteer, home = rng.choice(homes)
        org = home if rng.random() < 0.85 else rng.choice(neighbours[streets[home]])
        rows.append(
            {
                "id": last_id + n,
                "volunteer_id": volunteer,
                "org_id": org,
                "activity_name": "东门卡口值守",
                "service_date": today - timedelta(days=rng.randrange(3)),
                "place": "东门",
                "service_content": "卡口值守",
                "task_type": rng.choice(TYPES),
                "leader_name": "负责人",
                "minutes": rng.choice((240, 360, 720)),
                "source": "attendance",
                "confirmed_by_id": confirmer,
                "confirmed_at": now,
            }
        )
    for start in range(0, count, 10_000):
        db.session.execute(sa.insert(HourEntry), rows[start : start + 10_000])
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('hour_entries', 'id'), :id)"), {"id": last_id + count}
        )
    db.session.commit()
    return last_id + 1, last_id + count


def bench_tally(app, args) -> float:
    """Two rounds: the first after the bulk load finds every tally page full (PostgreSQL cannot update in place
    until pages have free room); the second is what a running system sees. Returns the second's seconds."""
    with app.app_context():
        behind = tallies.tally_new_entries()  # start from a caught-up cursor
        print(
            f"incremental tally of {args.new:,} new entries ({behind:,} caught up first) (target < {TALLY_TARGET_S} s)",
            flush=True,
        )
        added_from = tallies.cursor_position() + 1
        for round_ in (1, 2):
            first_id, last_id = append_entries(args.new, args.seed + round_)
            started = time.perf_counter()
            added = tallies.tally_new_entries()
            elapsed = time.perf_counter() - started
            cursor = tallies.cursor_position()
            print(
                f"  round {round_}: entries {first_id:,}-{last_id:,}: {added:,} tallied in {elapsed:.2f} s "
                f"({added / elapsed:,.0f}/s){'' if cursor == last_id else '; the cursor did NOT reach the end'}",
                flush=True,
            )
        remove_entries(added_from, last_id)
    return elapsed


def remove_entries(first_id: int, last_id: int) -> None:
    """Undo append_entries: subtract entries first_id..last_id from the tallies (the tally job's sums, negated;
    rows left at zero are deleted) and delete them from the ledger with its triggers off, in one transaction.
    Only for this benchmark's own database: the ledger is append-only everywhere else."""

    def negated(sums):
        rows = sums.subquery()
        keys = [column for column in rows.c if column.name not in ("minutes", "entries")]
        return sa.select(*keys, (-rows.c.minutes).label("minutes"), (-rows.c.entries).label("entries"))

    after = first_id - 1
    tallies.lock_cursor()
    tallies._upsert(
        OrgDayTally, ("org_id", "day", "task_type"), negated(tallies._expected_org_days(last_id, after=after))
    )
    for span in tallies.SPANS:
        tallies._upsert(
            VolunteerSpanTally,
            ("org_id", "span", "first_day", "volunteer_id"),
            negated(tallies._with_span(span, tallies._expected_volunteer_spans(span, last_id, after))),
        )
    tallies._upsert(TeamMonthTally, ("team_id", "month"), negated(tallies._expected_team_months(last_id, after)))
    for model in (OrgDayTally, VolunteerSpanTally, TeamMonthTally):
        db.session.execute(sa.delete(model).where(model.minutes == 0, model.entries == 0))
    delete = sa.delete(HourEntry).where(HourEntry.id >= first_id)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ALTER TABLE hour_entries DISABLE TRIGGER ALL"))
        db.session.execute(delete)
        db.session.execute(sa.text("ALTER TABLE hour_entries ENABLE TRIGGER ALL"))
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('hour_entries', 'id'), :id)"), {"id": after})
    else:
        triggers = db.session.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'hour_entries'")
        ).all()
        for name, _sql in triggers:
            db.session.execute(sa.text(f'DROP TRIGGER "{name}"'))
        db.session.execute(delete)
        for _name, sql in triggers:
            db.session.execute(sa.text(sql))
    db.session.execute(sa.update(TallyCursor).where(TallyCursor.name == tallies.CURSOR).values(last_entry_id=after))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Now, not by autovacuum during the next run's views (a vacuum of the ledger takes a core for a minute).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for model in (HourEntry, OrgDayTally, VolunteerSpanTally, TeamMonthTally):
                conn.execute(sa.text(f"VACUUM ANALYZE {model.__tablename__}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help=f"PostgreSQL URL; default: SQLite file {DEFAULT_SQLITE}")
    parser.add_argument("--views", type=int, default=300)
    parser.add_argument("--new", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    url = sqlalchemy_url(args.database) if args.database else f"sqlite:///{DEFAULT_SQLITE}"
    app = bench_app(url)
    # As wsgi.py does in every web process: the start-up objects out of the collector's reach. Without it a full
    # collection of them (about 190 ms here) lands in one of the timed views, a pause production does not have.
    gc.collect()
    gc.freeze()
    p99 = bench_dashboard(app, args)
    tally_s = bench_tally(app, args)
    print(
        f"summary: district dashboard p99 {p99:.0f} ms (target < {DASHBOARD_TARGET_MS}), incremental tally of "
        f"{args.new:,} entries {tally_s:.2f} s (target < {TALLY_TARGET_S})"
    )
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
