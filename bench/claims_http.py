"""Claims per second over HTTP: the real claim endpoint vs. a bare atomic-claim app, gunicorn sync workers.

    .venv/bin/python bench/claims_http.py                       # SQLite (a fresh file under bench/out/)
    .venv/bin/python bench/claims_http.py --database postgresql://postgres@127.0.0.1:5432/postgres

Needs `wrk` (Debian package). Prints throughput and latency percentiles for both apps and checks afterwards
that no shift holds more confirmed claims than places.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching_data import create_schema  # noqa: E402
from volunteer_hub import create_app  # noqa: E402
from volunteer_hub.accounts import tokens  # noqa: E402
from volunteer_hub.accounts.models import User  # noqa: E402
from volunteer_hub.core import redis as embedded_redis  # noqa: E402
from volunteer_hub.core.timeutil import local_to_utc, now, to_local  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.orgs.models import Organisation  # noqa: E402
from volunteer_hub.tasks.models import Shift, Task  # noqa: E402

USERS = 3000
SHIFTS = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database_url: str, redis_url: str, out: Path) -> dict:
    """An empty database (every round starts from the same state), one task with many non-overlapping big
    shifts, and USERS volunteers with API tokens."""
    create_schema(database_url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench",
            "SMS_SENDER": "dev",  # the development sender, named: off SQLite it is never the default
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        org = Organisation(name="白石龙社区", kind="community", lat=22.61, lon=114.03, path="")
        db.session.add(org)
        db.session.flush()
        org.path = f"/{org.id}/"
        creator = User(phone="+8613700000000", name="organizer", password_hash="x")
        db.session.add(creator)
        db.session.flush()
        # Day shifts (09:00-13:00 local) on consecutive days: whenever the bench runs, every request is a
        # claim the rules accept (no night shifts, whose adults-only rule needs a birth date; 7 x 4 h a week
        # stay within the volunteers' cap), so both apps measure the same successful transaction.
        start = local_to_utc(to_local(now()).date() + timedelta(days=1), clock_time(9, 0))
        task = Task(org_id=org.id, title="bench", type="checkpoint", lat=22.61, lon=114.03, created_by_id=creator.id)
        task.shifts = [
            Shift(starts_at=start + timedelta(days=i), ends_at=start + timedelta(days=i, hours=4), capacity=10000)
            for i in range(SHIFTS)
        ]
        task.refresh_schedule()
        db.session.add(task)
        users = [
            User(phone=f"+86137{i:08d}", name=f"v{i}", password_hash="x", max_weekly_hours=40)
            for i in range(1, USERS + 1)
        ]
        db.session.add_all(users)
        db.session.flush()
        raw = [tokens.issue(user, tokens.API) for user in users]
        db.session.commit()
        data = {"users": [u.id for u in users], "tokens": raw, "shifts": [s.id for s in task.shifts]}
        db.engine.dispose()
    return data


def lua_table(data: dict, mode: str, threads: int) -> str:
    def seq(values):
        return "{" + ",".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values) + "}"

    return (
        f'return {{mode="{mode}", threads={threads}, users={seq(data["users"])}, '
        f"tokens={seq(data['tokens'])}, shifts={seq(data['shifts'])}}}"
    )


def run_wrk(url: str, data_file: Path, seconds: int, connections: int, threads: int) -> dict:
    env = {**os.environ, "BENCH_DATA": str(data_file)}
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "claims.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    """Requests/s, p50/p90/p99 in ms, non-2xx responses and socket errors from wrk --latency output."""
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for pct in ("50", "90", "99"):
        match = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{pct}_ms"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = socket_errors.group(1) if socket_errors else "none"
    return result


def serve(module: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            module,
        ],
        cwd=ROOT,
        env=env,
    )
    # Warm up until every worker has imported the app (gunicorn binds the port before workers are ready),
    # so the measurement does not start with requests queued behind worker start-up.
    deadline, quick = time.time() + 60, 0
    while quick < 4 * workers and time.time() < deadline:
        started = time.perf_counter()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/warm-up", timeout=5)
        except urllib.error.HTTPError:
            pass
        except OSError:
            time.sleep(0.1)
            continue
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
    return process


def overbooked(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(
            sa.text(
                "SELECT count(*) FROM shifts s WHERE s.confirmed > s.capacity OR s.confirmed <> "
                "(SELECT count(*) FROM claims c WHERE c.shift_id = s.id AND c.status = 'confirmed')"
            )
        ).scalar_one()
    engine.dispose()
    return count


def measure(label, module, database_url, redis_url, out, args, mode):
    data = prepare(database_url, redis_url, out)
    data_file = out / f"{mode}.lua"
    data_file.write_text(lua_table(data, mode, args.threads))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url.replace("+psycopg", ""),
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench",
        "SMS_SENDER": "dev",  # the development sender, named: off SQLite it is never the default
        "RATELIMIT_ENABLED": "0",
    }
    server = serve(module, port, env, args.workers)
    try:
        result = run_wrk(f"http://127.0.0.1:{port}", data_file, args.seconds, args.connections, args.threads)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    result["overbooked_shifts"] = overbooked(database_url)
    print(
        f"{label:<34} {result['rps']:>8.0f}/s  p50 {result['p50_ms']:6.1f} ms  p90 {result['p90_ms']:6.1f} ms  "
        f"p99 {result['p99_ms']:6.1f} ms  non-2xx {result['non_2xx']}  socket errors: {result['socket_errors']}  "
        f"overbooked shifts: {result['overbooked_shifts']}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help="PostgreSQL URL; default: a fresh SQLite file")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--rounds", type=int, default=3, help="baseline-then-endpoint pairs; the median is quoted")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install -y wrk")
    out = ROOT / "bench" / "out" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("REDIS_URL") or embedded_redis.start_embedded(str(out))
    print(
        f"claims over HTTP, gunicorn {args.workers} sync workers, wrk {args.threads} threads / "
        f"{args.connections} connections / {args.seconds} s",
        flush=True,
    )
    # Alternate the two apps round by round: this virtual machine's speed drifts by a third within minutes,
    # so only figures measured side by side compare, and the median round is the one to quote.
    rounds = []
    for number in range(1, args.rounds + 1):
        results = {}
        for mode, module, label in (
            ("baseline", "bench.baseline_app:app", "bare atomic claim (baseline)"),
            ("app", "wsgi:app", "POST /api/v1/shifts/<id>/claims"),
        ):
            url = args.database or f"sqlite:///{out / (mode + '.db')}"
            if url.startswith("postgresql://"):
                url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            results[mode] = measure(label, module, url, redis_url, out, args, mode)
        results["ratio"] = results["app"]["rps"] / results["baseline"]["rps"]
        print(f"round {number}: full endpoint / baseline throughput: {results['ratio']:.2f}x", flush=True)
        rounds.append(results)
    middle = sorted(rounds, key=lambda results: results["ratio"])[len(rounds) // 2]
    print(
        f"median round: claims {middle['app']['rps']:.0f}/s, p99 {middle['app']['p99_ms']:.1f} ms; bare "
        f"{middle['baseline']['rps']:.0f}/s; full endpoint / baseline throughput: {middle['ratio']:.2f}x"
    )
    embedded_redis.stop_embedded()


if __name__ == "__main__":
    main()
