"""Who may do what where. Every role is granted on an organisation and holds for its whole subtree.

A user's grants are loaded once per request (one query) and compared by path prefix, so no check walks
the tree row by row.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import NotAllowed
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation, Role, RoleGrant
from volunteer_hub.orgs.names import org_name

READ_ROLES = (Role.ORGANIZER, Role.REVIEWER)


def grants(user) -> list[tuple[str, str]]:
    """(role, org path) pairs held by user, cached on the user object for the request."""
    cached = getattr(user, "_grants", None)
    if cached is None:
        rows = db.session.execute(
            sa.select(RoleGrant.role, Organisation.path)
            .join(Organisation, Organisation.id == RoleGrant.org_id)
            .where(RoleGrant.user_id == user.id)
        ).all()
        cached = [(role, path) for role, path in rows]
        user._grants = cached
    return cached


def _holds(user, path: str, roles) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return any(role in roles and path.startswith(granted) for role, granted in grants(user))


def can_manage(user, org: Organisation) -> bool:
    """Organizer of org's subtree: post and manage tasks, rosters, attendance."""
    return _holds(user, org.path, (Role.ORGANIZER,))


def can_review(user, org: Organisation) -> bool:
    """Organizers and reviewers read rosters and statistics of their subtree."""
    return _holds(user, org.path, READ_ROLES)


def require_manage(user, org: Organisation) -> None:
    if not can_manage(user, org):
        raise NotAllowed(_l("Only organizers of %(org)s or above can do this.", org=org_name(org)))


def require_review(user, org: Organisation) -> None:
    if not can_review(user, org):
        raise NotAllowed(_l("Only organizers or reviewers of %(org)s or above can see this.", org=org_name(org)))


def is_staff(user) -> bool:
    """Holds any organizer or reviewer role (or is an admin): sees the management pages."""
    return bool(user.is_admin or grants(user))


def scope_filter(user, roles=(Role.ORGANIZER,)):
    """A SQL condition on Organisation selecting the orgs where user holds one of roles; None for admins."""
    if user.is_admin:
        return None
    paths = [path for role, path in grants(user) if role in roles]
    if not paths:
        return sa.false()
    return sa.or_(*[Organisation.path.startswith(path, autoescape=True) for path in paths])
