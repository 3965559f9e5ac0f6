"""A notification to 10,000 recipients, planned: the in-app rows, then one delivery record per (notification,
channel) written by the plan jobs (issue 23: "planned in under 5 s").

    .venv/bin/python bench/fanout.py                       # SQLite (a fresh file under bench/out/)
    .venv/bin/python bench/fanout.py --database postgresql://postgres@127.0.0.1:54331/fanout   # schema dropped

Creates the recipients (verified numbers, no quiet hours, an e-mail address), then in-process, as the worker
would: ``notifications.services.notify_many`` for one kind in one transaction, and each plan job it recorded in
the outbox through ``outbox.jobs.run_event`` (which runs ``services.plan`` for a batch of PLAN_BATCH and marks
the event done). The three channels are on (a VAPID key is set, EMAIL_SENDER=dev), so each recipient gets an
SMS and an e-mail row queued and a push row suppressed (no browser subscribed). Redis is embedded unless
REDIS_URL is set: each commit's outbox hand-over to RQ is part of what is timed, as in service.

Prints the time of notify_many, of planning every batch (and how much of it the after-commit hand-over of the
SEND events to RQ took) and of both together: wall clock, and this process's CPU (the rest is the database's
work, waiting, or other processes on a shared machine). Then the rows written and the SEND events recorded, for
``--rounds`` rounds on a fresh schema each.
"""

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching_data import create_schema  # noqa: E402
from bench.stores import run_stores  # noqa: E402
from volunteer_hub import create_app  # noqa: E402
from volunteer_hub.accounts.models import User  # noqa: E402
from volunteer_hub.core.timeutil import now  # noqa: E402
from volunteer_hub.core.transactions import atomic  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.messaging.push import new_private_key  # noqa: E402
from volunteer_hub.notifications import services  # noqa: E402
from volunteer_hub.notifications.models import Delivery  # noqa: E402
from volunteer_hub.outbox import services as outbox  # noqa: E402
from volunteer_hub.outbox.jobs import run_event  # noqa: E402
from volunteer_hub.outbox.models import OutboxEvent  # noqa: E402

TARGET_S = 5.0
handover_s = [0.0]  # time spent in the outbox's after-commit hand-over to RQ (part of the jobs' time)


def timed_kick(kick=outbox.kick):
    started = time.perf_counter()
    kick()
    handover_s[0] += time.perf_counter() - started


outbox.kick = timed_kick  # record() and record_many() register the module's kick after their commit


def make_app(url: str, redis_url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench",
            "SMS_SENDER": "dev",
            "EMAIL_SENDER": "dev",
            "VAPID_PRIVATE_KEY": new_private_key(),  # push rows are planned; none is sent here
            "RATELIMIT_ENABLED": False,
        }
    )


def add_users(count: int) -> list[int]:
    """``count`` volunteers who can take every channel at any hour, in bulk."""
    verified = now()
    rows = [
        {
            "phone": f"+86139{i:08d}",
            "name": f"v{i}",
            "password_hash": "x",
            "email": f"v{i}@example.org",
            "phone_verified_at": verified,
            "quiet_start_min": None,
            "quiet_end_min": None,
            "created_at": verified,
        }
        for i in range(count)
    ]
    for start in range(0, count, 2000):
        db.session.execute(sa.insert(User.__table__), rows[start : start + 2000])
    db.session.commit()
    return list(db.session.execute(sa.select(User.id).order_by(User.id)).scalars())


def one_round(url: str, redis_url: str, recipients: int) -> dict:
    create_schema(url)
    app = make_app(url, redis_url)
    with app.app_context():
        user_ids = add_users(recipients)
        items = [
            {
                "user_id": uid,
                "dedupe_key": "bench:fanout",
                "urgent": False,
                "cause": "bench:fanout",
                "params": {"task": "Flood barrier at Baishilong", "starts_at": "2030-01-01T09:00:00+00:00"},
            }
            for uid in user_ids
        ]
        db.session.remove()
        cpu = time.process_time()
        started = time.perf_counter()
        ids = atomic(services.notify_many, "task_match", items)
        notified = time.perf_counter()
        cpu_s = time.process_time() - cpu
        events = list(
            db.session.execute(
                sa.select(OutboxEvent.id)
                .where(OutboxEvent.job == services.PLAN, OutboxEvent.done_at.is_(None))
                .order_by(OutboxEvent.id)
            ).scalars()
        )
        db.session.remove()
        handover_s[0] = 0.0
        cpu = time.process_time()
        planned_at = time.perf_counter()
        for event_id in events:
            run_event(event_id)
            db.session.remove()
        finished = time.perf_counter()
        cpu_s += time.process_time() - cpu
        deliveries = dict(
            db.session.execute(sa.select(Delivery.status, sa.func.count()).group_by(Delivery.status)).all()
        )
        sends = db.session.execute(sa.select(sa.func.count()).where(OutboxEvent.job == services.SEND)).scalar_one()
        undone = db.session.execute(
            sa.select(sa.func.count()).where(OutboxEvent.job == services.PLAN, OutboxEvent.done_at.is_(None))
        ).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return {
        "notified": len(ids),
        "plan_jobs": len(events),
        "undone": undone,
        "deliveries": deliveries,
        "sends": sends,
        "notify_s": notified - started,
        "plan_s": finished - planned_at,
        "handover_s": handover_s[0],
        "cpu_s": cpu_s,
        "total_s": (notified - started) + (finished - planned_at),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help="PostgreSQL URL (its schema is dropped); default: SQLite")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    _, url, redis_url = run_stores(args.database, "fanout")
    backend = "PostgreSQL" if args.database else "SQLite"
    print(f"fan-out of one notification to {args.recipients:,} recipients, {backend}, PLAN_BATCH {services.PLAN_BATCH}")
    totals = []
    for number in range(1, args.rounds + 1):
        r = one_round(url, redis_url, args.recipients)
        totals.append(r["total_s"])
        rows = sum(r["deliveries"].values())
        print(
            f"  round {number}: notify_many {r['notify_s']:.2f} s; {r['plan_jobs']} plan jobs {r['plan_s']:.2f} s "
            f"(of which handing SEND events to RQ {r['handover_s']:.2f} s); total {r['total_s']:.2f} s "
            f"(this process's CPU {r['cpu_s']:.2f} s)\n"
            f"    {rows:,} delivery rows {r['deliveries']}, {r['sends']:,} SEND events"
        )
        if r["notified"] != args.recipients or rows != 3 * args.recipients or r["undone"]:
            sys.exit(f"incomplete: {r}")
    best, worst = min(totals), max(totals)
    verdict = "met" if worst < TARGET_S else "NOT met"
    print(f"  notify + plan: best {best:.2f} s, worst {worst:.2f} s (target < {TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
