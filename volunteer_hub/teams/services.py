"""Team use cases: found a team, join it (invite or request), run its membership, claim places for it."""

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.audit import services as audit
from volunteer_hub.claims import rules as claim_rules
from volunteer_hub.claims import services as claim_services
from volunteer_hub.claims.models import CancelReason, Claim, ClaimStatus
from volunteer_hub.core.db import get_row
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift
from volunteer_hub.teams import queries, rules
from volunteer_hub.teams.models import MemberRole, MemberStatus, Team, TeamMember

NAME_MAX = 50
DESCRIPTION_MAX = 200
ROLE_CHOICES = (MemberRole.LEADER, MemberRole.DEPUTY, MemberRole.MEMBER)


def get_team(team_id) -> Team:
    """The team, or NotFound."""
    team = db.session.get(Team, team_id) if isinstance(team_id, int) else None
    if team is None:
        raise NotFound(_l("No such team."))
    return team


def found_team(user: User, *, name: str, org_id, description: str = "") -> Team:
    """Found a team under a community or Party branch; the founder becomes its leader."""
    name, description = strip_text(name), (description or "").strip()
    errors = {}
    if not 1 <= len(name) <= NAME_MAX:
        errors["name"] = _l("Give the team a name of 1 to %(max)d characters.", max=NAME_MAX)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _l("Use at most %(max)d characters.", max=DESCRIPTION_MAX)
    if errors:
        raise ValidationError(fields=errors)
    rules.check_team_org(db.session.get(Organisation, org_id) if isinstance(org_id, int) else None)
    return atomic(_found, user.id, name, org_id, description)


def _found(user_id: int, name: str, org_id: int, description: str) -> Team:
    team = Team(
        name=name, org_id=org_id, description=description, founder_id=user_id, invite_code=secrets.token_urlsafe(12)
    )
    team.members.append(TeamMember(user_id=user_id, role=MemberRole.LEADER, status=MemberStatus.ACTIVE))
    db.session.add(team)
    db.session.flush()
    audit.record(user_id, "team_founded", "team", team.id, org_id=org_id)
    return team


def join_by_code(user: User, team: Team, code: str) -> TeamMember:
    """Join with the team's invite code (link or QR code): the member is active at once."""
    if not code or not secrets.compare_digest(str(code), team.invite_code):
        raise NotAllowed(
            _l("This invite code is not valid for this team. Ask its leader for the current link."),
            code="invalid_invite_code",
        )
    existing = queries.get_membership_row(team.id, user.id)
    rules.check_can_join(existing)
    try:
        return atomic(_activate, team.id, user.id, existing.id if existing else None, None)
    except sa.exc.IntegrityError:  # a second tap raced the first: both tried to insert the row
        raise Conflict(_l("You are already a member of this team."), code="already_member") from None


def _activate(team_id: int, user_id: int | None, row_id: int | None, decided_by_id: int | None) -> TeamMember:
    row = db.session.get(TeamMember, row_id) if row_id else None
    if row is None:
        row = TeamMember(team_id=team_id, user_id=user_id)
        db.session.add(row)
    row.status, row.role, row.decided_by_id = MemberStatus.ACTIVE, MemberRole.MEMBER, decided_by_id
    db.session.flush()
    return row


def request_to_join(user: User, team: Team) -> TeamMember:
    """Ask to join; the leader and deputies are told and one of them decides. Asking twice changes nothing."""
    existing = queries.get_membership_row(team.id, user.id)
    if existing is not None and existing.status == MemberStatus.ACTIVE:
        raise Conflict(_l("You are already a member of this team."), code="already_member")
    if existing is not None and existing.status == MemberStatus.REQUESTED:
        return existing
    try:
        return atomic(_request, team, user, existing.id if existing else None)
    except sa.exc.IntegrityError:
        row = queries.get_membership_row(team.id, user.id)
        if row is None:  # the duplicate that failed the insert is there
            raise
        return row


def _request(team: Team, user: User, row_id: int | None) -> TeamMember:
    row = db.session.get(TeamMember, row_id) if row_id else None
    if row is None:
        row = TeamMember(team_id=team.id, user_id=user.id)
        db.session.add(row)
    row.status, row.role, row.decided_by_id = MemberStatus.REQUESTED, MemberRole.MEMBER, None
    db.session.flush()
    for lead_id in queries.list_lead_ids(team.id):
        notify(lead_id, "team_join_requested", team=team.name, team_id=team.id, name=user.name)
    return row


def _requested_row(team: Team, user_id) -> TeamMember:
    row = queries.get_membership_row(team.id, user_id) if isinstance(user_id, int) else None
    if row is None or row.status not in (MemberStatus.REQUESTED, MemberStatus.ACTIVE):
        raise NotFound(_l("No such request to join."))
    return row


def approve_request(actor: User, team: Team, user_id) -> TeamMember:
    """A leader or deputy lets a person who asked join; approving twice changes nothing."""
    rules.require_lead(actor, team)
    row = _requested_row(team, user_id)
    if row.status == MemberStatus.ACTIVE:
        return row
    return atomic(_approve, team, row.id, actor.id)


def _approve(team: Team, row_id: int, actor_id: int) -> TeamMember:
    row = _activate(team.id, None, row_id, actor_id)
    notify(row.user_id, "team_join_approved", team=team.name, team_id=team.id)
    return row


def decline_request(actor: User, team: Team, user_id) -> TeamMember:
    """A leader or deputy turns a request down; the person is told, and the invite link no longer admits them."""
    rules.require_lead(actor, team)
    row = _requested_row(team, user_id)
    if row.status != MemberStatus.REQUESTED:
        raise Conflict(_l("This person is already a member; remove them instead."), code="already_member")
    return atomic(_end_membership, team, row.id, actor.id, MemberStatus.REMOVED, "team_join_declined")


def _end_membership(team: Team, row_id: int, actor_id: int, status: str, kind: str | None) -> TeamMember:
    row = get_row(db.session, TeamMember, row_id)
    row.status, row.role, row.decided_by_id = status, MemberRole.MEMBER, actor_id
    if kind:
        notify(row.user_id, kind, team=team.name, team_id=team.id)
        audit.record(actor_id, kind, "team", team.id, user_id=row.user_id)
    return row


def _active_row(team: Team, user_id) -> TeamMember:
    row = queries.get_membership_row(team.id, user_id) if isinstance(user_id, int) else None
    if row is None or row.status != MemberStatus.ACTIVE:
        raise NotFound(_l("This person is not a member of the team."))
    return row


def remove_member(actor: User, team: Team, user_id) -> TeamMember:
    """A leader (anyone but themselves) or a deputy (ordinary members) removes someone from the team."""
    rules.require_lead(actor, team)
    target = _active_row(team, user_id)
    rules.check_can_remove(rules.lead_membership(actor, team), target)
    return atomic(_end_membership, team, target.id, actor.id, MemberStatus.REMOVED, "team_member_removed")


def leave_team(user: User, team: Team) -> TeamMember:
    """A member leaves (or withdraws a request to join); the leader must hand the team over first."""
    row = queries.get_membership_row(team.id, user.id)
    if row is None or row.status not in (MemberStatus.ACTIVE, MemberStatus.REQUESTED):
        raise NotFound(_l("You are not a member of this team."))
    rules.check_can_leave(row)
    return atomic(_end_membership, team, row.id, user.id, MemberStatus.LEFT, None)


def set_role(actor: User, team: Team, user_id, role: str) -> TeamMember:
    """The leader names or unnames a deputy, or hands the team over (the old leader stays as a deputy)."""
    rules.require_leader(actor, team)
    if role not in ROLE_CHOICES:
        raise ValidationError(fields={"role": _l("Choose leader, deputy or member.")})
    target = _active_row(team, user_id)
    if target.user_id == actor.id:
        raise Conflict(_l("To stop leading, hand the team over to another member."), code="cannot_change_own_role")
    if target.role == role:
        return target
    return atomic(_set_role, team, target.id, rules.lead_membership(actor, team).id, actor.id, role)


def _set_role(team: Team, target_id: int, actor_row_id: int, actor_id: int, role: str) -> TeamMember:
    target = get_row(db.session, TeamMember, target_id)
    target.role = role
    if role == MemberRole.LEADER:
        get_row(db.session, TeamMember, actor_row_id).role = MemberRole.DEPUTY
    notify(target.user_id, "team_role_changed", team=team.name, team_id=team.id, role=role)
    audit.record(actor_id, "team_role_changed", "team", team.id, user_id=target.user_id, role=role)
    return target


def team_claim(actor: User, team: Team, shift: Shift, member_ids) -> list[Claim]:
    """A leader or deputy claims one place per named member on shift, all or nothing, then tells each member
    (who may decline). A refusal names who blocked it and why, and claims nothing."""
    rules.require_lead(actor, team)
    member_ids = sorted({int(i) for i in member_ids or ()})
    if not member_ids:
        raise ValidationError(fields={"member_ids": _l("Choose at least one member.")})
    blocked = rules.blocked_non_members(team.id, member_ids)
    if blocked:
        raise Conflict(
            _l("Nothing was claimed: %(num)d of the people named are not members of this team.", num=len(blocked)),
            code="claim_blocked",
            blocked=blocked,
        )
    return atomic(_claim_and_notify, team, shift, actor, member_ids)


def _claim_and_notify(team: Team, shift: Shift, actor: User, member_ids: list[int]) -> list[Claim]:
    """The claims and the notices to the members commit together: no place without its notice."""
    claims = claim_services.claim_places_in_transaction(shift, member_ids, team_id=team.id, claimed_by_id=actor.id)
    for claim in claims:
        if claim.user_id != actor.id:
            notify(
                claim.user_id,
                "team_claim",
                task_id=shift.task_id,
                dedupe_key=f"team_claim:{claim.id}",
                team=team.name,
                team_id=team.id,
                name=actor.name,
                task=shift.task.title,
                starts_at=shift.starts_at.isoformat(),
                ends_at=shift.ends_at.isoformat(),
            )
    return claims


def decline_team_claim(user: User, claim: Claim) -> Claim:
    """A member declines a place their team claimed for them: the place goes to the waitlist and whoever
    claimed it, with the team's leader, is told."""
    if claim.team_id is None:
        raise Conflict(_l("This place was not claimed by a team; cancel it instead."), code="not_team_claim")
    if claim.status == ClaimStatus.CANCELLED and claim.cancel_reason == CancelReason.TEAM_DECLINED:
        return claim
    if not claim.is_active:
        raise Conflict(_l("This sign-up is no longer active."), code="claim_not_active")
    claim_rules.check_not_started(claim.shift)
    if claim.checked_in_at is not None:
        raise Conflict(
            _l("You have already checked in; please tell the person in charge if you must leave."),
            code="already_checked_in",
        )
    atomic(_decline, claim, user)
    db.session.refresh(claim)
    return claim


def _decline(claim: Claim, user: User) -> None:
    claim_services.withdraw(claim, ClaimStatus.CANCELLED, reason=CancelReason.TEAM_DECLINED)
    shift = claim.shift
    team = db.session.get(Team, claim.team_id)
    leaders = queries.list_lead_ids(team.id, (MemberRole.LEADER,)) if team else []
    told = {lead_id for lead_id in (claim.claimed_by_id, *leaders) if lead_id is not None and lead_id != user.id}
    for lead_id in sorted(told):
        notify(
            lead_id,
            "team_claim_declined",
            task_id=shift.task_id,
            dedupe_key=f"team_claim_declined:{claim.id}",
            team=team.name if team else "",
            name=user.name,
            task=shift.task.title,
            starts_at=shift.starts_at.isoformat(),
            ends_at=shift.ends_at.isoformat(),
        )
