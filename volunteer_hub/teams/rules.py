"""Who may act for a team. Leaders and deputies run it; active members belong to it."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import Conflict, NotAllowed, ValidationError
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import OrgKind
from volunteer_hub.teams.models import MemberRole, MemberStatus, Team, TeamMember

LEAD_ROLES = (MemberRole.LEADER, MemberRole.DEPUTY)


def membership(user, team: Team) -> TeamMember | None:
    """The user's active membership of team, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(
        sa.select(TeamMember).where(
            TeamMember.team_id == team.id, TeamMember.user_id == user.id, TeamMember.status == MemberStatus.ACTIVE
        )
    ).scalar_one_or_none()


def can_lead(user, team: Team) -> bool:
    """The team's leader or a deputy (active)."""
    member = membership(user, team)
    return member is not None and member.role in LEAD_ROLES


def require_lead(user, team: Team) -> None:
    if not can_lead(user, team):
        raise NotAllowed(_l("Only the team's leader or a deputy can do this."))


def lead_membership(user, team: Team) -> TeamMember:
    """The membership of the team's leader or a deputy acting (require_lead that returns it)."""
    member = membership(user, team)
    if member is None or member.role not in LEAD_ROLES:
        raise NotAllowed(_l("Only the team's leader or a deputy can do this."))
    return member


def require_member(user, team: Team) -> None:
    if membership(user, team) is None:
        raise NotAllowed(_l("Only members of this team can do this."))


def active_member_ids(team_id: int) -> list[int]:
    """User ids of the team's active members (leader and deputies included)."""
    return list(
        db.session.execute(
            sa.select(TeamMember.user_id).where(TeamMember.team_id == team_id, TeamMember.status == MemberStatus.ACTIVE)
        ).scalars()
    )


# Teams are founded under a community or a Party organisation, not under a street or a district.
TEAM_ORG_KINDS = (OrgKind.COMMUNITY, OrgKind.PARTY_BRANCH, OrgKind.PARTY_COMMITTEE)


def check_team_org(org) -> None:
    """A team hangs under a community or a Party branch/committee."""
    if org is None or org.kind not in TEAM_ORG_KINDS:
        raise ValidationError(fields={"org_id": _l("Choose a community or a Party branch.")})


def is_leader(user, team: Team) -> bool:
    """The team's (active) leader, not a deputy."""
    member = membership(user, team)
    return member is not None and member.role == MemberRole.LEADER


def require_leader(user, team: Team) -> None:
    """Naming deputies and handing the team over are for the leader alone."""
    if not is_leader(user, team):
        raise NotAllowed(_l("Only the team's leader can do this."))


def check_can_join(existing: TeamMember | None) -> None:
    """Joining by invite: not twice, and not after a leader removed you (the link may circulate widely)."""
    if existing is None:
        return
    if existing.status == MemberStatus.ACTIVE:
        raise Conflict(_l("You are already a member of this team."), code="already_member")
    if existing.status == MemberStatus.REMOVED:
        raise NotAllowed(
            _l("A leader removed you from this team. Ask to join again; a leader will decide."),
            code="removed_from_team",
        )


def check_can_leave(member: TeamMember) -> None:
    """A team is never left without a leader."""
    if member.role == MemberRole.LEADER:
        raise Conflict(
            _l("You lead this team. Hand the team over to another member first, then you can leave."),
            code="leader_must_hand_over",
        )


def check_can_remove(actor: TeamMember, target: TeamMember) -> None:
    """The leader removes anyone else; a deputy removes ordinary members only; nobody removes themselves."""
    if target.user_id == actor.user_id:
        raise Conflict(_l("To leave the team, use “Leave the team”."), code="cannot_remove_self")
    if target.role == MemberRole.LEADER or (target.role == MemberRole.DEPUTY and actor.role != MemberRole.LEADER):
        raise NotAllowed(_l("Only the team's leader can remove a deputy, and nobody can remove the leader."))


def blocked_non_members(team_id: int, user_ids) -> list[dict]:
    """The named people who are not active members of the team, in the shape of a blocked group claim."""
    members = set(active_member_ids(team_id))
    return [
        {"user_id": user_id, "reason": "not_team_member", "message": str(_l("Not an active member of this team."))}
        for user_id in sorted(set(user_ids))
        if user_id not in members
    ]


def can_view(user, team: Team) -> bool:
    """Members see the whole team page; so do organizers and reviewers of the team's organisation subtree."""
    return membership(user, team) is not None or permissions.can_review(user, team.org)


def require_view(user, team: Team) -> None:
    """Raise unless the user may see the team's members, shifts and hours."""
    if not can_view(user, team):
        raise NotAllowed(_l("Only members of this team can see it. Ask to join, or use the invite link."))
