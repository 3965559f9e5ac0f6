"""The organisation tree, invitations to roles and to temporary Party branches, and the branches' members."""

from marshmallow import fields

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Int, Lat, LocalDateTime, Lon, Schema, length, one_of
from volunteer_hub.orgs import permissions, rules, services
from volunteer_hub.orgs.models import InvitationKind, OrgKind, Role
from volunteer_hub.orgs.schemas import OrgRef
from volunteer_hub.orgs.services import NAME_MAX as ORG_NAME_MAX
from volunteer_hub.orgs.throttle import invite_limits

blp = Blueprint("api_orgs", __name__, description="Organisations and roles")


class OrgIn(Schema):
    name = fields.String(required=True, validate=length(ORG_NAME_MAX, 1))
    name_en = fields.String(
        load_default=None,
        allow_none=True,
        validate=length(ORG_NAME_MAX),
        metadata={"description": "An English name (optional), shown instead of name to readers of English."},
    )
    kind = fields.String(required=True, validate=one_of(set(OrgKind)))
    parent_id = Int(allow_none=True, load_default=None)
    lat = Lat(allow_none=True, load_default=None)
    lon = Lon(allow_none=True, load_default=None)
    temporary = fields.Boolean(load_default=False)


class OrgOut(OrgRef):
    kind = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True)
    temporary = fields.Boolean()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class RoleIn(Schema):
    phone = fields.String(
        load_default=None, metadata={"description": "The mobile number to invite.", "example": "13812345678"}
    )
    user_id = Int(
        load_default=None, metadata={"description": "Instead of phone: the account to invite (by its number)."}
    )
    role = fields.String(required=True, validate=one_of(set(Role)))


class InvitationSentOut(Schema):
    status = fields.String(required=True, metadata={"enum": ["invitation_sent"]})
    message = fields.String(required=True)


@blp.post("/orgs")
@blp.arguments(OrgIn)
@blp.response(201, OrgOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def create_org(data, user):
    """Add an organisation under a parent in my subtree (top level: administrators only)."""
    return services.create_org(user, **data)


@blp.get("/orgs/<int:org_id>")
@blp.response(200, OrgOut)
@blp.errors(404)
def get_org(org_id):
    """One organisation (public facts only)."""
    return services.get_org(org_id)


class OrgPatchIn(Schema):
    name_en = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The English name; null or empty removes it (readers of English then see name)."},
    )


@blp.patch("/orgs/<int:org_id>")
@blp.arguments(OrgPatchIn)
@blp.response(200, OrgOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def update_org(data, org_id, user):
    """Set or remove an organisation's English name (organizers of its subtree)."""
    return services.set_english_name(user, org_id, data["name_en"])


@blp.post("/orgs/<int:org_id>/roles")
@blp.arguments(RoleIn)
@blp.response(
    202,
    InvitationSentOut,
    description="The invitation is sent, whoever holds the number (or account): "
    "the answer is the same for an unregistered number or unknown account, anyone's, and a holder's of "
    "the role.",
)
@blp.errors(400, 401, 403, 404, 429)
@invite_limits("ROLE_INVITE_LIMIT_PER_ORGANIZER")
@auth_required
def grant_role(data, org_id, user):
    """Invite a mobile number (or an account by id) to organizer or reviewer on this organisation's subtree; its
    holder gets the role only by accepting. Throttled per organizer."""
    services.invite_role(user, services.get_org(org_id), data["role"], phone=data["phone"], user_id=data["user_id"])
    return {"status": "invitation_sent", "message": services.invitation_sent(InvitationKind(data["role"]))}


class BranchIn(Schema):
    name = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "The branch's name; may be left out when task_id is given (named after the task)."},
    )
    task_id = Int(
        load_default=None,
        allow_none=True,
        metadata={"description": "A task of this organisation's subtree the branch is set up for."},
    )


class BranchMemberIn(Schema):
    phone = fields.String(
        required=True,
        metadata={"description": "The mobile number the member registered with.", "example": "13812345678"},
    )


class BranchMemberOut(Schema):
    branch_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)


class BranchInvitationOut(Schema):
    id = fields.Integer(required=True)
    branch_id = fields.Integer(required=True)
    branch = fields.String(required=True, metadata={"description": "The branch's name."})
    org = fields.String(required=True, allow_none=True, metadata={"description": "Where the branch is set up."})
    invited_by = fields.String(required=True, allow_none=True, metadata={"description": "The organizer's name."})
    expires_at = LocalDateTime(required=True, metadata={"description": "Answer before this time."})


class InvitationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(
        required=True,
        metadata={
            "enum": list(InvitationKind),
            "description": (
                "branch_member: join the Party branch org_id; organizer or reviewer: that role on org_id's subtree."
            ),
        },
    )
    org_id = fields.Integer(required=True)
    org = fields.String(required=True, metadata={"description": "The organisation's (or branch's) name."})
    parent = fields.String(required=True, allow_none=True, metadata={"description": "Where it sits."})
    role = fields.String(required=True, allow_none=True, metadata={"enum": list(Role)})
    invited_by = fields.String(required=True, allow_none=True, metadata={"description": "The organizer's name."})
    expires_at = LocalDateTime(required=True, metadata={"description": "Answer before this time."})


BRANCH_ONLY = (InvitationKind.BRANCH_MEMBER,)


def _inviter(invitation) -> str | None:
    return invitation.invited_by.name if invitation.invited_by else None


def _member(branch, user) -> dict:
    return {"branch_id": branch.id, "user_id": user.id, "name": user.name}


@blp.post("/orgs/<int:org_id>/temporary-branches")
@blp.arguments(BranchIn)
@blp.response(201, OrgOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def create_temporary_branch(data, org_id, user):
    """Set up a temporary Party branch under a street, community or compound I organize."""
    return services.create_temporary_branch(user, org_id, name=data["name"], task_id=data["task_id"])


def _branch(org_id: int, user):
    branch = services.get_org(org_id)
    permissions.require_manage(user, branch)
    rules.check_branch(branch)
    return branch


@blp.get("/orgs/<int:org_id>/members")
@blp.response(200, BranchMemberOut(many=True))
@blp.errors(400, 401, 403, 404)
@auth_required
def list_branch_members(org_id, user):
    """The members of a Party branch I organize (names only)."""
    branch = _branch(org_id, user)
    return [_member(branch, person) for _member_row, person in services.list_branch_members(branch)]


@blp.post("/orgs/<int:org_id>/members")
@blp.arguments(BranchMemberIn)
@blp.response(
    202,
    InvitationSentOut,
    description="The invitation is sent, whoever holds the number: the answer "
    "is the same for an unregistered number, anyone's number and a member's.",
)
@blp.errors(400, 401, 403, 404, 429)
@invite_limits("BRANCH_INVITE_LIMIT_PER_ORGANIZER")
@auth_required
def add_branch_member(data, org_id, user):
    """Invite a mobile number to a Party branch I organize; its holder joins only by accepting. Throttled per
    organizer."""
    services.invite_branch_member(user, services.get_org(org_id), data["phone"])
    return {"status": "invitation_sent", "message": services.invitation_sent()}


@blp.delete("/orgs/<int:org_id>/members/<int:member_id>")
@blp.response(204)
@blp.errors(401, 403, 404)
@auth_required
def remove_branch_member(org_id, member_id, user):
    """Take a member (by user id) off a Party branch I organize."""
    services.remove_branch_member(user, services.get_org(org_id), member_id)


@blp.get("/me/branch-invitations")
@blp.response(200, BranchInvitationOut(many=True))
@blp.errors(401)
@auth_required
def my_branch_invitations(user):
    """Invitations to Party branches waiting for my answer, newest first (/me/invitations lists every kind)."""
    return [
        {
            "id": invitation.id,
            "branch_id": invitation.org_id,
            "branch": invitation.org.name,
            "org": invitation.org.parent.name if invitation.org.parent else None,
            "invited_by": _inviter(invitation),
            "expires_at": invitation.expires_at,
        }
        for invitation in services.list_invitations(user, BRANCH_ONLY)
    ]


@blp.post("/me/branch-invitations/<int:invitation_id>/accept")
@blp.response(201, BranchMemberOut)
@blp.errors(401, 404, 409)
@auth_required
def accept_branch_invitation(invitation_id, user):
    """Join the Party branch of one of my invitations (409 not_party_member unless my profile says I am one)."""
    member = services.accept_invitation(user, invitation_id, BRANCH_ONLY)
    return _member(services.get_org(member.org_id), user)


@blp.post("/me/branch-invitations/<int:invitation_id>/decline")
@blp.response(204)
@blp.errors(401, 404)
@auth_required
def decline_branch_invitation(invitation_id, user):
    """Turn one of my invitations to a Party branch down; the organizer is not told."""
    services.decline_invitation(user, invitation_id, BRANCH_ONLY)


@blp.get("/me/invitations")
@blp.response(200, InvitationOut(many=True))
@blp.errors(401)
@auth_required
def my_invitations(user):
    """Invitations to Party branches and to roles waiting for my answer, newest first."""
    return [
        {
            "id": invitation.id,
            "kind": invitation.kind,
            "org_id": invitation.org_id,
            "org": invitation.org.name,
            "parent": invitation.org.parent.name if invitation.org.parent else None,
            "role": invitation.role,
            "invited_by": _inviter(invitation),
            "expires_at": invitation.expires_at,
        }
        for invitation in services.list_invitations(user)
    ]


@blp.post("/me/invitations/<int:invitation_id>/accept")
@blp.response(204)
@blp.errors(401, 404, 409)
@auth_required
def accept_invitation(invitation_id, user):
    """Accept one of my invitations: join the Party branch (409 not_party_member unless my profile says I am
    one) or take the role (then listed in GET /me roles)."""
    services.accept_invitation(user, invitation_id)


@blp.post("/me/invitations/<int:invitation_id>/decline")
@blp.response(204)
@blp.errors(401, 404)
@auth_required
def decline_invitation(invitation_id, user):
    """Turn one of my invitations down; the organizer is not told."""
    services.decline_invitation(user, invitation_id)
