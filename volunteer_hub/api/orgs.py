"""The organisation tree and role grants."""

from volunteer_hub.api.common import Blueprint, auth_required
from volunteer_hub.api.schemas import OrgIn, OrgOut, RoleIn, RoleOut
from volunteer_hub.orgs import services

blp = Blueprint("api_orgs", __name__, description="Organisations and roles")


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


@blp.post("/orgs/<int:org_id>/roles")
@blp.arguments(RoleIn)
@blp.response(201, RoleOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def grant_role(data, org_id, user):
    """Grant organizer or reviewer on this organisation's subtree."""
    return services.grant_role(user, org_id, data["user_id"], data["role"])
