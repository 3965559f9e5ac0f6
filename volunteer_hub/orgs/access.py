"""Who may open the management pages at all; object-level checks stay in orgs.permissions."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from volunteer_hub.core.errors import NotAllowed
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Role

_View = TypeVar("_View", bound=Callable[..., Any])


def staff_required(view: _View) -> _View:
    """Log in first; then only organizers, reviewers and admins get through (others see 403)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not permissions.is_staff(current_user):
            raise NotAllowed(_l("These pages are for organizers and reviewers of an organisation."))
        return view(*args, **kwargs)

    return cast(_View, login_required(wrapper))  # wraps() keeps the view's signature


def organizes_anywhere(user) -> bool:
    """Holds the organizer role somewhere (or is an admin): may post tasks."""
    return user.is_admin or any(role == Role.ORGANIZER for role, _ in permissions.grants(user))


def home_endpoint(user) -> str:
    """Where a login lands without a `next`: organizers (and admins) on their tasks to manage, reviewers on the
    statistics dashboard, volunteers on the nearby task list."""
    if organizes_anywhere(user):
        return "organizer.tasks"
    if permissions.is_staff(user):
        return "stats.index"
    return "tasks.index"
