"""Read side of rotas: a team's adopted shifts, its members' existing shifts, series to adopt, swap offers."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.timeutil import local_day_bounds, now
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.rotas.models import SeriesAdoption, ShiftSeries, ShiftSwap, SwapStatus
from volunteer_hub.tasks.models import Shift, Task, TaskStatus
from volunteer_hub.teams.models import MemberRole, MemberStatus, TeamMember


def adoptions_of(team_id: int, task_id: int | None = None) -> list[tuple[SeriesAdoption, ShiftSeries]]:
    """The team's adoptions with their series (of one task, when given), soonest first."""
    query = (
        sa.select(SeriesAdoption, ShiftSeries)
        .join(ShiftSeries, ShiftSeries.id == SeriesAdoption.series_id)
        .where(SeriesAdoption.team_id == team_id)
        .order_by(SeriesAdoption.from_date, SeriesAdoption.id)
    )
    if task_id is not None:
        query = query.where(ShiftSeries.task_id == task_id)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def adopted_shifts(
    team_id: int, task_id: int, from_date: date | None = None, to_date: date | None = None
) -> list[Shift]:
    """Shifts of the task's series the team adopted, starting in [from_date, to_date] (local dates) and not
    yet started, in time order."""
    ranges = []
    for adoption, series in adoptions_of(team_id, task_id):
        first, last = max(adoption.from_date, from_date or date.min), min(adoption.to_date, to_date or date.max)
        if first <= last:
            ranges.append(
                sa.and_(
                    Shift.series_id == series.id,
                    Shift.starts_at >= local_day_bounds(first)[0],
                    Shift.starts_at < local_day_bounds(last)[1],
                )
            )
    if not ranges:
        return []
    return list(
        db.session.execute(
            sa.select(Shift).where(sa.or_(*ranges), Shift.starts_at > now()).order_by(Shift.starts_at, Shift.id)
        )
        .scalars()
        .unique()
    )


def member_users(team_id: int) -> list[User]:
    """The team's active members as users, leader first, then by id."""
    return list(
        db.session.execute(
            sa.select(User)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.team_id == team_id, TeamMember.status == MemberStatus.ACTIVE)
            .order_by(sa.case({MemberRole.LEADER.value: 0}, value=TeamMember.role, else_=1), User.id)
        ).scalars()
    )


def confirmed_between(user_ids: list[int], since: datetime, until: datetime) -> list[sa.Row]:
    """(user_id, shift_id, starts_at, ends_at) of the users' confirmed shifts touching [since, until)."""
    if not user_ids:
        return []
    return list(
        db.session.execute(
            sa.select(Claim.user_id, Shift.id.label("shift_id"), Shift.starts_at, Shift.ends_at)
            .join(Shift, Shift.id == Claim.shift_id)
            .where(
                Claim.user_id.in_(user_ids),
                Claim.status == ClaimStatus.CONFIRMED,
                Shift.starts_at < until,
                Shift.ends_at > since,
            )
        )
    )


def adoptable_series(org: Organisation) -> list[ShiftSeries]:
    """Series not yet over of open tasks of org, its ancestors or its subtree, soonest first."""
    related = sa.or_(Organisation.path.startswith(org.path), Organisation.id.in_(org.ancestor_ids))
    return list(
        db.session.execute(
            sa.select(ShiftSeries)
            .join(Task, Task.id == ShiftSeries.task_id)
            .join(Organisation, Organisation.id == Task.org_id)
            .where(related, Task.status == TaskStatus.OPEN, ShiftSeries.to_date >= now().date() - timedelta(days=1))
            .order_by(ShiftSeries.from_date, ShiftSeries.id)
            .limit(50)
        ).scalars()
    )


def team_claims_of(user_id: int, team_id: int) -> list[Claim]:
    """The user's confirmed, not yet started places taken with the team, soonest first."""
    return list(
        db.session.execute(
            sa.select(Claim)
            .join(Shift, Shift.id == Claim.shift_id)
            .options(joinedload(Claim.shift))
            .where(
                Claim.user_id == user_id,
                Claim.team_id == team_id,
                Claim.status == ClaimStatus.CONFIRMED,
                Shift.starts_at > now(),
            )
            .order_by(Shift.starts_at)
        ).scalars()
    )


def open_swaps(team_id: int) -> list[sa.Row]:
    """(swap, shift, offerer's name) of the team's open offers whose place is still confirmed and whose shift
    has not started, soonest first."""
    return list(
        db.session.execute(
            sa.select(ShiftSwap, Shift, User.name.label("offered_by"))
            .join(Claim, Claim.id == ShiftSwap.claim_id)
            .join(Shift, Shift.id == Claim.shift_id)
            .join(User, User.id == ShiftSwap.offered_by_id)
            .where(
                ShiftSwap.team_id == team_id,
                ShiftSwap.status == SwapStatus.OPEN,
                Claim.status == ClaimStatus.CONFIRMED,
                Shift.starts_at > now(),
            )
            .order_by(Shift.starts_at, ShiftSwap.id)
        )
    )


def open_swap_for(claim_id: int) -> ShiftSwap | None:
    """The open offer of a claim, if any."""
    return db.session.execute(
        sa.select(ShiftSwap).where(ShiftSwap.claim_id == claim_id, ShiftSwap.status == SwapStatus.OPEN).limit(1)
    ).scalar_one_or_none()


def leader_ids(team_id: int) -> list[int]:
    """The team's active leader (and deputies), who hear about swaps."""
    return list(
        db.session.execute(
            sa.select(TeamMember.user_id).where(
                TeamMember.team_id == team_id,
                TeamMember.status == MemberStatus.ACTIVE,
                TeamMember.role.in_([MemberRole.LEADER, MemberRole.DEPUTY]),
            )
        ).scalars()
    )
