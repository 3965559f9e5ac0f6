"""`make bench`: the production layout in miniature under the busiest day's traffic, then again with faults.

    .venv/bin/python bench/load/run.py [--seconds 60] [--users 64] [--scale 1.0]

Starts PostgreSQL (reuses one answering on --pg-port, else creates a cluster of its own with pg_createcluster),
Redis (append-only, so a restart keeps the queues), gunicorn with 2 web processes, 2 RQ workers and the scheduler;
seeds bench/load/dataset.py's day; runs bench/load/locustfile.py headless for --seconds; prints throughput and
p50/p95/p99 per request type and the errors; waits for the backlog to drain and checks the invariants (no shift
over capacity, no claim lost, every outbox event done once, notifications unique, tallies match the ledger, no SMS
sent twice for one delivery record); then measures the nearby list alone with wrk (bench/nearby.lua, with the
volunteers' tokens). The workers send SMS through the real Alibaba Cloud adapter to bench/load/sms_standin.py,
which counts the provider calls per delivery record (its OutId).
Phase 2 repeats it on fresh data with faults mid-run: one RQ worker SIGKILLed (and respawned), Redis stopped for
10 s and restarted, one web process SIGKILLed (gunicorn starts another). Finally bench/claims_http.py measures the
claim endpoint against the bare atomic-claim app on the same PostgreSQL. A failed invariant makes the run exit 1.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.claims_http import parse_wrk  # noqa: E402
from bench.load import dataset  # noqa: E402
from bench.load.sms_standin import SmsStandIn  # noqa: E402

BIN = Path(sys.executable).parent
TARGETS = "targets: claims >= 500/s with p99 < 100 ms, nearby >= 1,500/s, 0 overbooked, claim/bare >= 0.6x"
# The kinds of notification the day's traffic causes (claims, waitlist promotions, team claims, matches for new
# tasks, help requests, confirmed hours, reminders...), each with an "approved template" so it goes by SMS. A kind
# left out is suppressed with reason no_template, which the SMS figures show.
SMS_KINDS = (
    "claim_promoted",
    "claim_promoted_pending",
    "claim_approved",
    "claim_rejected",
    "claim_removed",
    "team_claim",
    "team_claim_declined",
    "task_match",
    "task_cancelled",
    "shift_time_changed",
    "help_requested",
    "hours_confirmed",
    "hours_corrected",
    "marked_no_show",
    "shift_reminder",
    "places_released",
    "attendance_check",
)
STUCK_AFTER_S = 20  # a record claimed by a worker killed mid-call is closed as failed this soon, within the drain


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- servers ---


def postgres(port: int, out: Path) -> str:
    """The server URL: one already answering on port, or a new cluster of our own there."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode != 0:
        version = sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]
        data, name = out / "pgdata", f"bench{port}"  # one cluster per port: runs on other ports do not collide
        out.chmod(0o755)
        subprocess.run(
            ["pg_createcluster", version, name, "-p", str(port), "-d", str(data), "--", "-A", "trust"],
            check=True,
            capture_output=True,
        )
        subprocess.run(["pg_ctlcluster", version, name, "start", "-o", "-c max_connections=200"], check=True)
        log(f"PostgreSQL {version} cluster '{name}' on port {port} (pg_dropcluster --stop {version} {name} removes it)")
    else:
        log(f"PostgreSQL already running on port {port}: reusing it")
    return f"postgresql://postgres@127.0.0.1:{port}"


def create_database(server: str, name: str) -> str:
    engine = sa.create_engine(
        f"{server.replace('postgresql://', 'postgresql+psycopg://')}/postgres", isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


class Stack:
    """Redis, gunicorn (2 web processes), 2 RQ workers and the scheduler, with the faults the run injects."""

    def __init__(self, database_url: str, out: Path, sms: SmsStandIn, label: str):
        self.out, self.redis_port, self.port = out, free_port(), free_port()
        self.redis_dir = out / f"redis-{label}"  # each phase's own append-only file (queues, per-number limits)
        self.redis_dir.mkdir(exist_ok=True)
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": "bench",
            **sms.settings(),
            "SMS_TEMPLATES": ",".join(f"{kind}:SMS_BENCH_{n}" for n, kind in enumerate(SMS_KINDS, 1)),
            "DELIVERY_STUCK_AFTER_S": str(STUCK_AFTER_S),
            "RATELIMIT_ENABLED": "0",
            "WORKER_LOG_LEVEL": "WARNING",
            "GEOCODER_DOMAIN": "",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
        }
        self.sms = sms
        self.killed_in_call: str | None = None  # the OutId of the SendSms a SIGKILLed worker was waiting for
        self.logs = (out / "stack.log").open("a")
        self.redis = self.web = self.scheduler = None
        self.workers: list[subprocess.Popen] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, *args) -> subprocess.Popen:
        return subprocess.Popen(
            [str(a) for a in args],
            cwd=ROOT,
            env=self.env,
            stdout=self.logs,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_redis(self) -> None:
        self.redis = self._spawn(
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            self.redis_port,
            "--save",
            "",
            "--appendonly",
            "yes",
            "--dir",
            self.redis_dir,
        )
        client = redis.Redis.from_url(self.redis_url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("Redis did not start")

    def stop_redis(self) -> None:
        """A clean stop: Redis writes its append-only file, so the queues survive the restart."""
        self.redis.send_signal(signal.SIGTERM)
        self.redis.wait(timeout=30)

    def start(self) -> None:
        self.start_redis()
        self.web = self._spawn(
            BIN / "gunicorn",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "wsgi:app",
        )
        self.workers = [self.start_worker(), self.start_worker()]
        self.scheduler = self._spawn(BIN / "flask", "--app", "wsgi", "scheduler")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the web processes did not start")

    def start_worker(self) -> subprocess.Popen:
        return self._spawn(BIN / "flask", "--app", "wsgi", "worker")

    def web_processes(self) -> list[psutil.Process]:
        return psutil.Process(self.web.pid).children()

    def stop(self) -> None:
        for process in [self.web, self.scheduler, *self.workers, self.redis]:
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [self.web, self.scheduler, *self.workers, self.redis]:
            if process:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        self.logs.close()


# --- the faults of phase 2 ---


def worker_in_sms_call(stack: Stack, wait_s: float = 5.0) -> tuple[subprocess.Popen, str] | None:
    """Hold the next SendSms at the stand-in and find the RQ worker whose process (or work horse) waits for its
    answer; returns it with the call's OutId (None when no SendSms came within wait_s). The caller lets the call
    go (stack.sms.let_go) after killing the worker."""
    held = stack.sms.hold_next(wait_s)
    if held is None:
        return None
    client_port, out_id = held
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for worker in stack.workers:
            try:
                tree = [psutil.Process(worker.pid), *psutil.Process(worker.pid).children(recursive=True)]
                if any(conn.laddr.port == client_port for p in tree for conn in p.net_connections(kind="tcp")):
                    return worker, out_id
            except psutil.Error:
                continue
        time.sleep(0.05)
    stack.sms.let_go.set()
    return None


def inject_faults(stack: Stack, seconds: int) -> None:
    """At 1/5 of the run SIGKILL an RQ worker -- the one waiting for the answer to a SendSms the stand-in holds,
    if one comes within 5 s -- and respawn it 5 s later; at 2/5 stop Redis for 10 s; at 3/5 SIGKILL one web
    process (gunicorn's master starts another)."""
    step = seconds / 5
    time.sleep(step)
    started = time.monotonic()
    victim, out_id = worker_in_sms_call(stack) or (stack.workers[0], None)
    stack.killed_in_call = out_id
    stack.workers.remove(victim)
    os.killpg(victim.pid, signal.SIGKILL)
    stack.sms.let_go.set()
    log(
        "fault: SIGKILLed an RQ worker "
        + (f"waiting for the answer to SendSms OutId={out_id}" if out_id else "(no SendSms in flight within 5 s)")
    )
    time.sleep(max(0.0, 5 - (time.monotonic() - started)))
    stack.workers.append(stack.start_worker())
    log("fault: started a replacement RQ worker")
    time.sleep(max(0.0, step - 5))
    stack.stop_redis()
    log("fault: Redis stopped")
    time.sleep(10)
    stack.start_redis()
    log("fault: Redis restarted")
    time.sleep(max(0.0, step - 10))
    web = stack.web_processes()
    if web:
        web[0].kill()
        log(f"fault: SIGKILLed web process {web[0].pid}")


# --- load ---


def run_locust(stack: Stack, scenario: Path, out: Path, label: str, args) -> dict:
    claims_file = out / f"{label}-claims.json"
    env = {**os.environ, "BENCH_SCENARIO": str(scenario), "BENCH_CLAIMS": str(claims_file)}
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench/load/locustfile.py"),
            "--headless",
            "--host",
            stack.base,
            "-u",
            str(args.users),
            "-r",
            str(args.users),
            "-t",
            f"{args.seconds}s",
            "--csv",
            str(out / label),
            "--only-summary",
            "--stop-timeout",
            "5",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        check=False,
        stdout=(out / f"{label}-locust.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    with (out / f"{label}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    with (out / f"{label}_failures.csv").open() as failures:
        errors = list(csv.DictReader(failures))
    return {"rows": rows, "errors": errors, "claims": json.loads(claims_file.read_text())}


def print_figures(result: dict) -> None:
    print(f"{'request':<34}{'count':>8}{'req/s':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'failures':>10}")
    for row in result["rows"]:
        print(
            f"{row['Name']:<34}{row['Request Count']:>8}{float(row['Requests/s']):>9.1f}{row['50%']:>7}"
            f"{row['95%']:>7}{row['99%']:>7}{row['Failure Count']:>10}"
        )
    print("(latencies in ms)")
    for error in result["errors"]:
        print(f"  error: {error['Method']} {error['Name']}: {error['Error']} x{error['Occurrences']}")


# --- invariants ---


def drain(stack: Stack, database_url: str, timeout: int) -> float:
    """Seconds until every outbox event is done, the queue is empty and no delivery is due or being sent (a record
    a killed worker left "sending" is closed after STUCK_AFTER_S) -- or the timeout."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    client, started = redis.Redis.from_url(stack.redis_url), time.monotonic()
    while time.monotonic() - started < timeout:
        with engine.connect() as conn:
            open_events = conn.execute(sa.text("SELECT count(*) FROM outbox_events WHERE done_at IS NULL")).scalar()
            waiting = conn.execute(
                sa.text(
                    "SELECT count(*) FROM deliveries WHERE status = 'sending' OR (status = 'queued' AND "
                    "(not_before IS NULL OR not_before <= now()))"
                )
            ).scalar()
        queued = client.llen("rq:queue:default")
        if open_events == 0 and queued == 0 and waiting == 0:
            break
        time.sleep(1)
    engine.dispose()
    return time.monotonic() - started


def check_invariants(stack: Stack, database_url: str, claims: list) -> dict:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        overbooked = conn.execute(
            sa.text(
                "SELECT count(*) FROM shifts s WHERE s.confirmed > s.capacity OR s.confirmed <> "
                "(SELECT count(*) FROM claims c WHERE c.shift_id = s.id AND c.status = 'confirmed')"
            )
        ).scalar()
        stored = dict(conn.execute(sa.text("SELECT id, user_id FROM claims")).all())
        open_events = conn.execute(sa.text("SELECT count(*) FROM outbox_events WHERE done_at IS NULL")).scalar()
        events = conn.execute(sa.text("SELECT count(*) FROM outbox_events")).scalar()
        duplicates = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT user_id, dedupe_key FROM notifications WHERE dedupe_key IS NOT NULL "
                "GROUP BY user_id, dedupe_key HAVING count(*) > 1) d"
            )
        ).scalar()
    engine.dispose()
    lost = [claim_id for claim_id, user_id in claims if stored.get(claim_id) != user_id]
    tallies = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "stats", "verify-tallies"],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
    )
    return {
        "overbooked shifts": overbooked,
        "claims answered 201": len(claims),
        "claims lost": len(lost),
        "outbox events": events,
        "outbox events not done": open_events,
        "duplicate notifications": duplicates,
        "queued jobs": redis.Redis.from_url(stack.redis_url).llen("rq:queue:default"),
        "tallies": "match" if tallies.returncode == 0 else f"MISMATCH: {tallies.stdout.strip()[-300:]}",
    }


def check_sms(database_url: str, standin: SmsStandIn, killed_in_call: str | None = None) -> dict:
    """What the stand-in received against the delivery records: no OutId twice, each sent (or delivered) record
    exactly one provider call with the BizId it answered, no call for a record that does not exist."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, status, reason, provider_id FROM deliveries WHERE channel = 'sms'")
        ).all()
    engine.dispose()
    with standin.lock:
        calls, biz_ids = dict(standin.calls), dict(standin.biz_ids)
    records = {f"d{row.id}": row for row in rows}
    reached = [row for row in rows if row.status in ("sent", "delivered")]
    statuses: dict[str, int] = {}
    for row in rows:
        key = f"{row.status} ({row.reason})" if row.reason and row.status == "suppressed" else row.status
        statuses[key] = statuses.get(key, 0) + 1
    killed = records.get(killed_in_call or "")
    return {
        "SMS provider calls (SendSms)": sum(calls.values()),
        "SMS records sent twice or more": sum(1 for n in calls.values() if n > 1),
        "SMS sent/delivered records without exactly one call": sum(
            1 for row in reached if calls.get(f"d{row.id}") != 1 or biz_ids.get(f"d{row.id}") != row.provider_id
        ),
        "SMS calls for no delivery record": sum(1 for out_id in calls if out_id not in records),
        "SMS records failed after a provider call": sum(
            1 for row in rows if row.status == "failed" and f"d{row.id}" in calls
        ),
        "SMS receipt queries": standin.other.get("QuerySendDetails", 0),
        "SMS deliveries by status": ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) or "none",
        **(
            {"SMS record whose call the SIGKILL cut": f"{killed_in_call} {killed.status}, {calls[killed_in_call]} call"}
            if killed
            else {}
        ),
    }


# An invariant holds when its value passes its test; anything else fails the run.
MUST = {
    "overbooked shifts": lambda v: v == 0,
    "claims lost": lambda v: v == 0,
    "outbox events not done": lambda v: v == 0,
    "duplicate notifications": lambda v: v == 0,
    "queued jobs": lambda v: v == 0,
    "tallies": lambda v: v == "match",
    "SMS records sent twice or more": lambda v: v == 0,
    "SMS sent/delivered records without exactly one call": lambda v: v == 0,
    "SMS calls for no delivery record": lambda v: v == 0,
}


def measure_nearby(stack: Stack, scenario: Path, out: Path, seconds: int) -> None:
    """wrk alone on the nearby list in this layout (locust's Python saturates long before the web processes):
    GET /api/v1/tasks at random points of the box, each with an active volunteer's bearer token like the
    mobile client."""
    tokens_file = out / "nearby-tokens.txt"
    tokens_file.write_text("\n".join(v["token"] for v in json.loads(scenario.read_text())["volunteers"]))
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench/nearby.lua"), stack.base],
        env={**os.environ, "BENCH_TOKENS": str(tokens_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = parse_wrk(output)
    print(
        f"nearby list alone (wrk 2 threads / 16 connections / {seconds} s): {result['rps']:.0f}/s, "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']}, "
        f"socket errors: {result['socket_errors']}",
        flush=True,
    )


def phase(label: str, server: str, out: Path, args, faults: bool) -> list[str]:
    """Run one phase; returns the invariants that failed ("phase: name = value")."""
    database_url = create_database(server, "vh_bench_load")
    log(f"{label}: seeding the day (scale {args.scale})")
    standin = SmsStandIn().start()
    stack = Stack(database_url, out, standin, label)
    stack.start_redis()
    scenario = dataset.prepare(
        database_url.replace("postgresql://", "postgresql+psycopg://", 1), stack.redis_url, out, scale=args.scale
    )
    stack.stop_redis()
    stack.start()
    try:
        log(f"{label}: locust, {args.users} users for {args.seconds} s" + (" with faults" if faults else ""))
        injector = threading.Thread(target=inject_faults, args=(stack, args.seconds)) if faults else None
        if injector:
            injector.start()
        result = run_locust(stack, scenario, out, label, args)
        if injector:
            injector.join()
        print_figures(result)
        waited = drain(stack, database_url, args.drain_timeout)
        log(
            f"{label}: backlog drained in {waited:.0f} s"
            if waited < args.drain_timeout
            else f"{label}: backlog NOT drained after {args.drain_timeout} s"
        )
        failed = []
        invariants = {
            **check_invariants(stack, database_url, result["claims"]),
            **check_sms(database_url, standin, stack.killed_in_call),
        }
        for name, value in invariants.items():
            ok = MUST.get(name, lambda v: True)(value)
            print(f"  {name}: {value}" + ("" if ok else "   <-- FAILED"))
            if not ok:
                failed.append(f"{label}: {name} = {value}")
        if not faults and shutil.which("wrk"):
            log(f"{label}: the nearby list alone with wrk")
            measure_nearby(stack, scenario, out, min(args.seconds, 20))
    finally:
        stack.stop()
        standin.stop()
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="length of each locust phase")
    parser.add_argument("--users", type=int, default=64, help="simulated users (1 in 21 an organizer)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the dataset (1.0: 50,000 volunteers)")
    parser.add_argument("--pg-port", type=int, default=54331)
    parser.add_argument("--drain-timeout", type=int, default=240)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    out = ROOT / "bench" / "out" / ("load-" + time.strftime("%Y%m%d-%H%M%S"))
    out.mkdir(parents=True, exist_ok=True)
    server = postgres(args.pg_port, out)
    print(TARGETS, flush=True)
    failed = phase("phase1", server, out, args, faults=False)
    failed += phase("phase2", server, out, args, faults=True)
    if not args.skip_baseline and shutil.which("wrk"):
        log("claim endpoint vs. bare atomic claim (bench/claims_http.py)")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench/claims_http.py"),
                "--database",
                create_database(server, "vh_bench_baseline"),
                "--seconds",
                str(min(args.seconds, 20)),
            ],
            cwd=ROOT,
            check=False,
        )
    print(TARGETS, flush=True)
    if failed:
        print("INVARIANTS FAILED:\n  " + "\n  ".join(failed), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
