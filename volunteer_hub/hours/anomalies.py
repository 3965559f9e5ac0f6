"""Anomaly flags for reviewers. Found when hours are written, in the same transaction; they never block a
confirmation. Each finding has a dedupe key, so finding it again adds nothing."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer_hub.attendance.models import AttendanceEvent, AttendanceKind
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.db import insert_ignoring_duplicates
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.hours import queries, rules
from volunteer_hub.hours.models import AnomalyFlag, AnomalyKind, HourEntry
from volunteer_hub.tasks.models import Shift

# Attended shifts this close in time are compared for overlapping attendance.
_OVERLAP_WINDOW = timedelta(days=2)


def flag(
    kind: str, org_id: int, dedupe_key: str, *, volunteer_id=None, claim_id=None, entry_id=None, **details
) -> None:
    """Add a flag unless the same finding was flagged before."""
    row = {
        "kind": kind,
        "org_id": org_id,
        "dedupe_key": dedupe_key[:120],
        "volunteer_id": volunteer_id,
        "claim_id": claim_id,
        "entry_id": entry_id,
        "details": details,
        "created_at": now(),
    }
    db.session.execute(insert_ignoring_duplicates(db.session, AnomalyFlag, [row]))


def check_entry(entry: HourEntry, claim: Claim, shift: Shift, facts: rules.AttendanceFacts) -> None:
    """Look for every kind of anomaly around a newly written entry of a claim."""
    org_id = shift.task.org_id
    _overlapping_attendance(claim, shift, facts, org_id)
    _far_check_in(claim, shift, org_id)
    _longer_than_shift(entry, claim, shift, org_id)
    _device_burst(claim, org_id)
    _confirmed_by_attendee(shift, org_id)


def refused_confirmation(actor, shift: Shift, volunteer_id: int, claim_id: int | None, code: str) -> None:
    """Someone tried to confirm hours of a shift they served on (or their own): flagged though refused."""
    subject = f"claim:{claim_id}" if claim_id else f"shift:{shift.id}"
    flag(
        AnomalyKind.SELF_CONFIRMED,
        shift.task.org_id,
        f"self_confirmed:{subject}:by:{actor.id}",
        volunteer_id=volunteer_id,
        claim_id=claim_id,
        actor_id=actor.id,
        actor_name=actor.name,
        refused=True,
        code=code,
        shift_id=shift.id,
    )


def _attended_interval(claim: Claim, shift: Shift, facts: rules.AttendanceFacts):
    """Where the person was recorded to be: their own check-in/out times, else the shift's times."""
    return (facts.checked_in_at or shift.starts_at, facts.checked_out_at or shift.ends_at)


def _overlapping_attendance(claim: Claim, shift: Shift, facts, org_id: int) -> None:
    others = (
        db.session.execute(
            sa.select(Claim)
            .join(Shift, Shift.id == Claim.shift_id)
            .where(
                Claim.user_id == claim.user_id,
                Claim.id != claim.id,
                queries.ATTENDED,
                Shift.starts_at < shift.ends_at + _OVERLAP_WINDOW,
                Shift.ends_at > shift.starts_at - _OVERLAP_WINDOW,
            )
        )
        .scalars()
        .all()
    )
    if not others:
        return
    starts, ends = _attended_interval(claim, shift, facts)
    other_facts = queries.attendance_facts(others)
    for other in others:
        other_starts, other_ends = _attended_interval(other, other.shift, other_facts[other.id])
        if starts < other_ends and other_starts < ends:
            low, high = sorted((claim.id, other.id))
            flag(
                AnomalyKind.OVERLAPPING_ATTENDANCE,
                org_id,
                f"overlap:{low}:{high}",
                volunteer_id=claim.user_id,
                claim_id=claim.id,
                other_claim_id=other.id,
                other_shift_id=other.shift_id,
                other_task=other.shift.task.title,
            )


def _far_check_in(claim: Claim, shift: Shift, org_id: int) -> None:
    radius = shift.task.checkin_radius_m
    limit = current_app.config["FAR_CHECKIN_FACTOR"] * radius
    farthest = db.session.execute(
        sa.select(sa.func.max(AttendanceEvent.distance_m)).where(
            AttendanceEvent.claim_id == claim.id, AttendanceEvent.kind == AttendanceKind.CHECK_IN
        )
    ).scalar_one()
    if farthest is not None and farthest > limit:
        flag(
            AnomalyKind.FAR_CHECK_IN,
            org_id,
            f"far_check_in:claim:{claim.id}",
            volunteer_id=claim.user_id,
            claim_id=claim.id,
            distance_m=round(farthest),
            radius_m=radius,
        )


def _longer_than_shift(entry: HourEntry, claim: Claim, shift: Shift, org_id: int) -> None:
    counted = (
        db.session.execute(
            sa.select(sa.func.sum(HourEntry.minutes)).where(
                HourEntry.volunteer_id == claim.user_id, HourEntry.claim_id == claim.id
            )
        ).scalar_one()
        or 0
    )
    length = rules.shift_minutes(shift)
    if counted > length:
        flag(
            AnomalyKind.LONGER_THAN_SHIFT,
            org_id,
            f"longer_than_shift:entry:{entry.id}",
            volunteer_id=claim.user_id,
            claim_id=claim.id,
            entry_id=entry.id,
            minutes=counted,
            shift_minutes=length,
        )


def _device_burst(claim: Claim, org_id: int) -> None:
    """DEVICE_BURST_CHECKINS check-ins of different claims from one phone within DEVICE_BURST_MINUTES."""
    size, minutes = current_app.config["DEVICE_BURST_CHECKINS"], current_app.config["DEVICE_BURST_MINUTES"]
    window = timedelta(minutes=minutes)
    own = db.session.execute(
        sa.select(AttendanceEvent.device, AttendanceEvent.created_at).where(
            AttendanceEvent.claim_id == claim.id,
            AttendanceEvent.kind == AttendanceKind.CHECK_IN,
            AttendanceEvent.device.is_not(None),
        )
    ).all()
    for device, at in own:
        nearby = db.session.execute(
            sa.select(AttendanceEvent.claim_id, AttendanceEvent.created_at)
            .where(
                AttendanceEvent.device == device,
                AttendanceEvent.kind == AttendanceKind.CHECK_IN,
                AttendanceEvent.created_at >= at - window,
                AttendanceEvent.created_at <= at + window,
            )
            .order_by(AttendanceEvent.created_at)
        ).all()
        burst = _burst_containing(nearby, at, window, size)
        if burst:
            flag(
                AnomalyKind.DEVICE_BURST,
                org_id,
                f"device_burst:{org_id}:{device}:{to_local(at).date()}",
                volunteer_id=claim.user_id,
                claim_id=claim.id,
                device=device,
                claim_ids=sorted(burst),
                minutes=minutes,
            )
            return


def _burst_containing(events, at, window, size) -> set[int] | None:
    """The claims of a window no longer than ``window`` that holds ``at`` and check-ins of ``size`` claims."""
    for index, (_, start) in enumerate(events):
        if not start <= at <= start + window:
            continue
        claims = {claim_id for claim_id, created in events[index:] if created <= start + window}
        if len(claims) >= size:
            return claims
    return None


def _confirmed_by_attendee(shift: Shift, org_id: int) -> None:
    """Hours of the shift confirmed by someone recorded as serving on it (e.g. who checked in afterwards)."""
    attendees = queries.attendee_ids(shift.id)
    if not attendees:
        return
    volunteers = sa.select(Claim.user_id).where(Claim.shift_id == shift.id)
    entries = (
        db.session.execute(
            sa.select(HourEntry).where(
                HourEntry.volunteer_id.in_(volunteers),
                HourEntry.shift_id == shift.id,
                HourEntry.confirmed_by_id.in_(attendees),
            )
        )
        .scalars()
        .all()
    )
    for entry in entries:
        flag(
            AnomalyKind.SELF_CONFIRMED,
            org_id,
            f"self_confirmed:entry:{entry.id}",
            volunteer_id=entry.volunteer_id,
            claim_id=entry.claim_id,
            entry_id=entry.id,
            actor_id=entry.confirmed_by_id,
            refused=False,
        )
