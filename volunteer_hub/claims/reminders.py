"""Time-driven care of confirmed claims: reminders before a shift, the day-before "will you come?" check,
and releasing places nobody confirmed (on tasks that ask for it). All of it is safe to run repeatedly."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from volunteer_hub.claims import services
from volunteer_hub.claims.models import CancelReason, Claim, ClaimStatus
from volunteer_hub.core.errors import Conflict
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.notifications.services import notify
from volunteer_hub.tasks.models import Shift, Task, TaskStatus


def _confirmed_claims_starting(before: datetime, *, after: datetime | None = None) -> list[Claim]:
    """Confirmed claims on open tasks whose shift starts in (after or now, before]."""
    return list(
        db.session.execute(
            sa.select(Claim)
            .join(Claim.shift)
            .join(Shift.task)
            .where(
                Claim.status == ClaimStatus.CONFIRMED,
                Task.status == TaskStatus.OPEN,
                Shift.starts_at > (after or now()),
                Shift.starts_at <= before,
            )
            .options(contains_eager(Claim.shift).contains_eager(Shift.task))
        )
        .unique()
        .scalars()
    )


def _notify_about(claim: Claim, kind: str, dedupe_key: str) -> bool:
    shift = claim.shift
    return (
        notify(
            claim.user_id,
            kind,
            task_id=shift.task_id,
            dedupe_key=dedupe_key,
            task=shift.task.title,
            address=shift.task.address,
            starts_at=shift.starts_at.isoformat(),
            ends_at=shift.ends_at.isoformat(),
            claim_id=claim.id,
        )
        is not None
    )


def send_reminders() -> int:
    """Remind each confirmed volunteer REMINDER_HOURS_BEFORE (default 12 and 1) hours before the shift, once
    for each. Only the nearest due reminder is sent: a place claimed 30 minutes before gets one, not two."""
    offsets = sorted(current_app.config["REMINDER_HOURS_BEFORE"], reverse=True)
    current, sent = now(), 0
    for hours, closer in zip(offsets, [*offsets[1:], 0], strict=True):
        due = _confirmed_claims_starting(current + timedelta(hours=hours), after=current + timedelta(hours=closer))
        for claim in due:
            sent += atomic(_notify_about, claim, "shift_reminder", f"reminder:{hours}h:claim:{claim.id}")
    return sent


def ask_attendance() -> int:
    """The evening before (from ATTENDANCE_CHECK_HOUR, local), ask confirmed volunteers of tomorrow's shifts
    to confirm they will come."""
    local_now = to_local(now())
    if local_now.hour < current_app.config["ATTENDANCE_CHECK_HOUR"]:
        return 0
    tomorrow_end = (local_now + timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    asked = 0
    for claim in _confirmed_claims_starting(tomorrow_end):
        if claim.attendance_confirmed_at is None:
            asked += atomic(_notify_about, claim, "attendance_check", f"attendance:claim:{claim.id}")
    return asked


def confirm_attendance(claim: Claim) -> Claim:
    """The volunteer answers "yes, I will come" (the caller checked it is their claim)."""
    if claim.status != ClaimStatus.CONFIRMED:
        raise Conflict(_l("Only a confirmed place can be confirmed."), code="claim_not_confirmed")
    if claim.attendance_confirmed_at is None:
        claim.attendance_confirmed_at = now()
        db.session.commit()
    return claim


def release_unconfirmed() -> int:
    """On tasks that release unconfirmed places: RELEASE_HOURS_BEFORE the start, cancel confirmed claims whose
    volunteer was asked and did not confirm, refill from the waitlist and tell everyone concerned."""
    deadline = now() + timedelta(hours=current_app.config["RELEASE_HOURS_BEFORE"])
    released = 0
    for claim in _confirmed_claims_starting(deadline):
        if claim.shift.task.release_unconfirmed and claim.attendance_confirmed_at is None and _was_asked(claim):
            released += bool(atomic(_release, claim.id))
    return released


def _was_asked(claim: Claim) -> bool:
    return (
        db.session.execute(
            sa.select(Notification.id).where(
                Notification.user_id == claim.user_id, Notification.dedupe_key == f"attendance:claim:{claim.id}"
            )
        ).first()
        is not None
    )


def _release(claim_id: int) -> bool:
    claim = db.session.get(Claim, claim_id, populate_existing=True)
    if claim is None or claim.status != ClaimStatus.CONFIRMED or claim.attendance_confirmed_at is not None:
        return False  # the volunteer answered or withdrew meanwhile
    services.withdraw(claim, ClaimStatus.CANCELLED, reason=CancelReason.UNCONFIRMED)
    _notify_about(claim, "claim_released", f"released:claim:{claim.id}")
    notify(
        claim.shift.task.created_by_id,
        "places_released",
        task_id=claim.shift.task_id,
        dedupe_key=f"released-organizer:claim:{claim.id}",
        task=claim.shift.task.title,
        starts_at=claim.shift.starts_at.isoformat(),
        ends_at=claim.shift.ends_at.isoformat(),
    )
    return True
