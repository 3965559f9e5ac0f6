"""The district dashboard of two checkouts side by side, view by view, on the data of bench/hours_data.py.

    git worktree add /tmp/before HEAD~1
    .venv/bin/python bench/hours_ab.py --database postgresql://postgres@127.0.0.1:5433/bench_hours --other /tmp/before

This virtual machine's speed drifts by up to 2x within minutes, so two runs of bench/hours_bench.py compare
poorly. Here each checkout serves the views in a long-lived process of its own (warm, as a web process is), and
every view goes to both, in alternating order. Prints per view kind each side's p50, p95 and maximum (whole page,
its SQL and the process's CPU time) and the median of the paired differences. Both processes read the same
database: compare code on the same schema.
"""

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(root: Path, database: str) -> None:
    """Answer dashboard URLs read from stdin with timings as JSON lines, using the code under root."""
    sys.path.insert(0, str(root))
    import sqlalchemy as sa

    from bench.hours_data import bench_app
    from bench.matching_data import sqlalchemy_url
    from volunteer_hub.accounts import tokens
    from volunteer_hub.accounts.models import User
    from volunteer_hub.extensions import db

    app = bench_app(sqlalchemy_url(database))
    with app.app_context():
        admin = db.session.execute(sa.select(User).where(User.is_admin)).scalars().first()
        raw = tokens.issue(admin, tokens.SESSION)
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = raw
    sql = {"seconds": 0.0, "started": 0.0}

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before(*_args):
        sql["started"] = time.perf_counter()

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _after(*_args):
        sql["seconds"] += time.perf_counter() - sql["started"]

    gc.collect()
    gc.freeze()  # as wsgi.py does
    print("ready", flush=True)
    for line in sys.stdin:
        sql["seconds"] = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        status = client.get(line.strip()).status_code
        print(
            json.dumps(
                {
                    "status": status,
                    "page": (time.perf_counter() - wall) * 1000,
                    "sql": sql["seconds"] * 1000,
                    "cpu": (time.process_time() - cpu) * 1000,
                }
            ),
            flush=True,
        )


class Side:
    def __init__(self, label: str, root: Path, database: str):
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(root), "--database", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            sys.exit(f"{label}: the app under {root} did not start")

    def get(self, url: str) -> dict:
        self.process.stdin.write(url + "\n")
        self.process.stdin.flush()
        result = json.loads(self.process.stdout.readline())
        if result["status"] != 200:
            sys.exit(f"{self.label}: {url} answered {result['status']}")
        return result

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def pick(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def compare(args) -> None:
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from bench.hours_bench import KINDS, view_query

    engine = sa.create_engine(args.database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        first, last = conn.execute(sa.text("SELECT min(service_date), max(service_date) FROM hour_entries")).one()
        districts = conn.execute(sa.text("SELECT id FROM orgs WHERE kind = 'district' ORDER BY id")).scalars().all()
    engine.dispose()
    as_date = lambda value: value if isinstance(value, date) else date.fromisoformat(value)  # noqa: E731
    first, last = as_date(first), as_date(last)
    kinds = args.kinds.split(",") if args.kinds else list(KINDS)
    rng = random.Random(args.seed)
    views = [
        (kind, f"/review/{rng.choice(districts)}?{view_query(rng, kind, first, last)}")
        for kind in kinds
        for _ in range(args.views)
    ]
    rng.shuffle(views)
    sides = [Side("this checkout", ROOT, args.database), Side("other", Path(args.other).resolve(), args.database)]
    for district in districts:  # warm, as a running server would be
        for side in sides:
            side.get(f"/review/{district}?period=month&on={last.replace(day=1)}")
    results = {kind: ([], []) for kind in kinds}
    for number, (kind, url) in enumerate(views):
        for index in (0, 1) if number % 2 else (1, 0):
            results[kind][index].append(sides[index].get(url))
    for side in sides:
        side.close()
    print(f"{len(views)} views of {len(districts)} districts, each served by both; ms, p50 / p95 / max")
    for kind in kinds:
        for index, label in ((1, "other"), (0, "this")):
            rows = results[kind][index]
            figures = "  ".join(
                f"{name} {pick([r[name] for r in rows], 0.5):6.1f} / {pick([r[name] for r in rows], 0.95):6.1f} / "
                f"{max(r[name] for r in rows):6.1f}"
                for name in ("page", "sql", "cpu")
            )
            print(f"  {kind:<7} {label:<6} {figures}")
        differences = [mine["page"] - theirs["page"] for mine, theirs in zip(*results[kind], strict=True)]
        print(
            f"  {kind:<7} this - other: median {statistics.median(differences):+.1f} ms, this faster in "
            f"{sum(d < 0 for d in differences)} of {len(differences)} views"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="postgresql://... (the data of bench/hours_data.py)")
    parser.add_argument("--other", help="the other checkout's root directory")
    parser.add_argument("--views", type=int, default=30, help="views per kind")
    parser.add_argument("--kinds", default="", help="comma-separated: day,week,month,custom,year (default all)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--serve", metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve), args.database)
    elif not args.other:
        parser.error("--other is required")
    else:
        compare(args)


if __name__ == "__main__":
    main()
