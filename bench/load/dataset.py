"""The load run's data: the seed city's busiest day at 100x, bounded to what one 2-core machine can serve.

The demo city posts ~30 tasks (~50 shifts) and a few dozen volunteers act on its busiest day. 100x that day is
~3,000 tasks and ~5,000 shifts; the volunteer base behind it is kept at 50,000 (of whom the first ACTIVE hold API
tokens and act during the run, like the share of a city's volunteers using the app on one day). So:

- 1 street, COMMUNITIES communities, one organizer each;
- VOLUNTEERS volunteers spread over Shenzhen (bulk insert; they log in with tokens, not passwords);
- TASKS tasks, each with a shift tomorrow (claimed during the run; small capacity so claims contend),
  a shift running now (its seeded claims check in during the run) and a shift that ended two hours ago with
  checked-out attendees (the organizers confirm their hours during the run);
- TEAMS volunteer teams of TEAM_SIZE active volunteers, one per community in turn, whose leaders claim places for
  their members together during the run (residents' help requests are asked and read then too).

prepare() writes the ids and tokens the locust scenario needs to a JSON file.
"""

import json
import random
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from volunteer_hub import create_app
from volunteer_hub.accounts import tokens
from volunteer_hub.accounts.models import AuthToken, User
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation, RoleGrant
from volunteer_hub.tasks.models import Shift, Task
from volunteer_hub.teams.models import MemberRole, Team, TeamMember

COMMUNITIES = 20
VOLUNTEERS = 50_000
ACTIVE = 4_000
TASKS = 3_000
ATTENDEES = 3  # per running / ended shift
TEAMS, TEAM_SIZE = 200, 6
BOX = (22.45, 22.85, 113.75, 114.60)  # Shenzhen: lat min/max, lon min/max


def _point(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(BOX[0], BOX[1]), 5), round(rng.uniform(BOX[2], BOX[3]), 5)


def prepare(database_url: str, redis_url: str, out: Path, *, scale: float = 1.0) -> Path:
    """Drop and migrate the schema, seed the day, and return the path of the scenario's JSON file."""
    rng = random.Random(20200203)
    # Seeding sends nothing; the stack run.py starts sends through the SMS stand-in.
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench", "SMS_SENDER": "dev"}
    )
    volunteers, active, task_count = int(VOLUNTEERS * scale), int(ACTIVE * scale), int(TASKS * scale)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        street = Organisation(name="民治街道", kind="street", lat=22.62, lon=114.04, path="")
        db.session.add(street)
        db.session.flush()
        street.path = f"/{street.id}/"
        communities = []
        for index in range(COMMUNITIES):
            lat, lon = _point(rng)
            community = Organisation(
                name=f"社区{index + 1}", kind="community", parent_id=street.id, lat=lat, lon=lon, path=""
            )
            db.session.add(community)
            db.session.flush()
            community.path = f"{street.path}{community.id}/"
            communities.append(community)
        organizers = [User(phone=f"+86136{i:08d}", name=f"组织者{i}", password_hash="x") for i in range(COMMUNITIES)]
        db.session.add_all(organizers)
        db.session.flush()
        db.session.add_all(
            RoleGrant(user_id=o.id, org_id=c.id, role="organizer") for o, c in zip(organizers, communities, strict=True)
        )
        db.session.execute(
            sa.insert(User),
            [
                {
                    "phone": f"+86137{i:08d}",
                    "name": f"志愿者{i}",
                    "password_hash": "x",
                    "lat": lat,
                    "lon": lon,
                    "birth_date": date(1990, 1, 1),
                }  # adults: night shifts are open to them
                for i, (lat, lon) in ((i, _point(rng)) for i in range(1, volunteers + 1))
            ],
        )
        current = now()
        # Everyone's number is verified and nobody keeps quiet hours, so the day's notices go out by SMS at once
        # (bench/load/sms_standin.py counts them) whatever the time of the run. An UPDATE: the inserts would put
        # the column defaults (22:00-07:00) in place of None.
        db.session.execute(
            sa.update(User).values(phone_verified_at=current, quiet_start_min=None, quiet_end_min=None),
            execution_options={"synchronize_session": False},
        )
        volunteer_ids = db.session.scalars(sa.select(User.id).where(User.phone.like("+86137%")).order_by(User.id)).all()
        start = current + timedelta(days=1)
        tasks = []
        for index in range(task_count):
            lat, lon = _point(rng)
            community = communities[index % COMMUNITIES]
            task = Task(
                org_id=community.id,
                title=f"卡口值守 {index}",
                type="checkpoint",
                lat=lat,
                lon=lon,
                address=f"{community.name}东门",
                created_by_id=organizers[index % COMMUNITIES].id,
            )
            hour = timedelta(hours=index % 8)
            task.shifts = [
                Shift(starts_at=start + hour, ends_at=start + hour + timedelta(hours=3), capacity=rng.randint(3, 12)),
                Shift(
                    starts_at=current - timedelta(hours=1),
                    ends_at=current + timedelta(hours=3),
                    capacity=ATTENDEES,
                    confirmed=ATTENDEES,
                ),
                Shift(
                    starts_at=current - timedelta(hours=6),
                    ends_at=current - timedelta(hours=2),
                    capacity=ATTENDEES,
                    confirmed=ATTENDEES,
                ),
            ]
            task.refresh_schedule()
            tasks.append(task)
        db.session.add_all(tasks)
        db.session.flush()
        # Running and ended shifts get ATTENDEES distinct active volunteers each, round robin.
        claims, attendee = [], 0
        for task in tasks:
            running, ended = task.shifts[1], task.shifts[2]
            for _ in range(ATTENDEES):
                user_id = volunteer_ids[attendee % active]
                attendee += 1
                claims.append({"shift_id": running.id, "user_id": user_id, "status": "confirmed"})
                claims.append(
                    {
                        "shift_id": ended.id,
                        "user_id": user_id,
                        "status": "confirmed",
                        "checked_in_at": ended.starts_at,
                        "checked_out_at": ended.ends_at,
                        "attendance": "present",
                    }
                )
        db.session.execute(sa.insert(Claim), claims)
        raw = {
            user_id: f"bench-{user_id}-{rng.getrandbits(64):x}"
            for user_id in [*volunteer_ids[:active], *[o.id for o in organizers]]
        }
        db.session.execute(
            sa.insert(AuthToken),
            [
                {
                    "user_id": user_id,
                    "kind": tokens.API,
                    "token_hash": tokens._digest(secret),
                    "expires_at": current + timedelta(days=30),
                }
                for user_id, secret in raw.items()
            ],
        )
        teams = _teams(rng, volunteer_ids[:active], communities, max(1, int(TEAMS * scale)))
        running_claims = db.session.execute(
            sa.select(Claim.id, Claim.user_id, Task.lat, Task.lon)
            .join(Shift, Shift.id == Claim.shift_id)
            .join(Task, Task.id == Shift.task_id)
            .where(Claim.checked_in_at.is_(None))
        ).all()
        scenario = {
            "volunteers": [{"id": uid, "token": raw[uid]} for uid in volunteer_ids[:active]],
            "organizers": [
                {
                    "id": o.id,
                    "token": raw[o.id],
                    "org_id": c.id,
                    "ended_shifts": [t.shifts[2].id for t in tasks if t.org_id == c.id],
                }
                for o, c in zip(organizers, communities, strict=True)
            ],
            "open_shifts": [t.shifts[0].id for t in tasks],
            "running_claims": [
                {"claim_id": c.id, "user_id": c.user_id, "lat": c.lat, "lon": c.lon} for c in running_claims
            ],
            "teams": [{"id": team_id, "token": raw[members[0]], "members": members} for team_id, members in teams],
            "communities": [c.id for c in communities],
            "box": BOX,
        }
        db.session.commit()
        db.engine.dispose()
    path = out / "scenario.json"
    path.write_text(json.dumps(scenario))
    return path


def _teams(rng: random.Random, active_ids: list[int], communities: list, count: int) -> list[tuple[int, list[int]]]:
    """count teams of TEAM_SIZE distinct active volunteers (the first one leads); [(team id, member ids)]."""
    people = rng.sample(active_ids, count * TEAM_SIZE)
    teams = [
        Team(
            name=f"青年突击队{n + 1}",
            org_id=communities[n % len(communities)].id,
            founder_id=people[n * TEAM_SIZE],
            invite_code=f"bench{n:06d}{rng.getrandbits(32):08x}",
        )
        for n in range(count)
    ]
    db.session.add_all(teams)
    db.session.flush()
    members = [people[n * TEAM_SIZE : (n + 1) * TEAM_SIZE] for n in range(count)]
    db.session.execute(
        sa.insert(TeamMember),
        [
            {"team_id": team.id, "user_id": user_id, "role": MemberRole.LEADER if index == 0 else MemberRole.MEMBER}
            for team, ids in zip(teams, members, strict=True)
            for index, user_id in enumerate(ids)
        ],
    )
    return [(team.id, ids) for team, ids in zip(teams, members, strict=True)]
