"""Attendance policy as named checks: when check-in and check-out are open, how close and how precise the phone
must be, when organizers may mark attendance. Refusals say how far or how early in numbers.

Coordinates are WGS-84 as phones report them (and as tasks store them); distances are geodesic on WGS-84.
"""

import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from geopy.distance import geodesic

from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core import formatting
from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.timeutil import isoformat, now
from volunteer_hub.tasks.models import Shift, Task

# Check-out stays open this long after the shift ends: volunteers who forget to tap at the end can still do it
# on the way home; later, the organizer confirms the hours.
CHECKOUT_GRACE = timedelta(hours=2)
MAX_ACCURACY_M = 1_000_000  # what a phone reports without any fix is still a number; beyond this it is noise
# 签退 sits where 签到 was, so one tap too many leaves a record of a minute. A record under this share of the
# shift's length is short: the pages ask before such a check-out while the shift runs, and organizers see it
# flagged on the roster and the shift's hours (where they correct the hours if it was a slip).
SHORT_RECORD_SHARE = 0.5
# A check-in or check-out queued on a phone without a network (sent later with the phone's time, recorded_at):
# accepted when it reaches us within OFFLINE_MAX_DELAY of that time. Phone clocks drift: a time up to CLOCK_SKEW
# ahead of ours counts as now; further ahead it is refused as a time in the future.
OFFLINE_MAX_DELAY = timedelta(hours=12)
CLOCK_SKEW = timedelta(minutes=2)


def checkin_opens(shift: Shift) -> datetime:
    return shift.starts_at - timedelta(minutes=current_app.config["CHECKIN_EARLY_MIN"])


def checkout_closes(shift: Shift) -> datetime:
    return shift.ends_at + CHECKOUT_GRACE


def checkin_open(shift: Shift, at: datetime) -> bool:
    """Check-in is accepted from CHECKIN_EARLY_MIN minutes before the start until the end."""
    return checkin_opens(shift) <= at < shift.ends_at


def checkout_open(claim: Claim, at: datetime) -> bool:
    """Check-out is accepted from the check-in until CHECKOUT_GRACE after the end."""
    return claim.checked_in_at is not None and at <= checkout_closes(claim.shift)


def duration_text(delta: timedelta) -> str:
    """'35 minutes' or '1 h 5 min', rounded up to whole minutes."""
    minutes = max(math.ceil(delta.total_seconds() / 60), 1)
    if minutes < 60:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return _("%(h)d h %(m)d min", h=minutes // 60, m=minutes % 60)


def metres(value: float) -> str:
    """A distance for a refusal: whole metres rounded up below 1 km (so 'outside' never reads as the limit)."""
    if value < 1000:
        return _("%(m)d m", m=math.ceil(value))
    return formatting.distance(value / 1000)


def check_confirmed(claim: Claim) -> None:
    if claim.status != ClaimStatus.CONFIRMED:
        raise Conflict(
            _l("This place is not confirmed, so there is no attendance to record."), code="claim_not_confirmed"
        )


def check_checkin_window(shift: Shift, at: datetime) -> None:
    opens = checkin_opens(shift)
    if at < opens:
        raise Conflict(
            _l(
                "Too early: check-in opens %(opens)s, %(early)d minutes before the shift starts. That is in %(wait)s.",
                opens=formatting.when(opens),
                early=current_app.config["CHECKIN_EARLY_MIN"],
                wait=duration_text(opens - at),
            ),
            code="outside_window",
            opens_at=isoformat(opens),
        )
    if at >= shift.ends_at:
        raise Conflict(
            _l(
                "Check-in closed when the shift ended (%(ended)s). Ask the organizer to mark you present.",
                ended=formatting.when(shift.ends_at),
            ),
            code="outside_window",
        )


def check_offline_time(recorded_at: datetime, received_at: datetime) -> datetime:
    """The time to record for an action queued offline: the phone's, unless it lies ahead of ours by no more than
    CLOCK_SKEW (then ours). 400 recorded_in_future beyond that; 409 offline_too_late after OFFLINE_MAX_DELAY."""
    if recorded_at > received_at + CLOCK_SKEW:
        raise ValidationError(
            _l("The time of this record lies in the future. Check the date and time set on the phone."),
            code="recorded_in_future",
            fields={"recorded_at": _l("This time lies in the future.")},
        )
    if received_at - recorded_at > OFFLINE_MAX_DELAY:
        raise Conflict(
            _l(
                "This record was made offline at %(recorded)s and reached us more than %(hours)d hours later, too "
                "late to count. Ask the organizer to mark you present.",
                recorded=formatting.when(recorded_at),
                hours=int(OFFLINE_MAX_DELAY.total_seconds() // 3600),
            ),
            code="offline_too_late",
        )
    return min(recorded_at, received_at)


def check_checkout_window(claim: Claim, at: datetime) -> None:
    if claim.checked_in_at is None:
        raise Conflict(
            _l("You have not checked in to this shift yet, so there is nothing to check out of."), code="not_checked_in"
        )
    if at < claim.checked_in_at:
        raise Conflict(
            _l(
                "This check-out (%(at)s) is earlier than your check-in (%(checked_in)s). Check the phone's clock.",
                at=formatting.clock(at),
                checked_in=formatting.clock(claim.checked_in_at),
            ),
            code="outside_window",
        )
    closes = checkout_closes(claim.shift)
    if at > closes:
        raise Conflict(
            _l(
                "Check-out closed at %(closes)s, %(hours)d hours after the shift ended. The organizer will confirm "
                "your hours.",
                closes=formatting.when(closes),
                hours=CHECKOUT_GRACE.seconds // 3600,
            ),
            code="outside_window",
        )


def short_record(shift: Shift, checked_in_at: datetime | None, checked_out_at: datetime | None) -> bool:
    """Checked in and out, with less than SHORT_RECORD_SHARE of the shift's length in between."""
    if checked_in_at is None or checked_out_at is None:
        return False
    return checked_out_at - checked_in_at < (shift.ends_at - shift.starts_at) * SHORT_RECORD_SHARE


def check_not_short(claim: Claim, at: datetime) -> None:
    """Before the shift ends, a check-out that would leave a short record is asked about first (409
    short_checkout, with the numbers the question needs); the volunteer then confirms it."""
    shift = claim.shift
    if at < shift.ends_at and claim.checked_in_at is not None and short_record(shift, claim.checked_in_at, at):
        raise Conflict(
            _l(
                "You checked in at %(time)s. Checking out now records %(served)s of this %(length)s shift.",
                time=formatting.clock(claim.checked_in_at),
                served=duration_text(at - claim.checked_in_at),
                length=duration_text(shift.ends_at - shift.starts_at),
            ),
            code="short_checkout",
        )


def distance_m(task: Task, lat: float, lon: float) -> float:
    """Geodesic distance (WGS-84 ellipsoid) from the task's point, in metres."""
    return geodesic((task.lat, task.lon), (lat, lon)).meters


def check_location(task: Task, lat: float, lon: float, accuracy_m: float) -> float:
    """The phone must be within the task's check-in radius and know its place at least that precisely.
    Returns the distance in metres."""
    if task.lat is None or task.lon is None:
        raise Conflict(
            _l(
                "This task has no map location yet, so check-in by location is not possible. Scan the "
                "post's check-in code or ask the organizer."
            ),
            code="no_task_location",
        )
    radius = task.checkin_radius_m
    distance = distance_m(task, lat, lon)
    # Far beyond the radius even allowing for the error: say how far, which helps more than "imprecise".
    if accuracy_m > radius and distance - accuracy_m <= radius:
        raise Conflict(
            _l(
                "Your location is not precise enough (accurate to about ±%(accuracy)s; ±%(radius)s or better is "
                "needed). Go outdoors or switch on the phone's GPS, then try again.",
                accuracy=metres(accuracy_m),
                radius=metres(radius),
            ),
            code="poor_accuracy",
            accuracy_m=round(accuracy_m),
            radius_m=radius,
        )
    if distance > radius:
        raise Conflict(
            _l(
                "You are about %(distance)s from the post (location accurate to about ±%(accuracy)s); you need to "
                "be within %(radius)s.",
                distance=metres(distance),
                accuracy=metres(accuracy_m),
                radius=metres(radius),
            ),
            code="outside_geofence",
            distance_m=math.ceil(distance),
            accuracy_m=round(accuracy_m),
            radius_m=radius,
        )
    return distance


def offline_ready(claim: Claim, at: datetime) -> bool:
    """Whether the phone keeps the check-in page for use without a network: a confirmed place not yet checked
    out, from a day before check-in opens until check-out closes ("today's shift")."""
    shift = claim.shift
    return (
        claim.status == ClaimStatus.CONFIRMED
        and claim.checked_out_at is None
        and checkin_opens(shift) - timedelta(days=1) <= at < checkout_closes(shift)
    )


def marks_open(shift: Shift, at: datetime | None = None) -> bool:
    """Organizers may mark attendance once check-in has opened (and any time after, to correct)."""
    return (at or now()) >= checkin_opens(shift)


def check_markable(claim: Claim, at: datetime) -> None:
    """Organizers mark attendance of confirmed volunteers once check-in has opened."""
    check_confirmed(claim)
    if not marks_open(claim.shift, at):
        opens = checkin_opens(claim.shift)
        raise Conflict(
            _l("Attendance can be marked from %(opens)s, when check-in opens.", opens=formatting.when(opens)),
            code="outside_window",
        )
