"""Policy for residents' requests for help: what a request must contain, who decides it, and the ONE place
that decides who sees the resident's exact address and phone number.

Privacy rule (used by the pages, the API and anything that exports a request):
- While the request is open, its community's organizers (orgs.permissions.can_manage) see the contact, so they
  can decide.
- Once accepted, the organizers and the volunteers with a CONFIRMED claim on the task's shift see it, until the
  task is no longer open: from the end of its shift (the task then shows as completed) or its cancellation,
  nobody sees it again.
- Declined, cancelled and completed requests show it to nobody. Everyone else (the resident's follow-up page
  included, so a leaked link exposes nothing), sees the community's name only.
- So that "the confirmed volunteers" stay the few helpers the request needs, its task never grows: it keeps its one
  shift (no shifts or series added), at most HELP_TASK_MAX_PLACES places, within HELP_TASK_WINDOW of the time the
  resident asked for.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.catalogue import LANGUAGE_CODES
from volunteer_hub.core import formatting
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.timeutil import now
from volunteer_hub.help import queries
from volunteer_hub.help.models import HelpRequest, HelpStatus
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.models import Task, TaskStatus

TYPES = ("delivery", "medicine", "foreign_language", "psychological", "other")
TYPE_LABELS = {
    "delivery": _l("Delivery or errand"),
    "medicine": _l("Medicine pickup"),
    "foreign_language": _l("Foreign-language help"),
    "psychological": _l("Psychological support"),
    "other": _l("Other help"),
}
STATUS_LABELS: dict[str, str] = {
    HelpStatus.OPEN: _l("Waiting for the community"),
    HelpStatus.ACCEPTED: _l("Accepted"),
    HelpStatus.DECLINED: _l("Declined"),
    HelpStatus.COMPLETED: _l("Done"),
    HelpStatus.CANCELLED: _l("Cancelled"),
}
# The task type (catalogue.TASK_TYPES) a request becomes, and how long its one shift lasts.
TASK_TYPE = {
    "delivery": "delivery",
    "medicine": "delivery",
    "foreign_language": "foreign_language",
    "psychological": "psychological_support",
    "other": "other",
}
SHIFT_HOURS = {"delivery": 2, "medicine": 2, "foreign_language": 1, "psychological": 1, "other": 2}

DESCRIPTION_MAX = 1000
ADDRESS_MAX = 200
NAME_MAX = 50
REASON_MAX = 500
THANKS_MAX = 200
MAX_DAYS_AHEAD = 14
# A request's task: one shift, for a few helpers (a heavy delivery, an interpreter with a companion), at about
# the time the resident asked for (moved to suit them, not into another day's call-out).
HELP_TASK_MAX_PLACES = 3
HELP_TASK_WINDOW = timedelta(hours=12)


def type_label(code: str) -> str:
    """The request type in the reader's language."""
    return str(TYPE_LABELS.get(code, code))


def status_label(code: str) -> str:
    """The request's status in the reader's language."""
    return str(STATUS_LABELS.get(code, code))


def check_request_fields(data: dict, errors: dict) -> dict:
    """Validate a new request's fields into errors; returns the cleaned values (phone normalised to E.164)."""
    clean: dict = {}
    if data.get("type") not in TYPES:
        errors["type"] = _l("Choose what kind of help you need.")
    clean["type"] = data.get("type")
    description = (data.get("description") or "").strip()
    if not description or len(description) > DESCRIPTION_MAX:
        errors["description"] = _l("Describe what you need in 1 to %(n)d characters.", n=DESCRIPTION_MAX)
    clean["description"] = description
    address = (data.get("address") or "").strip()
    if not address or len(address) > ADDRESS_MAX:
        errors["address"] = _l("Enter the address where help is needed (at most %(n)d characters).", n=ADDRESS_MAX)
    clean["address"] = address
    name = strip_text(data.get("contact_name"))
    if not name or len(name) > NAME_MAX:
        errors["contact_name"] = _l("Enter a name of 1 to %(n)d characters.", n=NAME_MAX)
    clean["contact_name"] = name
    phone = normalise_mobile((data.get("contact_phone") or "").strip())
    if phone is None:
        errors["contact_phone"] = _l("Enter an 11-digit mainland China mobile number.")
    clean["contact_phone"] = phone
    clean["needed_at"] = data.get("needed_at")
    check_needed_at(clean["needed_at"], errors)
    languages = list(dict.fromkeys(data.get("languages") or []))
    if set(languages) - LANGUAGE_CODES:
        errors["languages"] = _l("Choose languages from the list.")
    elif clean["type"] == "foreign_language" and not languages:
        errors["languages"] = _l("Choose the language you would like help in.")
    clean["languages"] = languages
    lat, lon = data.get("lat"), data.get("lon")
    if (lat is None) != (lon is None):
        errors["lat" if lat is None else "lon"] = _l("Give both latitude and longitude, or neither.")
    elif lat is not None and lon is not None and not (valid_lat(lat) and valid_lon(lon)):
        errors["lat"] = _l("This location is not valid. Use your current location again or leave it empty.")
    clean["lat"], clean["lon"] = lat, lon
    return clean


def check_needed_at(needed_at: datetime | None, errors: dict) -> None:
    """Help is asked for a time in the future and at most 14 days ahead."""
    if needed_at is None:
        errors["needed_at"] = _l("Enter the date and time you need help.")
    elif needed_at <= now():
        errors["needed_at"] = _l("Choose a time in the future.")
    elif needed_at > now() + timedelta(days=MAX_DAYS_AHEAD):
        errors["needed_at"] = _l("Choose a time within the next %(n)d days.", n=MAX_DAYS_AHEAD)


def check_reason(reason: str | None) -> str:
    """A decline always says why: the resident reads it."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": _l("Tell the resident why, in 1 to %(n)d characters.", n=REASON_MAX)})
    return reason


def check_open(request: HelpRequest) -> None:
    if request.status != HelpStatus.OPEN:
        raise Conflict(_l("This request was already answered."), code="help_request_decided")


def check_acceptable(request: HelpRequest) -> None:
    """Open, and the time help is needed has not passed (the shift must start in the future)."""
    check_open(request)
    if request.needed_at <= now():
        raise Conflict(
            _l("The time this help was needed has passed. Decline the request and tell the resident why."),
            code="help_request_past",
        )


def can_decide(user, request: HelpRequest) -> bool:
    """Organizers of the resident's community (or above) accept and decline."""
    return permissions.can_manage(user, queries.community_of(request))


def require_decide(user, request: HelpRequest) -> None:
    permissions.require_manage(user, queries.community_of(request))


def is_requester(user, request: HelpRequest) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and request.requester_id is not None
        and request.requester_id == user.id
    )


def require_view(user, request: HelpRequest) -> None:
    """The resident who asked, the community's organizers and the confirmed volunteers; 404 for anyone else."""
    if not (is_requester(user, request) or can_decide(user, request) or _is_confirmed_volunteer(user, request)):
        raise NotFound(_l("No such request."))


def require_requester(user, request: HelpRequest) -> None:
    if not is_requester(user, request):
        raise NotAllowed(_l("Only the resident who asked can do this."))


def display_status(request: HelpRequest) -> str:
    """Accepted requests follow their task: completed once it ended, cancelled if the organizer cancelled it."""
    task = queries.task_of(request)
    if request.status == HelpStatus.ACCEPTED and task is not None:
        task_status = task.display_status
        if task_status == TaskStatus.COMPLETED:
            return HelpStatus.COMPLETED
        if task_status == TaskStatus.CANCELLED:
            return HelpStatus.CANCELLED
    return request.status


def _task_live(request: HelpRequest) -> bool:
    task = queries.task_of(request)
    return task is not None and task.display_status == TaskStatus.OPEN


def _is_confirmed_volunteer(user, request: HelpRequest) -> bool:
    if request.task_id is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.id in queries.confirmed_volunteer_ids(request.task_id)


@dataclass(frozen=True)
class Contact:
    """What only those who need it see."""

    name: str
    phone: str
    address: str
    lat: float | None
    lon: float | None


def contact_visible(user, request: HelpRequest) -> bool:
    """THE privacy rule of the module docstring."""
    status = display_status(request)
    if status == HelpStatus.OPEN:
        return can_decide(user, request)
    if status == HelpStatus.ACCEPTED and _task_live(request):
        return can_decide(user, request) or _is_confirmed_volunteer(user, request)
    return False


def private_contact(user, request: HelpRequest) -> Contact | None:
    """The resident's exact address and phone for user, or None when user must not see them."""
    if not contact_visible(user, request):
        return None
    return Contact(request.contact_name, request.contact_phone, request.address, request.lat, request.lon)


def task_contact(user, task: Task) -> Contact | None:
    """private_contact for the request a task was made from (None for ordinary tasks)."""
    if task.help_request_id is None:
        return None
    request = queries.get_request(task.help_request_id)
    return private_contact(user, request) if request is not None else None


def task_limits_hint() -> str:
    """What a request's task may become, for its edit page."""
    return str(
        _l(
            "This task answers a resident's request for help: it keeps its one shift, with at most %(n)d "
            "places, within %(hours)d hours of the time they asked for.",
            n=HELP_TASK_MAX_PLACES,
            hours=HELP_TASK_WINDOW // timedelta(hours=1),
        )
    )


def check_shifts_fixed(task: Task) -> None:
    """No shift is added to a request's task: it keeps the one shift it was made with."""
    if task.help_request_id is not None:
        raise Conflict(
            _l(
                "This task answers a resident's request for help and keeps its one shift. Change that "
                "shift's time or places instead."
            ),
            code="help_task_fixed",
        )


def check_help_shift(
    task: Task, starts: datetime | None, ends: datetime | None, capacity: int | None, prefix: str, errors: dict
) -> None:
    """A request's shift, as changed: at most HELP_TASK_MAX_PLACES places (capacity None: unchanged) and times
    (None: unchanged) within HELP_TASK_WINDOW of the time the resident asked for."""
    request = queries.get_request(task.help_request_id) if task.help_request_id is not None else None
    if request is None:
        return
    if capacity is not None and capacity > HELP_TASK_MAX_PLACES:
        errors[f"{prefix}capacity"] = _l(
            "A resident's request has at most %(n)d places: their address and phone go to each confirmed volunteer.",
            n=HELP_TASK_MAX_PLACES,
        )
    if (
        starts is not None
        and ends is not None
        and not (request.needed_at - HELP_TASK_WINDOW <= starts and ends <= request.needed_at + HELP_TASK_WINDOW)
    ):
        errors[f"{prefix}starts_at"] = _l(
            "The resident asked for help %(when)s: the shift starts and ends within %(n)d hours of that.",
            when=formatting.when(request.needed_at),
            n=HELP_TASK_WINDOW // timedelta(hours=1),
        )


def check_thanks(request: HelpRequest, message: str | None) -> str:
    """Thanks once, in 1–200 characters, after the volunteer's shift started (or the task ended)."""
    message = (message or "").strip()
    if not message or len(message) > THANKS_MAX:
        raise ValidationError(fields={"message": _l("Write 1 to %(n)d characters.", n=THANKS_MAX)})
    if request.thanked_at is not None:
        raise Conflict(_l("You already thanked the volunteer for this request."), code="already_thanked")
    if not can_thank(request):
        raise Conflict(_l("You can thank the volunteer once they have come to help."), code="nobody_to_thank")
    return message


def can_thank(request: HelpRequest) -> bool:
    """For the follow-up page: show the thanks form or not."""
    task = queries.task_of(request)
    return (
        request.thanked_at is None
        and task is not None
        and any(s.starts_at <= now() for s in task.shifts)
        and bool(queries.confirmed_volunteer_ids(task.id))
    )
