"""Hours fixtures: a frozen clock in Shenzhen time, a street with two communities and their staff, shifts at
fixed local times, and attendance written as the attendance module records it (claim columns + events)."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import AnomalyFlag, HourEntry
from volunteer_hub.tasks.models import Shift, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
POST = (22.5431, 114.0579)


def local(day: str, clock: str = "00:00") -> datetime:
    """'2026-03-02', '08:00' -> an aware datetime in Shenzhen time."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """Time stands still at Monday 2026-03-02 06:00 in Shenzhen; clock.move_to(local(...)) moves it."""
    with time_machine.travel(local("2026-03-02", "06:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock, make_org, make_user, grant, api_token):
    """A street with two communities: an organizer of each, a street reviewer, a street organizer."""
    street = make_org("民治街道", "street")
    community = make_org("白石龙社区", "community", street)
    other = make_org("民泰社区", "community", street)
    people = {"organizer": community, "other_organizer": other, "street_organizer": street}
    staff = {}
    for role_name, org in people.items():
        staff[role_name] = make_user(role_name)
        grant(staff[role_name], org)
    staff["reviewer"] = make_user("reviewer")
    grant(staff["reviewer"], street, "reviewer")
    tokens = {name: api_token(user) for name, user in staff.items()}
    return SimpleNamespace(street=street, community=community, other=other, tokens=tokens, **staff)


@pytest.fixture
def make_shift(app, world):
    """make_shift('2026-03-02', '08:00', hours=4, org=..., **task) -> Shift at that local time (its task
    created by the community organizer)."""

    def factory(day="2026-03-02", starts="08:00", hours=4.0, *, org=None, title="东门卡口值守", **fields):
        begin = local(day, starts)
        with app.app_context():
            task = Task(
                org_id=(org or world.community).id,
                title=title,
                type=fields.pop("type", "checkpoint"),
                lat=POST[0],
                lon=POST[1],
                address=fields.pop("address", "民治街道东门"),
                description=fields.pop("description", "测体温，登记出入。"),
                created_by_id=world.organizer.id,
                **fields,
            )
            task.shifts = [Shift(starts_at=begin, ends_at=begin + timedelta(hours=hours), capacity=10)]
            task.refresh_schedule()
            db.session.add(task)
            db.session.commit()
            shift = task.shifts[0]
            _ = shift.task.org
            db.session.expunge_all()
            return shift

    return factory


@pytest.fixture
def attend(app):
    """attend(shift, user, in_at=None, out_at=None, marked=False, no_show=False, device=None, distance_m=50)
    -> claim id: a confirmed place and the attendance the volunteer (or the organizer) recorded."""

    def factory(
        shift,
        user,
        in_at=None,
        out_at=None,
        *,
        marked=False,
        no_show=False,
        device=None,
        distance_m=50.0,
        status="confirmed",
    ):
        with app.app_context():
            attendance = "no_show" if no_show else ("present" if marked or in_at else None)
            claim = Claim(
                shift_id=shift.id,
                user_id=user.id,
                status=status,
                checked_in_at=in_at,
                checked_out_at=out_at,
                attendance=attendance,
                created_at=shift.starts_at - timedelta(days=1),
                updated_at=shift.starts_at - timedelta(days=1),
            )
            db.session.add(claim)
            db.session.flush()
            events = []
            if in_at:
                events.append(
                    AttendanceEvent(
                        claim_id=claim.id,
                        kind="check_in",
                        method="gps",
                        lat=POST[0],
                        lon=POST[1],
                        accuracy_m=20,
                        distance_m=distance_m,
                        device=device,
                        actor_id=user.id,
                        created_at=in_at,
                    )
                )
            if out_at:
                events.append(
                    AttendanceEvent(
                        claim_id=claim.id,
                        kind="check_out",
                        method="gps",
                        lat=POST[0],
                        lon=POST[1],
                        accuracy_m=20,
                        distance_m=distance_m,
                        device=device,
                        actor_id=user.id,
                        created_at=out_at,
                    )
                )
            if marked:
                events.append(
                    AttendanceEvent(
                        claim_id=claim.id, kind="marked_present", method="manual", created_at=shift.starts_at
                    )
                )
            if no_show:
                events.append(
                    AttendanceEvent(claim_id=claim.id, kind="auto_no_show", method="job", created_at=shift.ends_at)
                )
            db.session.add_all(events)
            db.session.commit()
            return claim.id

    return factory


@pytest.fixture
def volunteer(make_user, api_token):
    """volunteer(name) -> (user, API token)."""

    def factory(name="志愿者"):
        user = make_user(name)
        return user, api_token(user)

    return factory


@pytest.fixture
def ledger(app):
    """ledger() -> [(volunteer_id, minutes, source, corrects_id)] in id order."""

    def read():
        with app.app_context():
            return [
                tuple(row)
                for row in db.session.execute(
                    sa.select(
                        HourEntry.volunteer_id, HourEntry.minutes, HourEntry.source, HourEntry.corrects_id
                    ).order_by(HourEntry.id)
                )
            ]

    return read


@pytest.fixture
def flags(app):
    """flags() -> [(kind, dedupe_key)] in id order."""

    def read():
        with app.app_context():
            return [
                tuple(row)
                for row in db.session.execute(
                    sa.select(AnomalyFlag.kind, AnomalyFlag.dedupe_key).order_by(AnomalyFlag.id)
                )
            ]

    return read
