"""Read side of attendance: what happened on each claim (for the roster, the hours confirmation and flags)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from volunteer_hub.attendance import rules
from volunteer_hub.attendance.models import AttendanceEvent, AttendanceKind
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.claims.queries import RosterRow
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift


@dataclass(frozen=True)
class AttendanceSummary:
    """Where one claim's attendance stands.

    - ``checked_in_at`` / ``checked_out_at``: the first check-in and check-out (GPS or QR), UTC, or None.
    - ``attendance``: "present", "no_show" or None (nothing recorded yet). An organizer's no-show mark wins over
      a check-in time that may still be stored: read ``attendance`` before the times.
    - ``manual``: present only by an organizer's mark (代签), with no check-in time: the hours to propose are the
      shift's length.
    - ``checkin_method``: "gps" or "qr" for the first check-in, else None.
    - ``first_device``: the device hash of the first check-in (for "many check-ins from one device").
    - ``first_distance_m``: metres from the post at the first GPS check-in (None for QR or manual).
    """

    claim_id: int
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    attendance: str | None
    manual: bool
    checkin_method: str | None
    first_device: str | None
    first_distance_m: float | None


def attendance_of(claims: Iterable[Claim]) -> dict[int, AttendanceSummary]:
    """{claim id: AttendanceSummary} for the given claims, with one query for their first check-in events."""
    claims = list(claims)
    if not claims:
        return {}
    first_ids = (
        sa.select(sa.func.min(AttendanceEvent.id))
        .where(AttendanceEvent.claim_id.in_([c.id for c in claims]), AttendanceEvent.kind == AttendanceKind.CHECK_IN)
        .group_by(AttendanceEvent.claim_id)
    )
    first = {
        event.claim_id: event
        for event in db.session.execute(sa.select(AttendanceEvent).where(AttendanceEvent.id.in_(first_ids))).scalars()
    }
    summaries = {}
    for claim in claims:
        event = first.get(claim.id)
        summaries[claim.id] = AttendanceSummary(
            claim_id=claim.id,
            checked_in_at=claim.checked_in_at,
            checked_out_at=claim.checked_out_at,
            attendance=claim.attendance,
            manual=claim.attendance == Attendance.PRESENT and claim.checked_in_at is None,
            checkin_method=event.method if event else None,
            first_device=event.device if event else None,
            first_distance_m=event.distance_m if event else None,
        )
    return summaries


@dataclass(frozen=True)
class OfflineRecord:
    """A check-in or check-out queued on the phone without a network: the phone's time (which counts) and when
    the server received it."""

    kind: str
    recorded_at: datetime
    received_at: datetime | None


def offline_records(claim_ids: Iterable[int]) -> dict[int, list[OfflineRecord]]:
    """{claim id: its check-in/check-out events recorded offline, oldest first} (claims without one are left out)."""
    ids = list({i for i in claim_ids if i})
    if not ids:
        return {}
    event = AttendanceEvent
    rows = db.session.execute(
        sa.select(event.claim_id, event.kind, event.created_at, event.received_at)
        .where(event.claim_id.in_(ids), event.offline.is_(True))
        .order_by(event.id)
    ).all()
    found: dict[int, list[OfflineRecord]] = {}
    for claim_id, kind, created_at, received_at in rows:
        found.setdefault(claim_id, []).append(OfflineRecord(kind, created_at, received_at))
    return found


def first_event(claim_id: int, kind: str) -> AttendanceEvent | None:
    """The claim's first event of a kind (the one a repeated check-in or check-out refers to)."""
    return db.session.execute(
        sa.select(AttendanceEvent)
        .where(AttendanceEvent.claim_id == claim_id, AttendanceEvent.kind == kind)
        .order_by(AttendanceEvent.id)
        .limit(1)
    ).scalar_one_or_none()


def confirmed_claim_on(user_id: int, shift_id: int) -> Claim | None:
    """The volunteer's confirmed claim on a shift, or None."""
    return db.session.execute(
        sa.select(Claim).where(
            Claim.user_id == user_id, Claim.shift_id == shift_id, Claim.status == ClaimStatus.CONFIRMED
        )
    ).scalar_one_or_none()


def checkin_action(claim: Claim, at: datetime | None = None) -> str | None:
    """What the volunteer can do now on a claim: "in", "out" or None (for the buttons on My shifts)."""
    at = at or now()
    if claim.status != ClaimStatus.CONFIRMED:
        return None
    if claim.checked_in_at is None:
        return "in" if rules.checkin_open(claim.shift, at) else None
    if claim.checked_out_at is None and rules.checkout_open(claim, at):
        return "out"
    return None


def count_present(shift: Shift) -> int:
    """Confirmed volunteers recorded present on a shift (the roster header's "arrived")."""
    return db.session.execute(
        sa.select(sa.func.count()).where(
            Claim.shift_id == shift.id, Claim.status == ClaimStatus.CONFIRMED, Claim.attendance == Attendance.PRESENT
        )
    ).scalar_one()


def sort_roster(rows: list[RosterRow], shift: Shift, at: datetime | None = None) -> list[RosterRow]:
    """While the shift runs, confirmed volunteers not yet present come first; otherwise the order is kept."""
    at = at or now()
    if not shift.starts_at <= at < shift.ends_at:
        return rows

    def waiting_first(row: RosterRow) -> int:
        claim = row.claim
        return 0 if claim.status == ClaimStatus.CONFIRMED and claim.attendance != Attendance.PRESENT else 1

    return sorted(rows, key=waiting_first)  # stable: the existing order holds within each group
