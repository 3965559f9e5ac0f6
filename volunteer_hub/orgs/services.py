"""Organisation use cases: build the tree and grant roles."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation, OrgKind, Role, RoleGrant

NAME_MAX = 100

# Which kinds may sit directly under which. Party bodies attach to the administrative units they serve;
# a temporary branch may also sit under a compound or another branch's committee.
ALLOWED_PARENTS = {
    OrgKind.CITY: (None,),
    OrgKind.DISTRICT: (OrgKind.CITY,),
    OrgKind.STREET: (OrgKind.DISTRICT,),
    OrgKind.COMMUNITY: (OrgKind.STREET,),
    OrgKind.COMPOUND: (OrgKind.COMMUNITY,),
    OrgKind.PARTY_COMMITTEE: (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET, OrgKind.COMMUNITY),
    OrgKind.PARTY_BRANCH: (OrgKind.PARTY_COMMITTEE, OrgKind.STREET, OrgKind.COMMUNITY, OrgKind.COMPOUND),
}


def get_org(org_id) -> Organisation:
    org = db.session.get(Organisation, org_id) if isinstance(org_id, int) else None
    if org is None:
        raise NotFound(_l("No such organisation."))
    return org


def create_org(actor: User, *, name: str, kind: str, parent_id: int | None, lat=None, lon=None,
               temporary: bool = False) -> Organisation:
    """Add an organisation under parent_id (organizers of the parent's subtree; roots by admins only)."""
    errors = {}
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = _l("Enter a name of 1 to %(n)d characters.", n=NAME_MAX)
    if kind not in set(OrgKind):
        errors["kind"] = _l("Unknown kind of organisation.")
    if (lat is None) != (lon is None):
        errors["lat"] = _l("Give both latitude and longitude.")
    elif lat is not None and not (valid_lat(lat) and valid_lon(lon)):
        errors["lat"] = _l("Coordinates out of range.")
    if errors:
        raise ValidationError(fields=errors)
    parent = None
    if parent_id is None:
        if not actor.is_admin:
            raise NotAllowed(_l("Only administrators can create a top-level organisation."))
    else:
        parent = get_org(parent_id)
        permissions.require_manage(actor, parent)
    if (parent.kind if parent else None) not in ALLOWED_PARENTS[OrgKind(kind)]:
        raise ValidationError(fields={"parent_id": _l("A %(kind)s cannot be placed here.", kind=kind)})
    if temporary and kind != OrgKind.PARTY_BRANCH:
        raise ValidationError(fields={"temporary": _l("Only a Party branch can be temporary.")})
    org = Organisation(name=name, kind=kind, parent_id=parent_id, lat=lat, lon=lon, temporary=temporary)
    db.session.add(org)
    db.session.flush()  # the path needs the new id
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.commit()
    return org


def grant_role(actor: User, org_id: int, user_id: int, role: str) -> RoleGrant:
    """Give user_id a role on org_id; admins and organizers of the org's subtree may grant."""
    org = get_org(org_id)
    permissions.require_manage(actor, org)
    if role not in set(Role):
        raise ValidationError(fields={"role": _l("Role must be organizer or reviewer.")})
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise ValidationError(fields={"user_id": _l("No such user.")})
    exists = db.session.execute(
        sa.select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.org_id == org.id, RoleGrant.role == role)
    ).scalar_one_or_none()
    if exists:
        raise Conflict(_l("%(name)s already has this role here.", name=user.name), code="role_exists")
    grant = RoleGrant(user_id=user.id, org_id=org.id, role=role, granted_by_id=actor.id)
    db.session.add(grant)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_l("%(name)s already has this role here.", name=user.name), code="role_exists") from None
    return grant


def revoke_role(actor: User, grant_id: int) -> None:
    """Remove a role grant (organizers of the grant's organisation subtree)."""
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound(_l("No such role."))
    permissions.require_manage(actor, grant.org)
    db.session.delete(grant)
    db.session.commit()


def list_children(org: Organisation) -> list[Organisation]:
    return list(
        db.session.execute(
            sa.select(Organisation).where(Organisation.parent_id == org.id).order_by(Organisation.name)
        ).scalars()
    )


def list_manageable(user: User, kinds=None) -> list[Organisation]:
    """Organisations in which user may post tasks, shallowest first."""
    query = sa.select(Organisation).order_by(Organisation.path)
    condition = permissions.scope_filter(user)
    if condition is not None:
        query = query.where(condition)
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    return list(db.session.execute(query).scalars())


def list_grants(org: Organisation) -> list[RoleGrant]:
    return list(
        db.session.execute(sa.select(RoleGrant).where(RoleGrant.org_id == org.id).order_by(RoleGrant.id)).scalars()
    )


def list_communities() -> list[Organisation]:
    """Communities and compounds, for a volunteer picking a home community."""
    return list(
        db.session.execute(
            sa.select(Organisation)
            .where(Organisation.kind.in_((OrgKind.COMMUNITY, OrgKind.COMPOUND)))
            .order_by(Organisation.path)
        ).scalars()
    )
