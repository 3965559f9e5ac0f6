"""What makes a task and its shifts acceptable. Each check adds a localized message to a field-error dict."""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from volunteer_hub.catalogue import QUALIFICATION_CODES, SKILL_CODES, TASK_TYPE_CODES
from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.timeutil import now
from volunteer_hub.tasks.models import MAX_CAPACITY, MAX_SHIFTS_PER_TASK, Task

TITLE_MAX = 100
DESCRIPTION_MAX = 2000
ADDRESS_MAX = 200
MATCH_RADIUS_KM = (0.5, 50)
ORGANIZER_REASON_MAX = 500  # why an organizer cancels a task or turns a volunteer down
# No volunteer may serve more than this within 24 hours (claims.rules checks each volunteer's shifts against it), so
# no shift may be longer: it could never be claimed.
MAX_HOURS_IN_24 = timedelta(hours=12)
MAX_SHIFT_LENGTH = MAX_HOURS_IN_24
# What packages built on tasks add to the checks of an edit (help: a resident's request keeps its one shift, near
# the time they asked for). Registered at app creation, so tasks never imports those packages.
_ADDING_SHIFTS_CHECKS: list[Callable[[Task], None]] = []
_SHIFT_CHANGE_CHECKS: list[Callable[..., None]] = []


def register_edit_checks(*, adding_shifts: Callable[[Task], None], shift_change: Callable[..., None]) -> None:
    """adding_shifts(task) raises when no shift may be added to task; shift_change(task, starts, ends, capacity,
    prefix, errors) adds field errors about a shift as changed (None: unchanged)."""
    for checks, check in ((_ADDING_SHIFTS_CHECKS, adding_shifts), (_SHIFT_CHANGE_CHECKS, shift_change)):
        if check not in checks:  # create_app runs once per app; tests make many
            checks.append(check)


def check_adding_shifts(task: Task) -> None:
    """Shifts may be added to task, as far as the registered checks say."""
    for check in _ADDING_SHIFTS_CHECKS:
        check(task)


def check_shift_change(
    task: Task, starts: datetime | None, ends: datetime | None, capacity: int | None, prefix: str, errors: dict
) -> None:
    """A shift of task as changed (None: unchanged) passes the registered checks, which add to errors."""
    for check in _SHIFT_CHANGE_CHECKS:
        check(task, starts, ends, capacity, prefix, errors)


def check_organizer_reason(reason: str | None) -> str | None:
    """An organizer's optional reason for rejecting a claim or cancelling a task (the volunteer reads it):
    trimmed, None when empty, at most ORGANIZER_REASON_MAX characters."""
    reason = (reason or "").strip()
    if len(reason) > ORGANIZER_REASON_MAX:
        raise ValidationError(fields={"reason": _l("Use at most %(max)d characters.", max=ORGANIZER_REASON_MAX)})
    return reason or None


def check_task_fields(data: dict, errors: dict) -> None:  # noqa: C901 -- one branch per optional field, all errors at once
    """Validate whichever task fields are present in data (posting passes all of them)."""
    if "title" in data:
        title = strip_text(data["title"])
        if not title or len(title) > TITLE_MAX:
            errors["title"] = _l("Enter a title of 1 to %(n)d characters.", n=TITLE_MAX)
    if "description" in data and len(data["description"] or "") > DESCRIPTION_MAX:
        errors["description"] = _l("Use at most %(n)d characters.", n=DESCRIPTION_MAX)
    if "address" in data and len(data["address"] or "") > ADDRESS_MAX:
        errors["address"] = _l("Use at most %(n)d characters.", n=ADDRESS_MAX)
    if "type" in data and data["type"] not in TASK_TYPE_CODES:
        errors["type"] = _l("Choose a task type from the list.")
    if "required_skills" in data:
        unknown = sorted(set(data["required_skills"] or []) - SKILL_CODES)
        if unknown:
            errors["required_skills"] = _l("Unknown skill: %(codes)s", codes=", ".join(unknown))
    if data.get("requires_qualification") and data["requires_qualification"] not in QUALIFICATION_CODES:
        errors["requires_qualification"] = _l("Choose a qualification from the list.")
    radius = data.get("match_radius_km")
    if "match_radius_km" in data and not (
        isinstance(radius, int | float) and MATCH_RADIUS_KM[0] <= radius <= MATCH_RADIUS_KM[1]
    ):
        errors["match_radius_km"] = _l(
            "The matching radius is %(low)s to %(high)s km.", low=MATCH_RADIUS_KM[0], high=MATCH_RADIUS_KM[1]
        )
    if "lat" in data and data["lat"] is None and data.get("lon") is None and "address" in data:
        errors["lat"] = _l("Pick the place on the map or use your current location, or enter an address.")
    elif "lat" in data and (data["lat"] is None or not valid_lat(data["lat"])):
        errors["lat"] = _l("Latitude must be between -90 and 90.")
    if "lon" in data and (data["lon"] is None or not valid_lon(data["lon"])):
        errors["lon"] = _l("Longitude must be between -180 and 180.")


def check_shift(
    starts: datetime | None, ends: datetime | None, capacity, prefix: str, errors: dict, *, new: bool = True
) -> None:
    """One shift: ends after it starts, has 1..10000 places; new or moved shifts start in the future and last no
    longer than a volunteer may serve (a shift saved before that rule keeps its times while other fields change)."""
    if starts is None:
        errors[f"{prefix}starts_at"] = _l("Enter the start time.")
    if ends is None:
        errors[f"{prefix}ends_at"] = _l("Enter the end time.")
    if starts is not None and ends is not None:
        if ends <= starts:
            errors[f"{prefix}ends_at"] = _l("The end must be after the start. For a night shift choose the next day.")
        elif new and ends - starts > MAX_SHIFT_LENGTH:
            errors[f"{prefix}ends_at"] = shift_too_long()
        if new and starts <= now():
            errors[f"{prefix}starts_at"] = _l("The shift must start in the future.")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
        errors[f"{prefix}capacity"] = _l("Places must be a whole number from 1 to %(n)d.", n=MAX_CAPACITY)


def shift_too_long():
    """The refusal of a shift longer than MAX_SHIFT_LENGTH, for the end field (posting, editing, series)."""
    return _l(
        "A shift lasts at most %(n)d hours: no volunteer may serve longer within 24 hours. Check the end "
        "time, or split the shift in two.",
        n=max_shift_hours(),
    )


def max_shift_hours() -> int:
    return MAX_SHIFT_LENGTH // timedelta(hours=1)


def check_shift_count(count: int, errors: dict) -> None:
    if count < 1:
        errors["shifts"] = _l("Add at least one shift.")
    elif count > MAX_SHIFTS_PER_TASK:
        errors["shifts"] = _l("A task has at most %(n)d shifts.", n=MAX_SHIFTS_PER_TASK)
