"""Teams (先锋队): founding, joining by invite code or request, membership, team claims and declining them."""

from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.claims.schemas import ClaimOut, claim_out
from volunteer_hub.claims.services import get_own_claim
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import ErrorBody, Int, LocalDateTime, Schema, Text
from volunteer_hub.orgs.rules import shows_party_badge
from volunteer_hub.tasks.services import get_shift
from volunteer_hub.teams import queries, rules, services

blp = Blueprint("api_teams", __name__, description="Volunteer teams and team claims")


class TeamIn(Schema):
    name = fields.String(
        required=True, validate=validate.Length(max=services.NAME_MAX), metadata={"example": "民治东门先锋队"}
    )
    org_id = Int(required=True, metadata={"description": "A community, Party branch or Party committee."})
    description = Text(validate=validate.Length(max=services.DESCRIPTION_MAX))


class JoinIn(Schema):
    code = fields.String(
        validate=validate.Length(max=64),
        metadata={
            "description": "The invite code (from the invite link or QR code). Without it, the call asks to join "
            "and a leader or deputy approves."
        },
    )


class TeamRoleIn(Schema):
    role = fields.String(
        required=True,
        validate=validate.OneOf([str(r) for r in services.ROLE_CHOICES]),
        metadata={
            "description": "deputy or member (leader only); leader hands the team over, "
            "and the old leader becomes a deputy."
        },
    )


class TeamClaimIn(Schema):
    team_id = Int(required=True)
    member_ids = fields.List(Int(), required=True, validate=validate.Length(min=1, max=100))


class MemberOut(Schema):
    team_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "leader, deputy or member"})
    status = fields.String(required=True, metadata={"description": "active, requested, removed or left"})
    skills = fields.List(fields.String())
    party_badge = fields.Boolean(metadata={"description": "A Party member who chose to show the badge."})
    phone = fields.String(metadata={"description": "Only in answers to the team's leader and deputies."})


class TeamShiftOut(Schema):
    shift_id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    task_title = fields.String(required=True)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    member_ids = fields.List(fields.Integer(), required=True)


class TeamOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String()
    org_id = fields.Integer(required=True)
    created_at = LocalDateTime()
    my_role = fields.String(allow_none=True, metadata={"description": "The caller's role, or null."})
    invite_code = fields.String(metadata={"description": "Only for the leader and deputies."})
    members = fields.List(fields.Nested(MemberOut))
    requests = fields.List(
        fields.Nested(MemberOut), metadata={"description": "People asking to join (only for the leader and deputies)."}
    )
    upcoming_shifts = fields.List(fields.Nested(TeamShiftOut))
    hours = fields.Float(metadata={"description": "Confirmed service hours served for the team."})


class MyTeamOut(MemberOut):
    team_name = fields.String(required=True)


class TeamListOut(Schema):
    items = fields.List(fields.Nested(MyTeamOut), required=True)


class TeamClaimsOut(Schema):
    claims = fields.List(fields.Nested(ClaimOut), required=True)


class BlockedOut(Schema):
    user_id = fields.Integer(required=True)
    reason = fields.String(
        required=True,
        metadata={"description": "already_claimed, shift_overlap, not_team_member, or another claim rule's code"},
    )
    message = fields.String()


class TeamClaimErrorBody(ErrorBody):
    blocked = fields.List(fields.Nested(BlockedOut), metadata={"description": "Who blocked the claim and why."})


class TeamClaimErrorOut(Schema):
    error = fields.Nested(TeamClaimErrorBody, required=True)


def member_out(row, *, with_phone: bool = False) -> dict:
    """A membership as the API shows it; the phone number only when the caller leads the team."""
    user = row.user
    body = {
        "team_id": row.team_id,
        "user_id": row.user_id,
        "name": user.name,
        "role": row.role,
        "status": row.status,
        "skills": user.skills,
        "party_badge": shows_party_badge(user),
    }
    if with_phone:
        body["phone"] = user.phone
    return body


def team_out(team, user) -> dict:
    """The team as user may see it: phones, the invite code and open requests only for its leads."""
    mine = rules.membership(user, team)
    lead = mine is not None and mine.role in rules.LEAD_ROLES
    body = {
        "id": team.id,
        "name": team.name,
        "description": team.description,
        "org_id": team.org_id,
        "created_at": team.created_at,
        "my_role": mine.role if mine else None,
        "members": [member_out(m, with_phone=lead) for m in queries.list_members(team.id)],
        "upcoming_shifts": [
            {
                "shift_id": item.shift.id,
                "task_id": item.shift.task_id,
                "task_title": item.shift.task.title,
                "starts_at": item.shift.starts_at,
                "ends_at": item.shift.ends_at,
                "member_ids": [c.user_id for c in item.claims],
            }
            for item in queries.list_upcoming_shifts(team.id)
        ],
        "hours": round(queries.team_minutes(team.id) / 60, 2),
    }
    if lead:
        body["invite_code"] = team.invite_code
        body["requests"] = [member_out(m) for m in queries.list_members(team.id, "requested")]
    return body


@blp.post("/teams")
@blp.arguments(TeamIn)
@blp.response(201, TeamOut)
@blp.errors(400, 401)
@auth_required
def found_team(data, user):
    """Found a team under a community or Party branch; I become its leader."""
    return team_out(services.found_team(user, **data), user)


@blp.get("/teams")
@blp.response(200, TeamListOut)
@blp.errors(401)
@auth_required
def my_teams(user):
    """My memberships: teams I belong to and requests still waiting."""
    return {"items": [member_out(m) | {"team_name": m.team.name} for m in queries.list_my_teams(user)]}


@blp.get("/teams/<int:team_id>")
@blp.response(200, TeamOut)
@blp.errors(401, 403, 404)
@auth_required
def get_team(team_id, user):
    """Members (phones only for the leader and deputies), upcoming team shifts and hours. For members and for
    organizers and reviewers of the team's organisation subtree."""
    team = services.get_team(team_id)
    rules.require_view(user, team)
    return team_out(team, user)


@blp.post("/teams/<int:team_id>/join")
@blp.arguments(JoinIn)
@blp.response(200, MemberOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def join(data, team_id, user):
    """With the invite code: join at once (a wrong code is 403 invalid_invite_code; already a member, 409).
    Without a code: ask to join (status requested) until a leader or deputy approves."""
    team = services.get_team(team_id)
    if data.get("code") is not None:
        return member_out(services.join_by_code(user, team, data["code"]))
    return member_out(services.request_to_join(user, team))


@blp.post("/teams/<int:team_id>/members/<int:user_id>/approve")
@blp.response(200, MemberOut)
@blp.errors(401, 403, 404)
@auth_required
def approve(team_id, user_id, user):
    """Let someone who asked join (leader or deputy)."""
    return member_out(services.approve_request(user, services.get_team(team_id), user_id))


@blp.post("/teams/<int:team_id>/members/<int:user_id>/decline")
@blp.response(200, MemberOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def decline_request(team_id, user_id, user):
    """Turn a request to join down (leader or deputy); the invite link no longer admits that person."""
    return member_out(services.decline_request(user, services.get_team(team_id), user_id))


@blp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@blp.response(200, MemberOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def remove(team_id, user_id, user):
    """Remove a member: the leader removes anyone else, a deputy ordinary members only."""
    return member_out(services.remove_member(user, services.get_team(team_id), user_id))


@blp.post("/teams/<int:team_id>/members/<int:user_id>/role")
@blp.arguments(TeamRoleIn)
@blp.response(200, MemberOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def set_role(data, team_id, user_id, user):
    """Name or unname a deputy, or hand the team over (leader only)."""
    return member_out(services.set_role(user, services.get_team(team_id), user_id, data["role"]))


@blp.post("/teams/<int:team_id>/leave")
@blp.response(200, MemberOut)
@blp.errors(401, 404, 409)
@auth_required
def leave(team_id, user):
    """Leave the team or withdraw my request; the leader must hand the team over first (409)."""
    return member_out(services.leave_team(user, services.get_team(team_id)))


@blp.post("/shifts/<int:shift_id>/team-claims")
@blp.arguments(TeamClaimIn)
@blp.response(201, TeamClaimsOut)
@blp.alt_response(409, schema=TeamClaimErrorOut, description="Nothing was claimed; `blocked` says who and why.")
@blp.errors(400, 401, 403, 404)
@auth_required
def team_claim(data, shift_id, user):
    """Claim one confirmed place per named member, all or nothing (leader or deputy). Each member is told and
    may decline."""
    shift = get_shift(shift_id)
    team = services.get_team(data["team_id"])
    claims = services.team_claim(user, team, shift, data["member_ids"])
    return {"claims": [claim_out(c) for c in claims]}


@blp.post("/claims/<int:claim_id>/decline")
@blp.response(200, ClaimOut)
@blp.errors(401, 404, 409)
@auth_required
def decline_team_claim(claim_id, user):
    """Decline a place my team claimed for me: it goes to the waitlist and the leader is told."""
    return claim_out(services.decline_team_claim(user, get_own_claim(user, claim_id)))
