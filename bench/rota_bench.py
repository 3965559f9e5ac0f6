"""Rota proposal timing against issue 5's target: a 14-day, 3-shift, 2-person rota for a 20-member team in
under 1 s, database reads included.

    .venv/bin/python bench/rota_bench.py                       # SQLite file bench/out/rota.db
    .venv/bin/python bench/rota_bench.py --database postgresql://postgres@127.0.0.1:5433/bench_rota

It builds an empty database, one community, a checkpoint task with a 14-day series (08-16, 16-24, 00-08, two
places each) adopted by a team of 20 (mixed availability: about half take nights; weekly caps 20-40 h; every
member already holds two shifts elsewhere in the fortnight), then calls rotas.services.propose_rota --runs
times, each in a fresh session (nothing cached), and prints the timings.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hours_data import bench_app  # noqa: E402
from bench.matching_data import create_schema, sqlalchemy_url  # noqa: E402
from volunteer_hub.accounts.models import User  # noqa: E402
from volunteer_hub.claims.models import Claim, ClaimStatus  # noqa: E402
from volunteer_hub.core.timeutil import local_to_utc, now, to_local  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402
from volunteer_hub.orgs.models import Organisation  # noqa: E402
from volunteer_hub.rotas import series as series_layout  # noqa: E402
from volunteer_hub.rotas import services  # noqa: E402
from volunteer_hub.rotas.models import SeriesAdoption, ShiftSeries  # noqa: E402
from volunteer_hub.tasks.models import Shift, Task  # noqa: E402
from volunteer_hub.teams.models import MemberRole, Team, TeamMember  # noqa: E402

DEFAULT_SQLITE = ROOT / "bench" / "out" / "rota.db"
TARGET_S = 1.0
DAYS, MEMBERS = 14, 20
PATTERN = [
    {"start": "08:00", "end": "16:00", "capacity": 2},
    {"start": "16:00", "end": "24:00", "capacity": 2},
    {"start": "00:00", "end": "08:00", "capacity": 2},
]


def build(seed: int) -> tuple[int, int, int, date, date]:
    """The community, team, task, series and adoption; returns (leader id, team id, task id, first, last)."""
    rng = random.Random(seed)
    org = Organisation(name="民治社区", kind="community", lat=22.6, lon=114.03)
    db.session.add(org)
    db.session.flush()
    org.path = f"/{org.id}/"
    users = []
    for n in range(MEMBERS):
        nights = n % 2 == 0
        users.append(
            User(
                phone=f"+8613900000{n:03d}",
                name=f"队员{n}",
                password_hash="x",
                birth_date=date(1990, 1, 1),
                max_weekly_hours=rng.choice((20, 30, 40)),
                avail_weekday_night=nights,
                avail_weekend_night=nights,
                avail_weekend_day=rng.random() < 0.8,
            )
        )
    db.session.add_all(users)
    db.session.flush()
    team = Team(name="东门先锋队", org_id=org.id, founder_id=users[0].id, invite_code="bench")
    db.session.add(team)
    db.session.flush()
    db.session.add_all(
        TeamMember(team_id=team.id, user_id=u.id, role=MemberRole.LEADER if i == 0 else MemberRole.MEMBER)
        for i, u in enumerate(users)
    )
    first = to_local(now()).date() + timedelta(days=1)
    last = first + timedelta(days=DAYS - 1)
    task = Task(org_id=org.id, title="东门卡口值守", type="checkpoint", lat=22.6, lon=114.03, created_by_id=users[0].id)
    other = Task(org_id=org.id, title="别处", type="delivery", lat=22.6, lon=114.03, created_by_id=users[0].id)
    db.session.add_all([task, other])
    db.session.flush()
    _slots, spans, errors = series_layout.plan(first, last, PATTERN, 0)
    assert not errors, errors
    made = ShiftSeries(task_id=task.id, from_date=first, to_date=last, pattern=PATTERN, created_by_id=users[0].id)
    db.session.add(made)
    db.session.flush()
    db.session.add_all(
        Shift(task_id=task.id, starts_at=s, ends_at=e, capacity=c, series_id=made.id) for s, e, c in spans
    )
    for user in users:  # two shifts elsewhere per member
        for _ in range(2):
            day = first + timedelta(days=rng.randrange(DAYS))
            starts = local_to_utc(day, clock(rng.choice((9, 14, 19))))
            shift = Shift(
                task_id=other.id, starts_at=starts, ends_at=starts + timedelta(hours=3), capacity=5, confirmed=1
            )
            db.session.add(shift)
            db.session.flush()
            db.session.add(Claim(shift_id=shift.id, user_id=user.id, status=ClaimStatus.CONFIRMED))
    db.session.add(
        SeriesAdoption(team_id=team.id, series_id=made.id, from_date=first, to_date=last, created_by_id=users[0].id)
    )
    db.session.commit()
    return users[0].id, team.id, task.id, first, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help=f"PostgreSQL URL; default: SQLite file {DEFAULT_SQLITE}")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    url = sqlalchemy_url(args.database) if args.database else f"sqlite:///{DEFAULT_SQLITE}"
    create_schema(url)
    app = bench_app(url)
    with app.app_context():
        leader_id, team_id, task_id, first, last = build(args.seed)
    timings, answer = [], None
    for _ in range(args.runs):
        with app.test_request_context():
            started = time.perf_counter()
            answer = services.propose_rota(db.session.get(User, leader_id), team_id, task_id, first, last)
            timings.append(time.perf_counter() - started)
            db.session.remove()
    places = sum(len(a["user_ids"]) for a in answer["assignments"])
    missing = sum(u["missing"] for u in answer["unfilled"])
    # Members with an even number in their name are the ones available for nights.
    nights = sorted(m["nights"] for m in answer["members"] if int(m["name"].removeprefix("队员")) % 2 == 0)
    print(
        f"{len(answer['assignments'])} shifts, {places} places proposed, {missing} unfilled, "
        f"{MEMBERS} members; nights per night-available member {nights[0]}-{nights[-1]}"
    )
    print(
        f"propose_rota over {args.runs} runs (fresh session, DB reads included): "
        f"median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
        f"(target < {TARGET_S * 1000:.0f} ms) on {url.split('@')[-1]}"
    )


if __name__ == "__main__":
    main()
