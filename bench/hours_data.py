"""Generate a year of service hours for a Shenzhen-like city: 10,000,000 ledger entries and their tallies.

    .venv/bin/python bench/hours_data.py                      # SQLite file bench/out/hours.db
    .venv/bin/python bench/hours_data.py --database postgresql://postgres@127.0.0.1:5433/bench_hours

The tree is a city of 10 districts x 5 streets x 10 communities. 200,000 volunteers each belong to a community
and serve there (85%) or elsewhere in their street; a tenth are Party members. Every community runs about a
dozen tasks a month of every task type, each with a daily shift (08:00 4 h, 14:00 6 h or 20:00-08:00 12 h) of
3-8 places, mostly full; 93% of confirmed volunteers come (the rest are no-shows) and get a ledger entry
confirmed 1-72 hours after the shift; 1% of entries get a correction (some negative). Streets run a few tasks of
their own. The schema comes from the migrations (the database is emptied first); rows go in month by month with
executemany (SQLite) or COPY (PostgreSQL); then the tallies are rebuilt from the ledger with the same SQL as
`flask stats verify-tallies --rebuild` and the shift figures are counted. Deterministic for a given --seed.
"""

import argparse
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching_data import create_schema, sqlalchemy_url, sqlite_value  # noqa: E402
from volunteer_hub import create_app  # noqa: E402
from volunteer_hub.catalogue import TASK_TYPES  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.stats import shift_tallies, tallies  # noqa: E402

DEFAULT_SQLITE = ROOT / "bench" / "out" / "hours.db"
DISTRICTS, STREETS, COMMUNITIES = 10, 5, 10
STREET_TASKS = 2  # tasks a street runs itself each month
SLOTS = ((0, 4), (6, 6), (12, 12))  # UTC start hour (08:00, 14:00, 20:00 in Shenzhen) and length in hours
ENTRIES_PER_SHIFT = 4.2  # what the shift and attendance mix below yields on average, corrections included
TYPE_CODES = [e.code for e in TASK_TYPES]
TYPE_WEIGHTS = [30, 15, 3, 15, 10, 12, 3, 5, 5, 2]

COLUMNS = {
    "orgs": ("id", "name", "kind", "temporary", "parent_id", "path", "lat", "lon", "created_at"),
    "users": (
        "id",
        "phone",
        "name",
        "password_hash",
        "is_admin",
        "active",
        "party_member",
        "max_weekly_hours",
        "avail_weekday_day",
        "avail_weekday_night",
        "avail_weekend_day",
        "avail_weekend_night",
        "notify_max_per_day",
        "quiet_start_min",
        "quiet_end_min",
        "match_opt_out",
        "claim_lock",
        "created_at",
        "home_org_id",
    ),
    "tasks": (
        "id",
        "org_id",
        "title",
        "description",
        "type",
        "lat",
        "lon",
        "address",
        "geocode_status",
        "match_radius_km",
        "urgent",
        "release_unconfirmed",
        "requires_approval",
        "status",
        "last_start_at",
        "last_end_at",
        "created_by_id",
        "created_at",
        "updated_at",
        "checkin_radius_m",
        "leader_name",
    ),
    "shifts": ("id", "task_id", "starts_at", "ends_at", "capacity", "confirmed", "created_at"),
    "claims": (
        "id",
        "shift_id",
        "user_id",
        "status",
        "created_at",
        "updated_at",
        "attendance",
        "checked_in_at",
        "hours_confirmed_at",
    ),
    "hour_entries": (
        "id",
        "volunteer_id",
        "claim_id",
        "shift_id",
        "task_id",
        "org_id",
        "activity_name",
        "service_date",
        "place",
        "service_content",
        "task_type",
        "leader_name",
        "minutes",
        "source",
        "reason",
        "corrects_id",
        "confirmed_by_id",
        "confirmed_at",
    ),
}


class Generator:
    """Rows as plain tuples in the column order of COLUMNS, produced month by month."""

    def __init__(self, entries: int, volunteers: int, days: int, seed: int):
        self.rng = random.Random(seed)
        self.target, self.volunteers, self.days = entries, volunteers, days
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.last_day = (self.now + timedelta(hours=8)).date() - timedelta(days=1)  # yesterday in Shenzhen
        self.first_day = self.last_day - timedelta(days=days - 1)
        self.org_rows, self.communities, self.streets = self._tree()
        self.parent = {row[0]: row[4] for row in self.org_rows}
        self.organizer = {org[0]: 1 + i for i, org in enumerate(self.org_rows)}  # user ids 1..561; 1 is the admin
        self.first_volunteer = len(self.org_rows) + 1
        self.home = {}  # community id -> volunteer ids
        for offset in range(volunteers):
            self.home.setdefault(self.communities[offset % len(self.communities)], []).append(
                self.first_volunteer + offset
            )
        self.street_pool = {
            street: [v for c in self.street_communities(street) for v in self.home[c]] for street in self.streets
        }
        per_day = entries / (days * ENTRIES_PER_SHIFT)
        self.community_tasks = max(1.0, (per_day - STREET_TASKS * len(self.streets)) / len(self.communities))
        self.ids = {"tasks": 0, "shifts": 0, "claims": 0, "hour_entries": 0}
        self.written = 0

    def _tree(self):
        rows, communities, streets = [(1, "深圳市", "city", False, None, "/1/", 22.54, 114.06, self.now)], [], []
        next_id = 2
        for d in range(DISTRICTS):
            district = next_id
            rows.append((district, f"第{d + 1}区", "district", False, 1, f"/1/{district}/", None, None, self.now))
            next_id += 1
            for s in range(STREETS):
                street = next_id
                streets.append(street)
                rows.append(
                    (
                        street,
                        f"第{d + 1}区第{s + 1}街道",
                        "street",
                        False,
                        district,
                        f"/1/{district}/{street}/",
                        None,
                        None,
                        self.now,
                    )
                )
                next_id += 1
                for c in range(COMMUNITIES):
                    rows.append(
                        (
                            next_id,
                            f"第{d + 1}区第{s + 1}街道第{c + 1}社区",
                            "community",
                            False,
                            street,
                            f"/1/{district}/{street}/{next_id}/",
                            None,
                            None,
                            self.now,
                        )
                    )
                    communities.append(next_id)
                    next_id += 1
        return rows, communities, streets

    def street_communities(self, street: int) -> list[int]:
        return [row[0] for row in self.org_rows if row[4] == street]

    def users(self):
        now = self.now
        for org_id, user_id in self.organizer.items():
            yield (
                user_id,
                f"+86139{user_id:08d}",
                f"负责人{org_id}",
                "x",
                user_id == 1,
                True,
                True,
                20,
                True,
                False,
                True,
                False,
                3,
                1320,
                420,
                True,
                0,
                now,
                None,
            )
        for community, members in self.home.items():
            for user_id in members:
                yield (
                    user_id,
                    f"+86150{user_id:08d}",
                    f"志愿者{user_id}",
                    "x",
                    False,
                    True,
                    user_id % 10 == 0,
                    20,
                    True,
                    False,
                    True,
                    False,
                    3,
                    1320,
                    420,
                    False,
                    0,
                    now,
                    community,
                )

    def months(self):
        """Dicts of table -> rows, one per calendar month of the year, until the target entries are written."""
        first = self.first_day.replace(day=1)
        while first <= self.last_day and self.written < self.target:
            following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            days = [
                first + timedelta(days=n)
                for n in range((following - first).days)
                if self.first_day <= first + timedelta(days=n) <= self.last_day
            ]
            yield self._month(days)
            first = following

    def _month(self, days: list[date]) -> dict:
        rng, out = self.rng, {"tasks": [], "shifts": [], "claims": [], "hour_entries": []}
        whole = int(self.community_tasks)
        for org_id in self.communities + self.streets:
            street_level = org_id in self.street_pool
            count = STREET_TASKS if street_level else whole + (rng.random() < self.community_tasks - whole)
            for index in range(count):
                self._task(out, org_id, index, days, street_level)
        return out

    def _task(self, out, org_id, index, days, street_level):
        rng, now = self.rng, self.now
        task_id = self._next("tasks")
        task_type = rng.choices(TYPE_CODES, TYPE_WEIGHTS)[0]
        hour, length = SLOTS[index % len(SLOTS)]
        title, address, leader = f"{task_type} {org_id}-{index}", f"{org_id}号小区东门", f"负责人{org_id}"
        starts = [datetime(d.year, d.month, d.day, hour, tzinfo=UTC) for d in days]
        out["tasks"].append(
            (
                task_id,
                org_id,
                title,
                "",
                task_type,
                22.54,
                114.06,
                address,
                "ok",
                5.0,
                False,
                False,
                False,
                "open",
                starts[-1],
                starts[-1] + timedelta(hours=length),
                self.organizer[org_id],
                now,
                now,
                300,
                leader,
            )
        )
        for day, start in zip(days, starts, strict=True):
            end = start + timedelta(hours=length)
            shift_id = self._next("shifts")
            capacity = rng.randint(3, 8)
            confirmed = capacity if rng.random() < 0.6 else rng.randint(1, capacity)
            if street_level or rng.random() < 0.15:
                pool = self.street_pool[org_id if street_level else self.parent[org_id]]
            else:
                pool = self.home[org_id]
            out["shifts"].append((shift_id, task_id, start, end, capacity, confirmed, now))
            for volunteer in rng.sample(pool, confirmed):
                claim_id = self._next("claims")
                present = rng.random() < 0.93
                recorded = None  # hours_confirmed_at: when the claim's first ledger entry was written
                if present and self.written < self.target:
                    recorded = self._entry(
                        out,
                        volunteer,
                        claim_id,
                        shift_id,
                        task_id,
                        org_id,
                        title,
                        day,
                        address,
                        task_type,
                        leader,
                        length * 60 - rng.choice((0, 0, 0, 0, 15, 30)),
                        end,
                    )
                out["claims"].append(
                    (
                        claim_id,
                        shift_id,
                        volunteer,
                        "confirmed",
                        start - timedelta(days=2),
                        end,
                        "present" if present else "no_show",
                        start if present else None,
                        recorded,
                    )
                )

    def _entry(
        self, out, volunteer, claim_id, shift_id, task_id, org_id, title, day, address, task_type, leader, minutes, end
    ):
        rng = self.rng
        entry_id = self._next("hour_entries")
        confirmed_at = end + timedelta(minutes=rng.randint(60, 72 * 60))
        source = "attendance" if rng.random() < 0.8 else "manual"
        out["hour_entries"].append(
            (
                entry_id,
                volunteer,
                claim_id,
                shift_id,
                task_id,
                org_id,
                title,
                day,
                address,
                title,
                task_type,
                leader,
                minutes,
                source,
                None,
                None,
                self.organizer[org_id],
                confirmed_at,
            )
        )
        self.written += 1
        if rng.random() < 0.01 and self.written < self.target:
            change = rng.choice((-30, -60, 30, -minutes))
            out["hour_entries"].append(
                (
                    self._next("hour_entries"),
                    volunteer,
                    claim_id,
                    shift_id,
                    task_id,
                    org_id,
                    title,
                    day,
                    address,
                    title,
                    task_type,
                    leader,
                    change,
                    "correction",
                    "更正",
                    entry_id,
                    self.organizer[org_id],
                    confirmed_at + timedelta(days=2),
                )
            )
            self.written += 1
        return confirmed_at

    def _next(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]


def _sqlite_row(row):
    return [
        value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else sqlite_value(value)
        for value in row
    ]


def load(gen: Generator, write, commit) -> None:
    """Organisations and people, then month after month of tasks, shifts, claims and entries."""
    write("orgs", gen.org_rows)
    write("users", gen.users())
    commit()
    for month in gen.months():
        for table, rows in month.items():
            write(table, rows)
        commit()
        print(f"  {gen.written:,} entries", flush=True)


def load_sqlite(path: Path, gen: Generator) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-4000000")  # 4 GB of pages: index inserts stay in memory

    def insert(table, rows):
        columns = COLUMNS[table]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        conn.executemany(sql, (_sqlite_row(row) for row in rows))

    load(gen, insert, conn.commit)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def load_postgresql(url: str, gen: Generator) -> None:
    with psycopg.connect(url) as conn:

        def copy(table, rows):
            with conn.cursor().copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as writer:
                for row in rows:
                    writer.write_row(row)

        load(gen, copy, conn.commit)
        for table in ("orgs", "users", "tasks", "shifts", "claims", "hour_entries"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def bench_app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "bench",
            "SMS_SENDER": "dev",  # the development sender, named: off SQLite it is never the default
            "SQLITE_BUSY_TIMEOUT_S": 600,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help=f"PostgreSQL URL; default: SQLite file {DEFAULT_SQLITE}")
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--volunteers", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    url = sqlalchemy_url(args.database) if args.database else f"sqlite:///{DEFAULT_SQLITE}"
    started = time.perf_counter()
    create_schema(url)
    gen = Generator(args.entries, args.volunteers, args.days, args.seed)
    if url.startswith("sqlite"):
        load_sqlite(Path(url.removeprefix("sqlite:///")), gen)
    else:
        load_postgresql(args.database, gen)
    loaded = time.perf_counter()
    print(
        f"{gen.written:,} ledger entries ({gen.ids['claims']:,} claims, {gen.ids['shifts']:,} shifts, "
        f"{gen.ids['tasks']:,} tasks, {args.volunteers:,} volunteers, {len(gen.org_rows)} organisations, "
        f"{gen.first_day} to {gen.last_day}) into {url.split('@')[-1]} in {loaded - started:.0f} s",
        flush=True,
    )
    app = bench_app(url)
    with app.app_context():
        cursor = tallies.rebuild_tallies()
        shift_tallies.refresh_all()
        db.engine.dispose()
    print(f"tallies rebuilt up to entry {cursor:,} and shift figures counted in {time.perf_counter() - loaded:.0f} s")


if __name__ == "__main__":
    main()
