"""City-scale matching and nearby figures against the targets of issue 3, with the naive geopy baseline.

    make bench-data && .venv/bin/python bench/matching_bench.py          # SQLite bench/out/matching.db
    .venv/bin/python bench/matching_bench.py --database postgresql://postgres@127.0.0.1:5433/bench_matching

1. Matching one task (target < 50 ms p99): loading the task and rank_candidates (area search, skills,
   availability, overlaps, weekly caps, fairness, ranking) for --tasks random open tasks; then the whole
   match including writing its notices and notifications, rolled back so later runs start from the same data.
2. The nearby list over HTTP (target < 25 ms p99): gunicorn with 2 sync workers on the same database, wrk
   asking GET /api/v1/tasks?lat&lon at random points of the city for --seconds.
3. The naive baseline: geopy's geodesic from one task to every volunteer (timed on a sample of --sample
   volunteers and extrapolated to all of them, unless --full-baseline), plus reading their coordinates.
Needs the data of bench/matching_data.py and `wrk`.
"""

import argparse
import gc
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from geopy.distance import geodesic

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.claims_http import free_port, parse_wrk, serve  # noqa: E402
from bench.matching_data import DEFAULT_SQLITE, sqlalchemy_url  # noqa: E402
from volunteer_hub import create_app  # noqa: E402
from volunteer_hub.core import redis as embedded_redis  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.matching import services  # noqa: E402
from volunteer_hub.tasks.models import Task  # noqa: E402

MATCH_TARGET_MS, NEARBY_TARGET_MS = 50, 25
WARM_UP = 20


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return f"p50 {pick(0.5):6.1f} ms  p95 {pick(0.95):6.1f} ms  p99 {pick(0.99):6.1f} ms  max {ordered[-1]:6.1f} ms"


def timed_matches(task_ids: list[int], *, write: bool) -> tuple[list[float], list[int]]:
    """(milliseconds, volunteers chosen) per task of choosing (with write=True: and recording) its matches;
    every transaction is rolled back."""
    times, chosen = [], []
    for task_id in task_ids:
        started = time.perf_counter()
        if write:
            chosen.append(services.record_matches(task_id))
        else:
            chosen.append(len(services.rank_candidates(db.session.get(Task, task_id))))
        times.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return times, chosen


def bench_matching(app, args) -> float:
    with app.test_request_context():
        open_ids = (
            db.session.execute(sa.select(Task.id).where(Task.status == "open", Task.lat.is_not(None)).order_by(Task.id))
            .scalars()
            .all()
        )
        volunteers = db.session.execute(sa.text("SELECT count(*) FROM users WHERE lat IS NOT NULL")).scalar_one()
        if not open_ids or volunteers < 1000:
            sys.exit("No benchmark data: run `make bench-data` (or bench/matching_data.py) first.")
        sample = random.Random(args.seed).sample(open_ids, min(args.tasks, len(open_ids)))
        print(
            f"matching one task: {len(sample)} random tasks of {len(open_ids):,} open, "
            f"{volunteers:,} volunteers (target < {MATCH_TARGET_MS} ms p99)",
            flush=True,
        )
        timed_matches(sample[:WARM_UP], write=False)
        select_ms, chosen = timed_matches(sample, write=False)
        print(
            f"  choose candidates              {percentiles(select_ms)}   "
            f"(~{statistics.mean(chosen):.0f} volunteers chosen per task)",
            flush=True,
        )
        print(f"  ... and record them (rollback) {percentiles(timed_matches(sample, write=True)[0])}", flush=True)
        # A full collection of the app's long-lived objects pauses ~70 ms; a worker that freezes them after
        # start-up (gc.freeze()) no longer pays that inside a job.
        gc.collect()
        gc.freeze()
        print(f"  choose, after gc.freeze()      {percentiles(timed_matches(sample, write=False)[0])}", flush=True)
        gc.unfreeze()
    return statistics.median(select_ms)


def bench_baseline(app, args, match_p50_ms: float) -> None:
    with app.app_context():
        started = time.perf_counter()
        points = db.session.execute(sa.text("SELECT lat, lon FROM users WHERE lat IS NOT NULL")).all()
        read_s = time.perf_counter() - started
        task = db.session.execute(sa.select(Task.lat, Task.lon).where(Task.status == "open").limit(1)).one()
    sample = points if args.full_baseline else random.Random(args.seed).sample(points, min(args.sample, len(points)))
    started = time.perf_counter()
    nearest = min(geodesic((task.lat, task.lon), point).km for point in sample)
    per_call = (time.perf_counter() - started) / len(sample)
    total_s = read_s + per_call * len(points)
    how = "all" if args.full_baseline else f"a sample of {len(sample):,}, extrapolated to"
    print(
        f"naive baseline: geopy geodesic over {how} {len(points):,} volunteers: {per_call * 1e6:.0f} µs a call, "
        f"{total_s:.1f} s per task (reading coordinates {read_s:.1f} s) = {total_s * 1000 / match_p50_ms:,.0f}x "
        f"the indexed match's p50 (nearest volunteer found: {nearest:.2f} km)",
        flush=True,
    )


def bench_nearby(database: str, args) -> None:
    if not shutil.which("wrk"):
        print("nearby over HTTP: skipped, wrk is not installed (apt-get install -y wrk)")
        return
    out = ROOT / "bench" / "out"
    redis_url = os.environ.get("REDIS_URL") or embedded_redis.start_embedded(str(out))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench",
        "SMS_SENDER": "dev",  # the development sender, named: off SQLite it is never the default
        "RATELIMIT_ENABLED": "0",
    }
    server = serve("wsgi:app", port, env, workers=2)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                "-s",
                str(ROOT / "bench" / "nearby.lua"),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        embedded_redis.stop_embedded()
    result = parse_wrk(output)
    print(
        f"nearby tasks over HTTP (GET /api/v1/tasks?lat&lon, 5 km, 20 a page; gunicorn 2 sync workers, wrk "
        f"{args.threads} threads / {args.connections} connections / {args.seconds} s; target < "
        f"{NEARBY_TARGET_MS} ms p99):\n  {result['rps']:,.0f} req/s  p50 {result['p50_ms']:.1f} ms  "
        f"p90 {result['p90_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms  non-2xx {result['non_2xx']}  "
        f"socket errors: {result['socket_errors']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help=f"PostgreSQL URL; default: SQLite file {DEFAULT_SQLITE}")
    parser.add_argument("--tasks", type=int, default=200, help="random open tasks to match")
    parser.add_argument("--sample", type=int, default=20_000, help="volunteers timed for the naive baseline")
    parser.add_argument("--full-baseline", action="store_true", help="time geodesic over every volunteer")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=2, help="one request in flight per worker")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    database = args.database or f"sqlite:///{DEFAULT_SQLITE}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database),
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "bench",
            "SMS_SENDER": "dev",  # the development sender, named: off SQLite it is never the default
        }
    )
    print(f"database: {database.split('@')[-1]}", flush=True)
    match_p50 = bench_matching(app, args)
    bench_nearby(database, args)
    bench_baseline(app, args, match_p50)


if __name__ == "__main__":
    main()
