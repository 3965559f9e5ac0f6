"""Organisation use cases: build the tree, grant roles, run temporary Party branches and their members, invite
numbers to a branch or a role (only the invitee's acceptance makes a member or a role holder)."""

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.accounts.services import get_user_by_phone
from volunteer_hub.audit import services as audit
from volunteer_hub.core.db import insert_ignoring_duplicates, updated_rows
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions, rules
from volunteer_hub.orgs.models import (
    BranchMember,
    Invitation,
    InvitationKind,
    InvitationStatus,
    Organisation,
    OrgKind,
    Role,
    RoleGrant,
)
from volunteer_hub.orgs.names import org_name

NAME_MAX = 100
# Tasks build on organisations, so the tasks a temporary branch may be set up for come through two functions tasks
# registers at app creation: "get"(task_id) -> the task or None, "list_open"(org, limit) -> open tasks of org's
# subtree, newest first.
_SITE_TASKS: dict[str, Callable] = {}

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


def _english_name(name_en: str | None, errors: dict) -> str | None:
    """The optional English name, stripped; empty means none."""
    name_en = strip_text(name_en) or None
    if name_en is not None and len(name_en) > NAME_MAX:
        errors["name_en"] = _l("Use at most %(n)d characters.", n=NAME_MAX)
    return name_en


def create_org(
    actor: User,
    *,
    name: str,
    kind: str,
    parent_id: int | None,
    lat=None,
    lon=None,
    temporary: bool = False,
    name_en: str | None = None,
) -> Organisation:
    """Add an organisation under parent_id (organizers of the parent's subtree; roots by admins only)."""
    errors = {}
    name = strip_text(name)
    if not name or len(name) > NAME_MAX:
        errors["name"] = _l("Enter a name of 1 to %(n)d characters.", n=NAME_MAX)
    name_en = _english_name(name_en, errors)
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
    org = Organisation(
        name=name, name_en=name_en, kind=kind, parent_id=parent_id, lat=lat, lon=lon, temporary=temporary
    )
    db.session.add(org)
    db.session.flush()  # the path needs the new id
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.commit()
    return org


def set_english_name(actor: User, org_id: int, name_en: str | None) -> Organisation:
    """Give an organisation an English name, or take it away with an empty one (organizers of its subtree)."""
    org = get_org(org_id)
    permissions.require_manage(actor, org)
    errors: dict = {}
    name_en = _english_name(name_en, errors)
    if errors:
        raise ValidationError(fields=errors)
    org.name_en = name_en
    db.session.commit()
    return org


def grant_role(actor: User, org_id: int, user_id: int, role: str) -> RoleGrant:
    """Give user_id a role on org_id at once, without asking them: for seeding the demo and for tests, never for an
    organizer's request (that is an invitation the person accepts: invite_role)."""
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


def roles_of(user: User) -> list[dict]:
    """The user's roles, oldest grant first: [{"org_id", "org_name", "role"}] (the API's GET /me)."""
    rows = db.session.execute(
        sa.select(RoleGrant.org_id, Organisation.name, RoleGrant.role)
        .join(Organisation, Organisation.id == RoleGrant.org_id)
        .where(RoleGrant.user_id == user.id)
        .order_by(RoleGrant.id)
    ).all()
    return [{"org_id": org_id, "org_name": name, "role": role} for org_id, name, role in rows]


def community_choices() -> list[tuple[int, str]]:
    """(id, name for the reader) of the communities and compounds, for a volunteer picking a home community."""
    return [
        (org.id, org_name(org))
        for org in db.session.execute(
            sa.select(Organisation)
            .where(Organisation.kind.in_((OrgKind.COMMUNITY, OrgKind.COMPOUND)))
            .order_by(Organisation.path)
        ).scalars()
    ]


# --- temporary Party branches (临时党支部) and their members ---


def create_temporary_branch(actor: User, parent_id, *, name: str | None, task_id=None) -> Organisation:
    """Set up a temporary Party branch under a street, community or compound the actor organizes, optionally
    for one of its tasks (the branch is named after the task when no name is given)."""
    parent = get_org(parent_id)
    permissions.require_manage(actor, parent)
    rules.check_branch_site(parent)
    name = strip_text(name)
    if task_id is not None:
        task = _SITE_TASKS["get"](task_id) if isinstance(task_id, int) else None
        if task is None or not parent.contains(task.org):
            raise ValidationError(fields={"task_id": _l("Choose a task of %(org)s.", org=org_name(parent))})
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


def invite_branch_member(actor: User, branch: Organisation, phone: str | None) -> None:
    """Invite a mobile number to a Party branch the actor organizes; its holder joins only by accepting."""
    permissions.require_manage(actor, branch)
    rules.check_branch(branch)
    _send_invitation(actor, branch, _invited_phone(phone), InvitationKind.BRANCH_MEMBER)


def invite_role(
    actor: User, org: Organisation, role: str, *, phone: str | None = None, user_id: int | None = None
) -> None:
    """Invite a mobile number (or the account user_id, by its number) to a role on an organisation the actor
    organizes; its holder gets the role only by accepting. An unknown user_id is answered like any number."""
    permissions.require_manage(actor, org)
    if role not in set(Role):
        raise ValidationError(fields={"role": _l("Role must be organizer or reviewer.")})
    if user_id is None:
        phone = _invited_phone(phone)
    else:
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        phone = user.phone if user is not None else None
    if phone is not None:
        _send_invitation(actor, org, phone, InvitationKind(role))


def _invited_phone(phone: str | None) -> str:
    normalised = normalise_mobile(phone or "")
    if normalised is None:
        raise ValidationError(fields={"phone": _l("Enter an 11-digit mainland mobile number, e.g. 13812345678.")})
    return normalised


def _send_invitation(actor: User, org: Organisation, phone: str, kind: InvitationKind) -> None:
    # Whoever holds the number (nobody yet, anyone anywhere in the city, a member or role holder already) the
    # actor gets the same answer after nearly the same work, so inviting tells nothing about the number.
    # A simultaneous invitation of the same number to the same place may go in first: then it is sent.
    with contextlib.suppress(sa.exc.IntegrityError):
        atomic(_invite, actor, org, phone, kind)


def invitation_sent(kind: InvitationKind = InvitationKind.BRANCH_MEMBER) -> str:
    """What the organizer is told about an invitation, whoever holds the number (word for word the same)."""
    days = current_app.config["INVITATION_DAYS"]
    if kind == InvitationKind.BRANCH_MEMBER:
        return _(
            "Invitation sent. Whoever holds this number sees it after signing in with it and joins the branch "
            "only by accepting it, within %(days)d days.",
            days=days,
        )
    return _(
        "Invitation sent. Whoever holds this number sees it after signing in with it and gets the role only "
        "by accepting it, within %(days)d days.",
        days=days,
    )


def _invite(actor: User, org: Organisation, phone: str, kind: InvitationKind) -> None:
    at = now()
    holder = get_user_by_phone(phone)
    invitation = db.session.execute(
        sa.select(Invitation).where(Invitation.org_id == org.id, Invitation.phone == phone, Invitation.kind == kind)
    ).scalar_one_or_none()
    if holder is not None and _already_has(holder, org, kind):
        return
    # An open invitation is not sent twice, and a "no" stands until the invitation would have expired.
    if invitation is not None and invitation.status != InvitationStatus.ACCEPTED and invitation.expires_at > at:
        return
    if invitation is None:
        invitation = Invitation(org_id=org.id, phone=phone, kind=kind)
        db.session.add(invitation)
    invitation.status, invitation.invited_by_id, invitation.created_at = InvitationStatus.PENDING, actor.id, at
    invitation.expires_at = at + timedelta(days=current_app.config["INVITATION_DAYS"])
    invitation.responded_at = None
    db.session.flush()
    until = to_local(invitation.expires_at).date().isoformat()
    if kind == InvitationKind.BRANCH_MEMBER:
        audit.record(actor.id, "orgs.branch_member_invited", "org", org.id, invitation_id=invitation.id)
        if holder is not None:
            parent = org.parent
            notify(
                holder.id,
                "branch_invitation",
                branch=org.name,
                branch_en=org.name_en,
                org=parent.name if parent else "",
                org_en=parent.name_en if parent else None,
                until=until,
            )
    else:
        audit.record(actor.id, "orgs.role_invited", "org", org.id, invitation_id=invitation.id, role=kind)
        if holder is not None:
            notify(holder.id, "role_invitation", role=str(kind), org=org.name, org_en=org.name_en, until=until)


def _already_has(user: User, org: Organisation, kind: InvitationKind) -> bool:
    if kind == InvitationKind.BRANCH_MEMBER:
        held = sa.select(BranchMember.id).where(BranchMember.org_id == org.id, BranchMember.user_id == user.id)
    else:
        held = sa.select(RoleGrant.id).where(
            RoleGrant.org_id == org.id, RoleGrant.user_id == user.id, RoleGrant.role == kind
        )
    return db.session.execute(held).first() is not None


ALL_KINDS = tuple(InvitationKind)


def _open_invitations(user: User, kinds=ALL_KINDS):
    return sa.select(Invitation).where(
        Invitation.phone == user.phone,
        Invitation.status == InvitationStatus.PENDING,
        Invitation.expires_at > now(),
        Invitation.kind.in_(kinds),
    )


def list_invitations(user: User, kinds=ALL_KINDS) -> list[Invitation]:
    """The invitations (of the given kinds) waiting for user's answer, newest first."""
    return list(db.session.execute(_open_invitations(user, kinds).order_by(Invitation.id.desc())).scalars())


def count_invitations(user: User) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(_open_invitations(user).subquery())).scalar_one()


def get_open_invitation(user: User, invitation_id: int, kinds=ALL_KINDS) -> Invitation:
    """One of user's invitations still waiting for an answer; anyone else's (or an answered one) is not found."""
    invitation = db.session.execute(
        _open_invitations(user, kinds).where(Invitation.id == invitation_id)
    ).scalar_one_or_none()
    if invitation is None:
        raise NotFound(_l("This invitation is not open any more: it was answered or has expired."))
    return invitation


def accept_invitation(user: User, invitation_id: int, kinds=ALL_KINDS) -> BranchMember | RoleGrant:
    """Accept an invitation: only now does user become the branch's member or get the role."""
    invitation = get_open_invitation(user, invitation_id, kinds)
    if invitation.kind == InvitationKind.BRANCH_MEMBER:
        rules.check_party_member(user)
    # What the organizer offered, they must still be able to give: a revoked organizer's invitations lapse.
    if invitation.invited_by is None or not permissions.can_manage(invitation.invited_by, invitation.org):
        raise NotFound(_l("This invitation is not open any more: it was answered or has expired."))
    return atomic(_accept, user, invitation)


def _respond(user: User, invitation: Invitation, status: InvitationStatus) -> None:
    # Conditional on still being open, so a double tap or a parallel answer does not count twice.
    answered = updated_rows(
        db.session.execute(
            sa.update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.status == InvitationStatus.PENDING,
                Invitation.phone == user.phone,
                Invitation.expires_at > now(),
            )
            .values(status=status, responded_at=now())
        )
    )
    if not answered:
        raise NotFound(_l("This invitation is not open any more: it was answered or has expired."))
    action = "branch_invitation" if invitation.kind == InvitationKind.BRANCH_MEMBER else "role_invitation"
    audit.record(user.id, f"orgs.{action}_{status}", "org", invitation.org_id, invitation_id=invitation.id)


def _accept(user: User, invitation: Invitation) -> BranchMember | RoleGrant:
    _respond(user, invitation, InvitationStatus.ACCEPTED)
    model: type[BranchMember | RoleGrant]
    row: dict[str, Any]
    held: sa.Select[Any]
    if invitation.kind == InvitationKind.BRANCH_MEMBER:
        model, row = BranchMember, {"added_by_id": invitation.invited_by_id}
        held = sa.select(BranchMember).where(BranchMember.org_id == invitation.org_id, BranchMember.user_id == user.id)
    else:
        model, row = RoleGrant, {"role": invitation.kind, "granted_by_id": invitation.invited_by_id}
        held = sa.select(RoleGrant).where(
            RoleGrant.org_id == invitation.org_id, RoleGrant.user_id == user.id, RoleGrant.role == invitation.kind
        )
    db.session.execute(
        insert_ignoring_duplicates(
            db.session, model, [row | {"org_id": invitation.org_id, "user_id": user.id, "created_at": now()}]
        )
    )
    return db.session.execute(held).scalar_one()


def decline_invitation(user: User, invitation_id: int, kinds=ALL_KINDS) -> None:
    """Decline an invitation; the organizer is not told."""
    atomic(_respond, user, get_open_invitation(user, invitation_id, kinds), InvitationStatus.DECLINED)


def purge_expired_invitations() -> int:
    """Delete invitations past their expiry, answered or not: the numbers they name are kept no longer than
    needed. Returns how many went."""
    gone = updated_rows(db.session.execute(sa.delete(Invitation).where(Invitation.expires_at <= now())))
    db.session.commit()
    return gone


def remove_branch_member(actor: User, branch: Organisation, user_id) -> None:
    """Take a member off a Party branch the actor organizes."""
    permissions.require_manage(actor, branch)
    member = db.session.execute(
        sa.select(BranchMember).where(BranchMember.org_id == branch.id, BranchMember.user_id == user_id)
    ).scalar_one_or_none()
    if member is None:
        raise NotFound(_l("No such member."))
    atomic(_remove_member, actor, member)


def _remove_member(actor: User, member: BranchMember) -> None:
    audit.record(actor.id, "orgs.branch_member_removed", "org", member.org_id, user_id=member.user_id)
    db.session.delete(member)


def list_branch_members(branch: Organisation) -> list[tuple[BranchMember, User]]:
    """A branch's members with their accounts, by name."""
    return [
        (member, user)
        for member, user in db.session.execute(
            sa.select(BranchMember, User)
            .join(User, User.id == BranchMember.user_id)
            .where(BranchMember.org_id == branch.id)
            .order_by(User.name, User.id)
        )
    ]


def list_branches(org: Organisation) -> list[Organisation]:
    """The Party branches directly under org, temporary ones first."""
    return list(
        db.session.execute(
            sa.select(Organisation)
            .where(Organisation.parent_id == org.id, Organisation.kind == OrgKind.PARTY_BRANCH)
            .order_by(Organisation.temporary.desc(), Organisation.name)
        ).scalars()
    )


def register_site_tasks(*, get: Callable, list_open: Callable) -> None:
    """How orgs finds the tasks a temporary Party branch may be set up for (see _SITE_TASKS)."""
    _SITE_TASKS.update(get=get, list_open=list_open)


def list_site_tasks(org: Organisation, limit: int = 50) -> list:
    """Open tasks of org's subtree, newest first: what a temporary Party branch may be set up for."""
    return _SITE_TASKS["list_open"](org, limit)
