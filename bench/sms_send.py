"""The worker's overhead per SMS, the provider call excluded (issue 23: "under 2 ms").

    .venv/bin/python bench/sms_send.py                       # SQLite (a fresh file under bench/out/)
    .venv/bin/python bench/sms_send.py --database postgresql://postgres@127.0.0.1:54331/smssend   # schema dropped

Plans one SMS for each of 3 × --sends recipients (verified numbers, no quiet hours) with the real notify_many and
plan, with the SMS sender replaced by one that returns at once (registered in messaging.sms.SENDERS from here,
since the development sender writes a row). Then sends them, a third in each of three ways:

- ``services.send(delivery_id)``: claim the row (committed), read it, its notification and its reader, count the
  send against the per-number limit in Redis, call the sender, record the result (committed);
- ``outbox.jobs.run_event(event_id)``: the same through the outbox event that plan recorded (read the event, run
  the job, mark it done, commit);
- an RQ worker (``worker.run_worker``, burst mode, in this process) draining the SEND jobs from Redis: what a
  worker spends per job, RQ's bookkeeping included (the worker's start-up is spread over the jobs).

Prints the mean and p95 per send (wall clock; the time spent inside the sender, microseconds, is taken out) and
the CPU of this process per send, after --warm-up sends in each way.
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import add_users, make_app  # noqa: E402
from bench.matching_data import create_schema  # noqa: E402
from bench.stores import run_stores  # noqa: E402
from volunteer_hub.core import queue  # noqa: E402
from volunteer_hub.core.transactions import atomic  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.messaging import sms  # noqa: E402
from volunteer_hub.notifications import services  # noqa: E402
from volunteer_hub.notifications.models import Delivery  # noqa: E402
from volunteer_hub.outbox import services as outbox  # noqa: E402
from volunteer_hub.outbox.jobs import run_event  # noqa: E402
from volunteer_hub.outbox.models import OutboxEvent  # noqa: E402
from volunteer_hub.worker import run_worker  # noqa: E402

TARGET_MS = 2.0
in_sender_s = [0.0, 0]  # time inside the sender, and its calls


class NullSmsSender:
    """A provider that accepts every message at once."""

    name = "null"

    def send(self, phone, template, params, *, text, out_id):
        started = time.perf_counter()
        result = f"null-{out_id}"
        in_sender_s[0] += time.perf_counter() - started
        in_sender_s[1] += 1
        return result


def prepare(url: str, redis_url: str, count: int) -> list[tuple[int, int]]:
    """(delivery id, SEND event id) of ``count`` queued SMS deliveries, planned as in service."""
    create_schema(url)
    app = make_app(url, redis_url)
    with app.app_context():
        user_ids = add_users(count)
        items = [{"user_id": uid, "params": {"task": "Sandbags at the river"}} for uid in user_ids]
        atomic(services.notify_many, "task_match", items)
        for batch in db.session.execute(sa.select(OutboxEvent.payload).where(OutboxEvent.job == services.PLAN)):
            services.plan(batch.payload["notification_ids"])
        sms_ids = set(
            db.session.execute(
                sa.select(Delivery.id).where(Delivery.channel == "sms", Delivery.status == "queued")
            ).scalars()
        )
        pairs = sorted(
            (event.payload["delivery_id"], event.id)
            for event in db.session.execute(sa.select(OutboxEvent).where(OutboxEvent.job == services.SEND)).scalars()
            if event.payload["delivery_id"] in sms_ids
        )
        queue.connection().flushdb()  # the plan jobs' kicks handed the SEND events to RQ; the worker way re-sends
        db.session.execute(sa.update(OutboxEvent).values(dispatched_at=None))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    if len(pairs) != count:
        sys.exit(f"planned {len(pairs)} SMS deliveries, not {count}")
    return pairs


def timed_each(call, ids) -> tuple[list[float], float]:
    """Wall ms per call (the sender's own time taken out) and this process's CPU ms per call."""
    wall, cpu = [], time.process_time()
    for item in ids:
        before_sender = in_sender_s[0]
        started = time.perf_counter()
        call(item)
        wall.append((time.perf_counter() - started - (in_sender_s[0] - before_sender)) * 1000)
        db.session.remove()
    return wall, (time.process_time() - cpu) * 1000 / len(ids)


def through_worker(app, events: list[int]) -> tuple[float, float]:
    """Mean wall ms and CPU ms per job of a burst RQ worker draining ``events``, handed over by the outbox."""
    with app.app_context():
        db.session.execute(
            sa.update(OutboxEvent).where(OutboxEvent.id.in_(events)).values(dispatched_at=None, done_at=None)
        )
        db.session.execute(
            sa.update(OutboxEvent).where(OutboxEvent.id.not_in(events)).values(dispatched_at=sa.func.now())
        )
        db.session.commit()
        assert outbox.dispatch_pending(limit=len(events)) == len(events)
        db.session.remove()
    before_sender, cpu, started = in_sender_s[0], time.process_time(), time.perf_counter()
    run_worker(app, burst=True)
    wall = time.perf_counter() - started - (in_sender_s[0] - before_sender)
    return wall * 1000 / len(events), (time.process_time() - cpu) * 1000 / len(events)


def round_trips(call, item) -> str:
    """The database statements (COMMIT included) and Redis commands of one call: counts that do not drift."""
    statements, commands = [], []

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement.split(None, 1)[0])

    def commit(_conn):
        statements.append("COMMIT")

    original = redis.Redis.execute_command  # every client: RQ's and the rate limiter's

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    sa.event.listen(db.engine, "commit", commit)
    redis.Redis.execute_command = counted
    try:
        call(item)
    finally:
        redis.Redis.execute_command = original
        sa.event.remove(db.engine, "before_cursor_execute", record)
        sa.event.remove(db.engine, "commit", commit)
        db.session.remove()
    return (
        f"{len(statements)} database statements ({' '.join(statements)}), "
        f"{len(commands)} Redis commands ({' '.join(commands)})"
    )


def python_calls(call, ids) -> float:
    """Python function calls per call (cProfile): a count that does not drift, for comparing two versions."""
    profile = cProfile.Profile()
    for item in ids:
        profile.enable()
        call(item)
        profile.disable()
        db.session.remove()
    return pstats.Stats(profile).total_calls / len(ids)


def report(label: str, wall: list[float], cpu_ms: float) -> None:
    p95 = statistics.quantiles(wall, n=20)[-1]
    print(f"  {label:<44} mean {statistics.fmean(wall):.2f} ms  p95 {p95:.2f} ms  CPU {cpu_ms:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help="PostgreSQL URL (its schema is dropped); default: SQLite")
    parser.add_argument(
        "--sends",
        type=int,
        default=1000,
        help="sends timed in each way (the last 100 of the first way are profiled instead)",
    )
    parser.add_argument("--warm-up", type=int, default=100)
    args = parser.parse_args()
    _, url, redis_url = run_stores(args.database, "sms_send")
    sms.SENDERS["dev"] = f"{__name__}.NullSmsSender"
    per_way = args.sends + args.warm_up
    pairs = prepare(url, redis_url, 3 * per_way)
    app = make_app(url, redis_url)
    app.config["WORKER_LOG_LEVEL"] = "WARNING"
    direct, evented, worked = pairs[:per_way], pairs[per_way : 2 * per_way], pairs[2 * per_way :]
    backend = "PostgreSQL" if args.database else "SQLite"
    print(f"per SMS send, provider call excluded, {backend}, {args.sends} sends each after {args.warm_up} to warm up:")
    with app.app_context():
        timed_each(services.send, [d for d, _ in direct[1 : args.warm_up]])
        trips = round_trips(services.send, direct[0][0])
        calls = python_calls(services.send, [d for d, _ in direct[args.warm_up :][-100:]])
        wall, cpu_ms = timed_each(services.send, [d for d, _ in direct[args.warm_up :][:-100]])
        report("services.send(delivery_id)", wall, cpu_ms)
        timed_each(run_event, [e for _, e in evented[: args.warm_up]])
        wall, cpu_ms = timed_each(run_event, [e for _, e in evented[args.warm_up :]])
        report("outbox.jobs.run_event(event_id)", wall, cpu_ms)
    through_worker(app, [e for _, e in worked[: args.warm_up]])
    mean_ms, cpu_ms = through_worker(app, [e for _, e in worked[args.warm_up :]])
    print(f"  {'RQ worker, burst, per job':<44} mean {mean_ms:.2f} ms            CPU {cpu_ms:.2f} ms")
    with app.app_context():
        sent = db.session.execute(
            sa.select(sa.func.count()).where(Delivery.channel == "sms", Delivery.status == "sent")
        ).scalar_one()
    if sent != 3 * per_way or in_sender_s[1] != sent:
        sys.exit(f"{sent} deliveries sent and {in_sender_s[1]} sender calls, not {3 * per_way}")
    print(f"  one services.send: {trips}; {calls:.0f} Python function calls")
    print(
        f"  (time inside the sender: {in_sender_s[0] * 1e6 / in_sender_s[1]:.1f} µs a call, taken out; target for "
        f"services.send < {TARGET_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
