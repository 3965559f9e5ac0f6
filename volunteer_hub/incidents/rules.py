"""The rules of incident reports: who may report on a post and when, what a report must hold, what an organizer may
do to it. Each check raises a typed error with a code; the field checks return their message so a form or the API
can show every problem at once."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import Conflict, NotAllowed
from volunteer_hub.incidents.models import Incident, IncidentCategory, IncidentStatus

DESCRIPTION_MAX = 2000
UPDATE_MAX = 2000
CLIENT_ID_MAX = 64
# An incident is reported for something that happened in the last week, never in the future (a phone's clock may
# run a little fast: FUTURE_SLACK).
OCCURRED_WITHIN = timedelta(days=7)
FUTURE_SLACK = timedelta(minutes=5)
# A volunteer reports on a shift they checked in to: something that happened from check-in's opening until
# AFTER_SHIFT after the end, sent at the latest LATE_REPORT after the end (a report queued offline at the gate
# arrives when the phone finds a network; the same 12 hours as a queued check-in).
AFTER_SHIFT = timedelta(hours=2)
LATE_REPORT = timedelta(hours=12)


def occurred_at_error(value: datetime, current: datetime) -> str | None:
    """Why the time of an incident cannot be right, or None."""
    if value > current + FUTURE_SLACK:
        return str(_l("The time lies in the future."))
    if value < current - OCCURRED_WITHIN:
        return str(_l("Report incidents of the last 7 days only."))
    return None


def report_window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """[from, to] of the times a volunteer on this shift may report an incident for."""
    early = timedelta(minutes=current_app.config["CHECKIN_EARLY_MIN"])
    return starts_at - early, ends_at + AFTER_SHIFT


def on_duty(starts_at: datetime, ends_at: datetime, occurred_at: datetime, current: datetime) -> bool:
    """A checked-in volunteer may report what happened during this shift's window, until LATE_REPORT after it."""
    opens, closes = report_window(starts_at, ends_at)
    return opens <= occurred_at <= closes and current <= ends_at + LATE_REPORT


def not_on_duty() -> NotAllowed:
    return NotAllowed(
        _l("Only volunteers checked in on this post, and its organizers, can report an incident here."),
        code="not_on_duty",
    )


def involved_error(involved: set[int], roster: set[int] | None) -> str | None:
    """The people involved must be on the shift's roster (confirmed places)."""
    if not involved:
        return None
    if roster is None:
        return str(_l("Choose the shift first: the people involved come from its roster."))
    if involved - roster:
        return str(_l("Only people confirmed on the shift can be named."))
    return None


def incident_closed() -> Conflict:
    return Conflict(_l("This incident is closed."), code="incident_closed")


def check_open(incident: Incident) -> None:
    if incident.status == IncidentStatus.CLOSED:
        raise incident_closed()


def check_may_close(is_organizer: bool) -> None:
    if not is_organizer:
        raise NotAllowed(_l("Only the post's organizers can close an incident."), code="organizers_close")


def check_injury(incident: Incident) -> None:
    if incident.category != IncidentCategory.INJURY:
        raise Conflict(
            _l("The insurance packet is for an incident in which a volunteer was injured."), code="not_an_injury"
        )


def check_injured_named(people: list) -> None:
    if not people:
        raise Conflict(_l("Name the injured volunteer first: the packet is about them."), code="no_injured_volunteer")
