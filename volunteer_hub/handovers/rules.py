"""Who may write a post's handover and when; the bounds of a handover written offline."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.inputs import CONTROL_CHARACTERS, control_character_error
from volunteer_hub.tasks.models import Shift

NOTES_MAX = 2000
CLIENT_ID_MAX = 64
SUPPLIES_MAX = 50
OFFLINE_WITHIN = timedelta(hours=12)  # a handover queued on a phone is accepted this long after it was written
CLOCK_SLACK = timedelta(minutes=2)  # a phone's clock a little ahead is not "the future"
WRITE_AFTER_END = timedelta(hours=2)  # the outgoing shift may still write it this long after the end


def check_recorded_at(recorded_at: datetime | None, at: datetime) -> None:
    """The phone's time of a handover written offline: not in the future, not more than OFFLINE_WITHIN ago."""
    if recorded_at is None:
        return
    if recorded_at > at + CLOCK_SLACK:
        raise ValidationError(fields={"recorded_at": _l("This time is in the future. Check the phone's clock.")})
    if recorded_at < at - OFFLINE_WITHIN:
        raise ValidationError(fields={"recorded_at": _l("A handover written offline must reach us within 12 hours.")})


def check_volunteer_author(claim: Claim | None, shift: Shift, at: datetime) -> None:
    """A volunteer writes the handover of a shift they checked in to, until WRITE_AFTER_END past its end."""
    if claim is None or claim.status != ClaimStatus.CONFIRMED:
        raise Conflict(_l("Only the volunteers on this shift can write its handover."), code="not_on_shift")
    if claim.checked_in_at is None or claim.attendance == Attendance.NO_SHOW:
        raise Conflict(_l("Check in first: the handover is written by those on duty."), code="not_checked_in")
    if at > shift.ends_at + WRITE_AFTER_END:
        raise Conflict(
            _l("The handover of this shift closed 2 hours after its end. Ask the organizer to add it."),
            code="handover_closed",
        )


def check_notes(notes: str) -> None:
    if control_character_error(notes, multiline=True):
        raise ValidationError(fields={"notes": CONTROL_CHARACTERS})
    if len(notes) > NOTES_MAX:
        raise ValidationError(fields={"notes": _l("Use at most %(n)d characters.", n=NOTES_MAX)})


def check_client_id(client_id: str | None) -> None:
    if client_id is not None and (not client_id or len(client_id) > CLIENT_ID_MAX):
        raise ValidationError(fields={"client_id": _l("Use 1 to %(n)d characters.", n=CLIENT_ID_MAX)})
