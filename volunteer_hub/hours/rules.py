"""The policy of service hours: what a confirmation proposes, who may confirm, the recording deadline.

Proposed minutes (the organizer confirms or adjusts them):
- checked in and out: check-in to check-out, clipped to the shift (travel and waiting do not count);
- checked in, never checked out: check-in to the scheduled end, shown as pending until confirmed;
- marked present by hand (代签): the shift's length;
- no-show or no attendance recorded: nothing is proposed.

Deadline (办法 §11): service is recorded within HOURS_DEADLINE_WORKING_DAYS working days after the activity.
Working days follow the State Council's holiday schedule: statutory holidays are off and make-up working days
(调休上班) are on, as the chinesecalendar package records them (the 2020 Spring Festival extension included). The
schedule for a year is published each November, so keep the package current; a year it does not know yet counts
Monday to Friday.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import chinese_calendar
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.claims.models import Attendance, ClaimStatus
from volunteer_hub.core.errors import Conflict, NotAllowed, ValidationError
from volunteer_hub.core.formatting import calendar_date, service_hours
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.tasks.models import MAX_SHIFT_HOURS

MAX_ENTRY_MINUTES = MAX_SHIFT_HOURS * 60  # one record never counts more than a day
EARLIEST_SERVICE_DATE = date(2000, 1, 1)  # service recorded by hand (outside shifts) is at most this old
REASON_MAX = 500


# --- working days and the deadline ---


@cache
def is_working_day(day: date) -> bool:
    """A working day in mainland China (see the module docstring)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year without a published schedule in the package yet
        return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many have passed since start by the end of ``end``."""
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


@dataclass(frozen=True)
class Deadline:
    activity_day: date  # the local date the shift ended
    due: date  # the last day to record the hours
    elapsed: int  # working days since the activity
    left: int  # working days after today until the due date (0: due today); negative once overdue

    @property
    def overdue(self) -> bool:
        return self.left < 0


def deadline(shift_end: datetime, today: date | None = None) -> Deadline:
    """Where a shift that ended at shift_end stands against the recording deadline today (local)."""
    today = today or local_today()
    activity_day = to_local(shift_end).date()
    due = add_working_days(activity_day, current_app.config["HOURS_DEADLINE_WORKING_DAYS"])
    # A weekend right after the due date is already overdue, though no working day has passed yet.
    left = working_days_between(today, due) if today <= due else -max(1, working_days_between(due, today))
    return Deadline(activity_day, due, working_days_between(activity_day, today), left)


def overdue_before(today: date | None = None) -> date:
    """The first activity day whose hours are not yet overdue today: shifts ending on an earlier local day
    and still unconfirmed are overdue."""
    today = today or local_today()
    days = current_app.config["HOURS_DEADLINE_WORKING_DAYS"]
    day = today
    while add_working_days(day - timedelta(days=1), days) >= today:
        day -= timedelta(days=1)
    return day


def local_today() -> date:
    return to_local(now()).date()


# --- what a confirmation proposes ---


class Basis(enum.StrEnum):
    CHECKED_IN_OUT = "checked_in_out"
    NO_CHECK_OUT = "no_check_out"  # pending: the scheduled end was assumed
    MARKED_BY_HAND = "marked_by_hand"
    NO_SHOW = "no_show"
    NOT_RECORDED = "not_recorded"  # neither checked in nor marked


@dataclass(frozen=True)
class AttendanceFacts:
    """What the attendance records say about one claim (see attendance.queries.AttendanceSummary)."""

    attendance: str | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None

    @property
    def attended(self) -> bool:
        return self.attendance != Attendance.NO_SHOW and (
            self.attendance == Attendance.PRESENT or self.checked_in_at is not None
        )


@dataclass(frozen=True)
class Proposal:
    basis: str
    minutes: int | None  # None: nothing to confirm
    starts: datetime | None = None  # the counted interval
    ends: datetime | None = None

    @property
    def pending_check_out(self) -> bool:
        return self.basis == Basis.NO_CHECK_OUT


def _minutes(starts: datetime, ends: datetime) -> int:
    return max(0, int((ends - starts).total_seconds() // 60))


def shift_minutes(shift) -> int:
    return _minutes(shift.starts_at, shift.ends_at)


def propose(shift, facts: AttendanceFacts) -> Proposal:
    """The minutes to propose for one attendee of shift (see the module docstring)."""
    if facts.attendance == Attendance.NO_SHOW:  # an organizer's no-show mark wins over a stored check-in
        return Proposal(Basis.NO_SHOW, None)
    if facts.checked_in_at is not None:
        starts = max(facts.checked_in_at, shift.starts_at)
        if facts.checked_out_at is None:
            return Proposal(Basis.NO_CHECK_OUT, _minutes(starts, shift.ends_at), starts, shift.ends_at)
        ends = min(facts.checked_out_at, shift.ends_at)
        return Proposal(Basis.CHECKED_IN_OUT, _minutes(starts, ends), starts, max(starts, ends))
    if facts.attendance == Attendance.PRESENT:  # present without a check-in time: marked by hand (代签)
        return Proposal(Basis.MARKED_BY_HAND, shift_minutes(shift), shift.starts_at, shift.ends_at)
    return Proposal(Basis.NOT_RECORDED, None)


# --- checks ---


def check_not_own(actor, volunteer_id: int) -> None:
    if actor.id == volunteer_id:
        raise NotAllowed(
            _l("You cannot confirm or correct your own hours; another organizer must do it."), code="own_hours"
        )


def check_not_attendee(actor, attendee_ids) -> None:
    """Someone who served on the shift does not confirm its hours (the attempt is flagged for review)."""
    if actor.id in attendee_ids:
        raise NotAllowed(
            _l("You served on this shift, so another organizer must confirm its hours."), code="attended_shift"
        )


def minutes_since_start(shift) -> int:
    """The time that has passed since the shift began: no one has served longer than that on it."""
    return _minutes(shift.starts_at, now())


def check_shift_over(shift, facts: AttendanceFacts) -> None:
    """Hours are confirmed after the shift ends, or once the volunteer has checked out of a shift that has begun
    (a check-out during the early check-in window comes before the start)."""
    if shift.starts_at > now():
        raise Conflict(_l("The shift has not started yet: there are no hours to confirm."), code="shift_not_started")
    if shift.ends_at > now() and facts.checked_out_at is None:
        raise Conflict(_l("The shift has not ended and the volunteer has not checked out yet."), code="shift_not_over")


def check_claim_served(claim) -> None:
    if claim.status != ClaimStatus.CONFIRMED:
        raise Conflict(_l("Only volunteers who held a place on the shift can be credited."), code="no_place")


def check_proposal(proposal: Proposal) -> None:
    if proposal.basis == Basis.NO_SHOW:
        raise Conflict(
            _l("The volunteer was marked as not present. Mark them present on the roster first."), code="no_show"
        )
    if proposal.minutes is None:
        raise Conflict(
            _l("No attendance was recorded. Mark the volunteer present on the roster first."), code="no_attendance"
        )


def check_minutes(minutes: int, proposal_minutes: int | None, reason: str | None, *, served_at_most: int) -> None:
    """Confirmed minutes are 1 to MAX_ENTRY_MINUTES and no more than served_at_most (the time since the shift
    began); a change from the proposal needs a reason."""
    errors: dict[str, Any] = {}
    _check_credit(minutes, served_at_most, errors)
    if minutes != proposal_minutes and not (reason or "").strip():
        errors["reason"] = _l(
            "Say why the hours differ from the proposed %(hours)s.", hours=_hours_text(proposal_minutes)
        )
    check_reason_length(reason, errors)
    if errors:
        raise ValidationError(fields=errors)


def check_correction(
    minutes: int, reason: str | None, *, net_before: int | None, served_at_most: int = MAX_ENTRY_MINUTES
) -> None:
    """A correction changes something, says why, and never leaves a record below zero or above a day; a new
    record of a shift counts no more than served_at_most (the time since the shift began)."""
    errors = {}
    if minutes == 0:
        errors["minutes"] = _l("A correction must add or take away some time.")
    elif net_before is not None and not 0 <= net_before + minutes <= MAX_ENTRY_MINUTES:
        errors["minutes"] = _l(
            "The record would then count %(hours)s hours; it must stay between 0 and %(max)s.",
            hours=_hours_text(net_before + minutes),
            max=MAX_SHIFT_HOURS,
        )
    elif net_before is None:
        _check_credit(minutes, served_at_most, errors)
    if not (reason or "").strip():
        errors["reason"] = _l("Give the reason for the correction.")
    check_reason_length(reason, errors)
    if errors:
        raise ValidationError(fields=errors)


def _check_credit(minutes: int, served_at_most: int, errors: dict) -> None:
    if not 1 <= minutes <= MAX_ENTRY_MINUTES:
        errors["minutes"] = _l("Enter between %(low)s and %(high)s hours.", low="0.01", high=MAX_SHIFT_HOURS)
    elif minutes > served_at_most:
        errors["minutes"] = _l(
            "Only %(hours)s hours have passed since the shift began: credit at most that.",
            hours=_hours_text(served_at_most),
        )


def check_service_date(service_date: date | None, errors: dict) -> None:
    """Service recorded outside the platform's shifts took place between EARLIEST_SERVICE_DATE and today."""
    if service_date is None:
        errors["service_date"] = _l("Give the date of the service.")
    elif service_date > local_today():
        errors["service_date"] = _l("The service date cannot be in the future.")
    elif service_date < EARLIEST_SERVICE_DATE:
        errors["service_date"] = _l(
            "The service date cannot be before %(day)s.", day=calendar_date(EARLIEST_SERVICE_DATE)
        )


def check_reason_length(reason: str | None, errors: dict, field: str = "reason") -> None:
    if reason and len(reason) > REASON_MAX:
        errors[field] = _l("Use at most %(max)d characters.", max=REASON_MAX)


def check_answer(text: str | None, *, required: bool) -> None:
    errors: dict = {}
    if required and not (text or "").strip():
        errors["response"] = _l("Tell the volunteer why the request is refused.")
    check_reason_length(text, errors, "response")
    if errors:
        raise ValidationError(fields=errors)


def _hours_text(minutes: int | None) -> str:
    return service_hours(minutes or 0)
