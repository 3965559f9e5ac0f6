"""Read side of posts: the staffing board's rows (a post's handovers, incidents and supplies are read through
those domains' own queries, in services)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.posts.models import ReliefAlarm, ReliefStay
from volunteer_hub.tasks.models import Shift, Task, TaskStatus

# A confirmed volunteer on the post right now: recorded present (checked in, or marked present by an organizer)
# and not checked out.
ON_POST = sa.and_(
    Claim.status == ClaimStatus.CONFIRMED, Claim.attendance == Attendance.PRESENT, Claim.checked_out_at.is_(None)
)


@dataclass(frozen=True)
class BoardShift:
    """One shift on the board, with its counts (one row of a single query)."""

    task_id: int
    title: str
    org_name: str
    shift_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int
    checked_in: int
    alarm: bool


def checked_in_counts():
    """A subquery: shift_id -> volunteers on the post now."""
    return (
        sa.select(Claim.shift_id, sa.func.count().label("checked_in"))
        .where(ON_POST)
        .group_by(Claim.shift_id)
        .subquery("on_post")
    )


def board_shifts(org: Organisation, at: datetime, until: datetime) -> list[BoardShift]:
    """Shifts of open tasks in org's subtree under way at ``at`` or starting before ``until``, with their counts:
    one query whatever the number of posts."""
    counts = checked_in_counts()
    rows = db.session.execute(
        sa.select(
            Task.id,
            Task.title,
            Organisation.name,
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.capacity,
            Shift.confirmed,
            sa.func.coalesce(counts.c.checked_in, 0),
            ReliefAlarm.id.is_not(None) & ReliefAlarm.cleared_at.is_(None),
        )
        .select_from(Shift)
        .join(Task, Task.id == Shift.task_id)
        .join(Organisation, Organisation.id == Task.org_id)
        .outerjoin(counts, counts.c.shift_id == Shift.id)
        .outerjoin(ReliefAlarm, ReliefAlarm.shift_id == Shift.id)
        .where(
            Organisation.path.startswith(org.path, autoescape=True),
            Task.status == TaskStatus.OPEN,
            Shift.ends_at > at,
            Shift.starts_at < until,
        )
        .order_by(Shift.starts_at, Shift.id)
    ).all()
    return [
        BoardShift(
            task_id,
            title,
            org_name,
            shift_id,
            starts_at,
            ends_at,
            capacity,
            confirmed,
            checked_in,
            bool(alarm_on),
        )
        for task_id, title, org_name, shift_id, starts_at, ends_at, capacity, confirmed, checked_in, alarm_on in rows
    ]


def shifts_between(task_id: int, start: datetime, end: datetime) -> list[Shift]:
    return list(
        db.session.execute(
            sa.select(Shift)
            .where(Shift.task_id == task_id, Shift.ends_at > start, Shift.starts_at < end)
            .order_by(Shift.starts_at, Shift.id)
        ).scalars()
    )


@dataclass(frozen=True)
class RosterEntry:
    claim_id: int
    shift_id: int
    user_id: int
    name: str
    on_post: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None


def confirmed_on(shift_ids: Iterable[int]) -> list[RosterEntry]:
    """The confirmed volunteers of the shifts, with whether they are on the post now (one query)."""
    ids = list(shift_ids)
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(
            Claim.id,
            Claim.shift_id,
            Claim.user_id,
            User.name,
            sa.case((ON_POST, True), else_=False),
            Claim.checked_in_at,
            Claim.checked_out_at,
        )
        .join(User, User.id == Claim.user_id)
        .where(Claim.shift_id.in_(ids), Claim.status == ClaimStatus.CONFIRMED)
        .order_by(Claim.shift_id, Claim.id)
    ).all()
    return [RosterEntry(*row) for row in rows]


def alarms_of(shift_ids: Iterable[int]) -> dict[int, ReliefAlarm]:
    ids = list(shift_ids)
    if not ids:
        return {}
    alarms = db.session.execute(sa.select(ReliefAlarm).where(ReliefAlarm.shift_id.in_(ids))).scalars()
    return {alarm.shift_id: alarm for alarm in alarms}


def stays_of(alarm_ids: Iterable[int]) -> list[tuple[ReliefStay, str]]:
    """(stay, the volunteer's name) for the alarms, oldest first."""
    ids = list(alarm_ids)
    if not ids:
        return []
    return [
        (stay, name)
        for stay, name in db.session.execute(
            sa.select(ReliefStay, User.name)
            .join(Claim, Claim.id == ReliefStay.claim_id)
            .join(User, User.id == Claim.user_id)
            .where(ReliefStay.alarm_id.in_(ids))
            .order_by(ReliefStay.id)
        ).all()
    ]


# --- the relief alarm's reads ----------------------------------------------------------------------------------


def shifts_to_alarm(started_before: datetime, at: datetime) -> list[tuple[int, int]]:
    """(shift id, volunteers on the post) of shifts of open tasks that started at or before ``started_before``, have
    not ended at ``at``, have no alarm yet and fewer volunteers on the post than places (capacity)."""
    counts = checked_in_counts()
    on_post = sa.func.coalesce(counts.c.checked_in, 0)
    return [
        (shift_id, present)
        for shift_id, present in db.session.execute(
            sa.select(Shift.id, on_post)
            .join(Task, Task.id == Shift.task_id)
            .outerjoin(counts, counts.c.shift_id == Shift.id)
            .where(
                Task.status == TaskStatus.OPEN,
                Shift.starts_at <= started_before,
                Shift.ends_at > at,
                on_post < Shift.capacity,
                ~sa.exists().where(ReliefAlarm.shift_id == Shift.id),
            )
            .order_by(Shift.starts_at, Shift.id)
        ).all()
    ]


def alarms_to_clear() -> list[int]:
    """Ids of alarms not cleared whose shift now has as many volunteers on the post as places."""
    counts = checked_in_counts()
    return list(
        db.session.execute(
            sa.select(ReliefAlarm.id)
            .join(Shift, Shift.id == ReliefAlarm.shift_id)
            .join(counts, counts.c.shift_id == Shift.id)
            .where(ReliefAlarm.cleared_at.is_(None), counts.c.checked_in >= Shift.capacity)
        ).scalars()
    )


def alarms_awaiting_callout(task_id: int, at: datetime) -> list[int]:
    """Ids of the task's alarms not cleared, without a call-out, on shifts that have not ended."""
    return list(
        db.session.execute(
            sa.select(ReliefAlarm.id)
            .join(Shift, Shift.id == ReliefAlarm.shift_id)
            .where(
                Shift.task_id == task_id,
                Shift.ends_at > at,
                ReliefAlarm.cleared_at.is_(None),
                ReliefAlarm.callout_id.is_(None),
            )
        ).scalars()
    )


def previous_shift(shift: Shift) -> Shift | None:
    """The task's shift that started last before this one (the shift this one relieves)."""
    return db.session.execute(
        sa.select(Shift)
        .where(Shift.task_id == shift.task_id, Shift.starts_at < shift.starts_at, Shift.id != shift.id)
        .order_by(Shift.starts_at.desc(), Shift.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def claims_on_post(shift_id: int) -> list[Claim]:
    return list(
        db.session.execute(sa.select(Claim).where(Claim.shift_id == shift_id, ON_POST).order_by(Claim.id)).scalars()
    )


def absent_claims(shift_id: int) -> list[Claim]:
    """Confirmed volunteers of the shift not recorded present (nor checked out)."""
    return list(
        db.session.execute(
            sa.select(Claim)
            .where(
                Claim.shift_id == shift_id,
                Claim.status == ClaimStatus.CONFIRMED,
                Claim.attendance.is_(None),
            )
            .order_by(Claim.id)
        ).scalars()
    )
