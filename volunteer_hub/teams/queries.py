"""Read side of teams: my teams, a team's members, its upcoming shifts and its hours."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift
from volunteer_hub.teams.models import MemberRole, MemberStatus, Team, TeamMember
from volunteer_hub.teams.rules import LEAD_ROLES, TEAM_ORG_KINDS

# Leader first, then deputies, then members in the order they joined.
_ROLE_ORDER = sa.case({MemberRole.LEADER.value: 0, MemberRole.DEPUTY.value: 1}, value=TeamMember.role, else_=2)


def get_membership_row(team_id: int, user_id: int) -> TeamMember | None:
    """The user's membership row of the team in any status (active, requested, removed, left), or None."""
    return db.session.execute(
        sa.select(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
    ).scalar_one_or_none()


def get_team_by_code(code: str) -> Team | None:
    """The team an invite code belongs to, or None."""
    if not code:
        return None
    return db.session.execute(sa.select(Team).where(Team.invite_code == code)).scalar_one_or_none()


def list_my_teams(user) -> list[TeamMember]:
    """The user's active memberships and open requests, with their teams, newest team first."""
    return list(
        db.session.execute(
            sa.select(TeamMember)
            .where(TeamMember.user_id == user.id, TeamMember.status.in_([MemberStatus.ACTIVE, MemberStatus.REQUESTED]))
            .options(selectinload(TeamMember.team).selectinload(Team.org))
            .order_by(TeamMember.team_id.desc())
        ).scalars()
    )


def list_led_teams(user) -> list[Team]:
    """Teams the user leads or is a deputy of."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.execute(
            sa.select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(
                TeamMember.user_id == user.id, TeamMember.status == MemberStatus.ACTIVE, TeamMember.role.in_(LEAD_ROLES)
            )
            .order_by(Team.name, Team.id)
        ).scalars()
    )


def list_org_teams(org_id: int, *, exclude_user_id: int | None = None) -> list[Team]:
    """Teams attached to an organisation (e.g. the user's home community), leaving out the user's own."""
    query = sa.select(Team).where(Team.org_id == org_id).order_by(Team.name, Team.id)
    if exclude_user_id is not None:
        mine = sa.select(TeamMember.team_id).where(
            TeamMember.user_id == exclude_user_id, TeamMember.status.in_([MemberStatus.ACTIVE, MemberStatus.REQUESTED])
        )
        query = query.where(Team.id.not_in(mine))
    return list(db.session.execute(query).scalars())


def list_team_orgs() -> list[Organisation]:
    """Organisations a team may be attached to: communities and Party branches and committees."""
    return list(
        db.session.execute(
            sa.select(Organisation)
            .where(Organisation.kind.in_([k.value for k in TEAM_ORG_KINDS]))
            .order_by(Organisation.name, Organisation.id)
        ).scalars()
    )


def list_members(team_id: int, status: str = MemberStatus.ACTIVE) -> list[TeamMember]:
    """Members in the given status with their users and skills: leader, deputies, then the others."""
    return list(
        db.session.execute(
            sa.select(TeamMember)
            .where(TeamMember.team_id == team_id, TeamMember.status == status)
            .options(selectinload(TeamMember.user).selectinload(User.skill_rows))
            .order_by(_ROLE_ORDER, TeamMember.created_at, TeamMember.id)
        ).scalars()
    )


def count_members(team_id: int) -> int:
    """How many active members the team has."""
    return db.session.execute(
        sa.select(sa.func.count()).where(TeamMember.team_id == team_id, TeamMember.status == MemberStatus.ACTIVE)
    ).scalar_one()


def list_lead_ids(team_id: int, roles=LEAD_ROLES) -> list[int]:
    """User ids of the team's active leader and deputies (or of the given roles only)."""
    return list(
        db.session.execute(
            sa.select(TeamMember.user_id).where(
                TeamMember.team_id == team_id,
                TeamMember.status == MemberStatus.ACTIVE,
                TeamMember.role.in_([str(role) for role in roles]),
            )
        ).scalars()
    )


@dataclass(frozen=True)
class TeamShift:
    """A shift the team holds places on, with the team's confirmed claims on it."""

    shift: Shift
    claims: list[Claim]


def list_upcoming_shifts(team_id: int, *, limit: int = 50) -> list[TeamShift]:
    """Shifts not yet ended on which the team holds confirmed places (claimed as a team), soonest first."""
    claims = db.session.execute(
        sa.select(Claim)
        .join(Shift, Shift.id == Claim.shift_id)
        .where(Claim.team_id == team_id, Claim.status == ClaimStatus.CONFIRMED, Shift.ends_at > now())
        .options(selectinload(Claim.shift).selectinload(Shift.task), selectinload(Claim.user))
        .order_by(Shift.starts_at, Shift.id, Claim.id)
    ).scalars()
    grouped: dict[int, TeamShift] = {}
    for claim in claims:
        if claim.shift_id not in grouped:
            if len(grouped) == limit:
                break
            grouped[claim.shift_id] = TeamShift(claim.shift, [])
        grouped[claim.shift_id].claims.append(claim)
    return list(grouped.values())


def team_minutes(team_id: int) -> int:
    """Confirmed service minutes served for the team: ledger entries marked with the team, or written for a
    claim the team made (corrections included, since they carry the claim)."""
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(HourEntry.minutes), 0))
        .select_from(HourEntry)
        .outerjoin(Claim, Claim.id == HourEntry.claim_id)
        .where(sa.or_(HourEntry.team_id == team_id, Claim.team_id == team_id))
    ).scalar_one()
