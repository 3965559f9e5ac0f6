"""Generate a city-scale matching dataset: 1,000,000 volunteers and 100,000 open tasks over Shenzhen.

    .venv/bin/python bench/matching_data.py                     # SQLite file bench/out/matching.db
    .venv/bin/python bench/matching_data.py --database postgresql://postgres@127.0.0.1:5433/bench_matching

Volunteers and tasks are spread uniformly over Shenzhen's bounding box with random skills, languages and
availability; a fifth of the volunteers have confirmed shifts (past ones count for fairness, future ones for
overlaps and weekly caps). The schema comes from the migrations (the database is emptied first); rows go in
with executemany (SQLite) or COPY (PostgreSQL). Deterministic for a given --seed.
"""

import argparse
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from volunteer_hub import create_app  # noqa: E402
from volunteer_hub.catalogue import LANGUAGE_CODES, SKILLS, TASK_TYPES  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402

DEFAULT_SQLITE = ROOT / "bench" / "out" / "matching.db"
SHENZHEN_BOX = (22.45, 22.85, 113.75, 114.60)  # min lat, max lat, min lon, max lon
PLAIN_SKILLS = [e.code for e in SKILLS if e.kind == "skill"]
LANGUAGES = sorted(LANGUAGE_CODES)
TASK_TYPE_CODES = [e.code for e in TASK_TYPES]
BANDS = {"weekday_day": 0.55, "weekday_night": 0.2, "weekend_day": 0.7, "weekend_night": 0.25}
HISTORY_TASKS = 20_000  # finished tasks that carry the past confirmed shifts


def sqlalchemy_url(database: str) -> str:
    if database.startswith("postgresql://"):
        return database.replace("postgresql://", "postgresql+psycopg://", 1)
    return database


def create_schema(url: str) -> None:
    """An empty database with the schema of the migrations."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "bench",
            "SMS_SENDER": "dev",
        }
    )
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


# Rows are plain tuples in these column orders.
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
        "lat",
        "lon",
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
    ),
    "user_skills": ("user_id", "code"),
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
    ),
    "task_skills": ("task_id", "code"),
    "shifts": ("id", "task_id", "starts_at", "ends_at", "capacity", "confirmed", "created_at"),
    "claims": ("id", "shift_id", "user_id", "status", "created_at", "updated_at"),
}


class Generator:
    """Rows of every table, as plain tuples in the column order of COLUMNS."""

    def __init__(self, volunteers: int, tasks: int, seed: int):
        self.rng = random.Random(seed)
        self.volunteers, self.tasks = volunteers, tasks
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.shift_rows: list[list] = []
        self.past_shifts: list[tuple[int, datetime]] = []

    def point(self) -> tuple[float, float]:
        min_lat, max_lat, min_lon, max_lon = SHENZHEN_BOX
        return self.rng.uniform(min_lat, max_lat), self.rng.uniform(min_lon, max_lon)

    def orgs(self):
        yield (1, "深圳市", "city", False, None, "/1/", 22.5431, 114.0579, self.now)

    def users(self):
        rng, now = self.rng, self.now
        yield (
            1,
            "+8613800000000",
            "organizer",
            "x",
            True,
            True,
            False,
            20,
            None,
            None,
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
        )
        for user_id in range(2, self.volunteers + 2):
            lat, lon = self.point()
            bands = [rng.random() < share for share in BANDS.values()]
            if not any(bands):
                bands[0] = True
            yield (
                user_id,
                f"+86150{user_id:08d}",
                f"v{user_id}",
                "x",
                False,
                True,
                rng.random() < 0.3,
                rng.choice((8, 10, 20, 40)),
                lat,
                lon,
                *bands,
                3,
                1320,
                420,
                rng.random() < 0.05,
                0,
                now,
            )

    def user_skills(self):
        rng = self.rng
        for user_id in range(2, self.volunteers + 2):
            count = rng.choices((0, 1, 2, 3), weights=(40, 35, 20, 5))[0]
            codes = set(rng.sample(PLAIN_SKILLS, count))
            if rng.random() < 0.15:
                codes.add(rng.choice(LANGUAGES) if rng.random() < 0.5 else "english")
            for code in sorted(codes):
                yield (user_id, code)

    def tasks_and_skills(self):
        """(tasks, task_skills, shifts): open tasks with 1-3 future shifts, then finished history tasks."""
        rng, now = self.rng, self.now
        tasks, skills = [], []
        today = now.replace(hour=0, minute=0, second=0)
        for task_id in range(1, self.tasks + HISTORY_TASKS + 1):
            history = task_id > self.tasks
            kind = "foreign_language" if rng.random() < 0.1 else rng.choice(TASK_TYPE_CODES)
            codes = set()
            if kind == "foreign_language":
                codes.update(rng.sample(LANGUAGES, rng.choice((1, 1, 2))))
            elif rng.random() < 0.3:
                codes.add(rng.choice(PLAIN_SKILLS))
            starts = []
            for _ in range(1 if history else rng.choice((1, 1, 2, 3))):
                day = rng.randint(-29, -1) if history else rng.randint(1, 14)
                # 00:00 UTC is 08:00 in Shenzhen: day shifts from 08:00 or 14:00, night shifts from 20:00.
                start = today + timedelta(days=day, hours=rng.choice((0, 6, 12)))
                hours = 12 if start.hour == 12 else rng.choice((4, 6))
                capacity = 50 if history else rng.randint(1, 10)
                starts.append((start, start + timedelta(hours=hours)))
                shift_id = len(self.shift_rows) + 1
                self.shift_rows.append([shift_id, task_id, start, start + timedelta(hours=hours), capacity, 0, now])
                if history:
                    self.past_shifts.append((shift_id, start))
            lat, lon = self.point()
            tasks.append(
                (
                    task_id,
                    1,
                    f"task {task_id}",
                    "",
                    kind,
                    lat,
                    lon,
                    "",
                    "ok",
                    5.0,
                    rng.random() < 0.05,
                    False,
                    False,
                    "completed" if history else "open",
                    max(s for s, _ in starts),
                    max(e for _, e in starts),
                    1,
                    now,
                    now,
                )
            )
            skills.extend((task_id, code) for code in sorted(codes))
        return tasks, skills

    def claims(self):
        """Confirmed claims of a fifth of the volunteers: two past shifts each and, for half, one future one."""
        rng, now = self.rng, self.now
        open_shifts = [row for row in self.shift_rows if row[2] > now]
        taken, claim_id = set(), 0
        for user_id in range(2, self.volunteers + 2):
            if rng.random() >= 0.2:
                continue
            picks = [self.shift_rows[shift_id - 1] for shift_id, _ in rng.sample(self.past_shifts, 2)]
            if rng.random() < 0.5:
                picks.append(rng.choice(open_shifts))
            for row in picks:
                if row[5] >= row[4] or (row[0], user_id) in taken:
                    continue
                taken.add((row[0], user_id))
                row[5] += 1  # confirmed
                claim_id += 1
                yield (claim_id, row[0], user_id, "confirmed", now, now)


def sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def load_sqlite(path: Path, gen: Generator) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    for table, rows in tables(gen):
        columns = COLUMNS[table]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        conn.executemany(sql, ([sqlite_value(v) for v in row] for row in rows))
        conn.commit()
    conn.close()


def load_postgresql(url: str, gen: Generator) -> None:
    with psycopg.connect(url) as conn:
        for table, rows in tables(gen):
            columns = COLUMNS[table]
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        for table in ("orgs", "users", "tasks", "shifts", "claims"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def tables(gen: Generator):
    """(table, rows) in foreign-key order; shifts are written after the claims counted their places."""
    yield "orgs", gen.orgs()
    yield "users", gen.users()
    yield "user_skills", gen.user_skills()
    tasks, task_skills = gen.tasks_and_skills()
    yield "tasks", tasks
    yield "task_skills", task_skills
    claims = list(gen.claims())
    yield "shifts", gen.shift_rows
    yield "claims", claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help=f"PostgreSQL URL; default: SQLite file {DEFAULT_SQLITE}")
    parser.add_argument("--volunteers", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    url = sqlalchemy_url(args.database) if args.database else f"sqlite:///{DEFAULT_SQLITE}"
    started = time.perf_counter()
    create_schema(url)
    gen = Generator(args.volunteers, args.tasks, args.seed)
    if url.startswith("sqlite"):
        load_sqlite(Path(url.removeprefix("sqlite:///")), gen)
    else:
        load_postgresql(args.database, gen)
    print(
        f"{args.volunteers:,} volunteers, {args.tasks:,} open tasks ({len(gen.shift_rows):,} shifts incl. "
        f"{HISTORY_TASKS:,} finished tasks) into {url.split('@')[-1]} in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
