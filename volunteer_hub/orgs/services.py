"""Organisation use cases: build the tree, grant roles, run temporary Party branches and their members."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.accounts.services import get_user_by_phone
from volunteer_hub.audit import services as audit
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions, rules
from volunteer_hub.orgs.models import BranchMember, Organisation, OrgKind, Role, RoleGrant
from volunteer_hub.tasks.models import Task, TaskStatus

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
    name = strip_text(name)
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


# --- temporary Party branches (临时党支部) and their members ---

def create_temporary_branch(actor: User, parent_id, *, name: str | None, task_id=None) -> Organisation:
    """Set up a temporary Party branch under a street, community or compound the actor organizes, optionally
    for one of its tasks (the branch is named after the task when no name is given)."""
    parent = get_org(parent_id)
    permissions.require_manage(actor, parent)
    rules.check_branch_site(parent)
    name = strip_text(name)
    if task_id is not None:
        task = db.session.get(Task, task_id) if isinstance(task_id, int) else None
        if task is None or not parent.contains(task.org):
            raise ValidationError(fields={"task_id": _l("Choose a task of %(org)s.", org=parent.name)})
        if not name:
            with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                name = str(_l("%(task)s temporary Party branch", task=task.title))[:NAME_MAX]
    if not name or len(name) > NAME_MAX:
        raise ValidationError(fields={"name": _l("Enter a name of 1 to %(n)d characters.", n=NAME_MAX)})
    return atomic(_create_branch, actor, parent, name, task_id)


def _create_branch(actor: User, parent: Organisation, name: str, task_id: int | None) -> Organisation:
    branch = Organisation(name=name, kind=OrgKind.PARTY_BRANCH, parent_id=parent.id, temporary=True)
    db.session.add(branch)
    db.session.flush()  # the path needs the new id
    branch.path = f"{parent.path}{branch.id}/"
    audit.record(actor.id, "orgs.branch_created", "org", branch.id, parent_id=parent.id, task_id=task_id)
    return branch


def add_branch_member(actor: User, branch: Organisation, phone: str | None) -> BranchMember:
    """Add a registered Party member, found by their mobile number, to a Party branch the actor organizes."""
    permissions.require_manage(actor, branch)
    rules.check_branch(branch)
    normalised = normalise_mobile(phone or "")
    if normalised is None:
        raise ValidationError(fields={"phone": _l("Enter an 11-digit mainland mobile number, e.g. 13812345678.")})
    user = get_user_by_phone(normalised)
    if user is None:
        raise ValidationError(fields={"phone": _l(
            "No one has registered with this number. Ask them to register first.")})
    rules.check_party_member(user)
    try:
        return atomic(_add_member, actor, branch, user)
    except sa.exc.IntegrityError:
        raise Conflict(_l("%(name)s is already a member of %(branch)s.", name=user.name, branch=branch.name),
                       code="already_member") from None


def _add_member(actor: User, branch: Organisation, user: User) -> BranchMember:
    member = BranchMember(org_id=branch.id, user_id=user.id, added_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    audit.record(actor.id, "orgs.branch_member_added", "org", branch.id, user_id=user.id)
    return member


def remove_branch_member(actor: User, branch: Organisation, user_id) -> None:
    """Take a member off a Party branch the actor organizes."""
    permissions.require_manage(actor, branch)
    member = db.session.execute(sa.select(BranchMember).where(
        BranchMember.org_id == branch.id, BranchMember.user_id == user_id)).scalar_one_or_none()
    if member is None:
        raise NotFound(_l("No such member."))
    atomic(_remove_member, actor, member)


def _remove_member(actor: User, member: BranchMember) -> None:
    audit.record(actor.id, "orgs.branch_member_removed", "org", member.org_id, user_id=member.user_id)
    db.session.delete(member)


def list_branch_members(branch: Organisation) -> list[tuple[BranchMember, User]]:
    """A branch's members with their accounts, by name."""
    return [(member, user) for member, user in db.session.execute(
        sa.select(BranchMember, User).join(User, User.id == BranchMember.user_id)
        .where(BranchMember.org_id == branch.id).order_by(User.name, User.id))]


def list_branches(org: Organisation) -> list[Organisation]:
    """The Party branches directly under org, temporary ones first."""
    return list(db.session.execute(
        sa.select(Organisation).where(Organisation.parent_id == org.id, Organisation.kind == OrgKind.PARTY_BRANCH)
        .order_by(Organisation.temporary.desc(), Organisation.name)
    ).scalars())


def list_site_tasks(org: Organisation, limit: int = 50) -> list[Task]:
    """Open tasks of org's subtree, newest first: what a temporary Party branch may be set up for."""
    return list(db.session.execute(
        sa.select(Task).join(Organisation, Organisation.id == Task.org_id)
        .where(Organisation.path.startswith(org.path, autoescape=True), Task.status == TaskStatus.OPEN)
        .order_by(Task.id.desc()).limit(limit)
    ).scalars())
