"""Read-side queries for claims: a volunteer's shifts, a shift's roster, waitlist positions."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import ACTIVE_STATUSES, Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift, Task


def claims_of(user: User, *, upcoming: bool | None = None, limit: int = 100) -> list[Claim]:
    """The volunteer's claims with shift and task loaded; upcoming=True/False splits by the shift's end."""
    query = (
        sa.select(Claim)
        .join(Shift, Shift.id == Claim.shift_id)
        .where(Claim.user_id == user.id)
        .options(selectinload(Claim.shift).selectinload(Shift.task).selectinload(Task.org))
    )
    if upcoming is True:
        query = query.where(Shift.ends_at > now(), Claim.status.in_(ACTIVE_STATUSES)).order_by(Shift.starts_at)
    elif upcoming is False:
        query = query.where(sa.or_(Shift.ends_at <= now(), Claim.status.not_in(ACTIVE_STATUSES)))
        query = query.order_by(Shift.starts_at.desc())
    else:
        query = query.order_by(Shift.starts_at.desc())
    return list(db.session.execute(query.limit(limit)).scalars())


def claims_by_shift(user: User, shift_ids: list[int]) -> dict[int, Claim]:
    """The volunteer's active claim per shift, for showing 'claimed / waitlisted' on a task page."""
    if not shift_ids or not user.is_authenticated:
        return {}
    rows = db.session.execute(
        sa.select(Claim).where(
            Claim.user_id == user.id, Claim.shift_id.in_(shift_ids), Claim.status.in_(ACTIVE_STATUSES)
        )
    ).scalars()
    return {claim.shift_id: claim for claim in rows}


def waitlist_position(claim: Claim) -> int | None:
    """1-based place in the shift's waitlist (promotion order), or None when not waitlisted."""
    if claim.status != ClaimStatus.WAITLISTED:
        return None
    earlier = sa.or_(
        Claim.created_at < claim.created_at, sa.and_(Claim.created_at == claim.created_at, Claim.id < claim.id)
    )
    # Places drawn by lottery come first, in drawn order (see services.WAITLIST_ORDER).
    if claim.lottery_rank is None:
        before = sa.or_(Claim.lottery_rank.is_not(None), earlier)
    else:
        before = sa.and_(Claim.lottery_rank.is_not(None), Claim.lottery_rank < claim.lottery_rank)
    ahead = db.session.execute(
        sa.select(sa.func.count()).where(
            Claim.shift_id == claim.shift_id,
            Claim.status == ClaimStatus.WAITLISTED,
            before,
        )
    ).scalar_one()
    return ahead + 1


@dataclass
class RosterRow:
    claim: Claim
    user: User


ROSTER_ORDER: dict[str, int] = {ClaimStatus.CONFIRMED: 0, ClaimStatus.PENDING: 1, ClaimStatus.WAITLISTED: 2}


def roster(shift: Shift, *, include_inactive: bool = False) -> list[RosterRow]:
    """Everyone on a shift: confirmed first, then pending, then the waitlist in promotion order."""
    query = (
        sa.select(Claim, User)
        .join(User, User.id == Claim.user_id)
        .where(Claim.shift_id == shift.id)
        .options(selectinload(User.skill_rows))
        .order_by(Claim.created_at, Claim.id)
    )
    if not include_inactive:
        query = query.where(Claim.status.in_(ACTIVE_STATUSES))
    rows = [RosterRow(claim, user) for claim, user in db.session.execute(query)]
    rows.sort(key=lambda row: ROSTER_ORDER.get(row.claim.status, 3))
    return rows


def status_counts(shift_ids: list[int]) -> dict[int, dict[str, int]]:
    """{shift_id: {status: count}} of active claims, for organizers' shift lists."""
    if not shift_ids:
        return {}
    rows = db.session.execute(
        sa.select(Claim.shift_id, Claim.status, sa.func.count())
        .where(Claim.shift_id.in_(shift_ids), Claim.status.in_(ACTIVE_STATUSES))
        .group_by(Claim.shift_id, Claim.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for shift_id, status, count in rows:
        counts.setdefault(shift_id, {})[status] = count
    return counts


def count_waitlisted(shift: Shift) -> int:
    """How many are waiting for a place on the shift (the next claimer would be one more)."""
    return db.session.execute(
        sa.select(sa.func.count()).where(Claim.shift_id == shift.id, Claim.status == ClaimStatus.WAITLISTED)
    ).scalar_one()


def count_active_on_task(task: Task) -> int:
    """Active claims on any shift of the task: the volunteers a cancellation would notify."""
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Claim)
        .join(Shift, Shift.id == Claim.shift_id)
        .where(Shift.task_id == task.id, Claim.status.in_(ACTIVE_STATUSES))
    ).scalar_one()
