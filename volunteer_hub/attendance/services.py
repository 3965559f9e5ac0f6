"""Attendance use cases: check-in and check-out (GPS or the shift's QR code), organizers' marks, no-shows.

Every change is stored on the claim (checked_in_at, checked_out_at, attendance), appended as an AttendanceEvent
and written to the audit log, in one transaction. The claim columns change only through conditional UPDATEs, so
a repeated or concurrent check-in keeps the first time and records nothing more.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.attendance import queries, rules, tokens
from volunteer_hub.attendance.models import AttendanceEvent, AttendanceKind, AttendanceMethod
from volunteer_hub.audit.services import record as audit
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.core.db import get_row, updated_rows
from volunteer_hub.core.errors import Conflict, NotFound
from volunteer_hub.core.formatting import shift_span
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.models import Shift, Task
from volunteer_hub.tasks.services import get_shift

NO_SHOW_BATCH = 500


@dataclass(frozen=True)
class Position:
    """What the phone reported: WGS-84 degrees and the accuracy radius in metres."""

    lat: float
    lon: float
    accuracy_m: float


@dataclass(frozen=True)
class Outcome:
    """A check-in or check-out: the claim and its event (for a repeat, the first such event)."""

    claim: Claim
    event: AttendanceEvent | None


def device_hash(device_id: str | None, user_agent: str, ip: str | None) -> str:
    """A short keyed hash naming the phone: the page's random localStorage id, else User-Agent + IP.

    Keyed with SECRET_KEY, so the stored value says "same device" without revealing the IP address.
    """
    raw = f"id:{device_id}" if device_id else f"ua:{user_agent}|ip:{ip or ''}"
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()[:16]


# --- the volunteer ---


def check_in(
    user: User, claim: Claim, position: Position, *, device: str, recorded_at: datetime | None = None
) -> Outcome:
    """Check in on the volunteer's own confirmed claim by GPS: inside the window, the radius and the accuracy.
    ``recorded_at``: the phone's time of a check-in queued offline (see rules.check_offline_time); the window is
    then checked at that time and the event is stored as recorded offline."""
    return _check_in_by(user, claim, AttendanceMethod.GPS, device, position, recorded_at=recorded_at)


def check_out(
    user: User,
    claim: Claim,
    position: Position,
    *,
    device: str,
    ask_if_short: bool = False,
    recorded_at: datetime | None = None,
) -> Outcome:
    """Check out of the volunteer's own claim by GPS, from the check-in until CHECKOUT_GRACE after the end.
    With ask_if_short a check-out that would leave a short record is refused (409 short_checkout) until the
    volunteer confirms it. ``recorded_at`` as for check_in."""
    return _check_out_by(
        user, claim, AttendanceMethod.GPS, device, position, ask_if_short=ask_if_short, recorded_at=recorded_at
    )


def _when(recorded_at: datetime | None) -> tuple[datetime, dict]:
    """The time to record and the event's offline fields: now, or the phone's time of an action queued offline
    (within its bounds), with the server's receipt time beside it."""
    received = now()
    if recorded_at is None:
        return received, {}
    return rules.check_offline_time(recorded_at, received), {"offline": True, "received_at": received}


def _check_in_by(
    user: User,
    claim: Claim,
    method: str,
    device: str,
    position: Position | None = None,
    *,
    recorded_at: datetime | None = None,
) -> Outcome:
    if claim.checked_in_at is not None:
        return _repeat(claim, AttendanceKind.CHECK_IN)
    rules.check_confirmed(claim)
    at, offline = _when(recorded_at)
    rules.check_checkin_window(claim.shift, at)
    located = _located(claim, position)
    return atomic(_check_in, claim.id, user.id, at, method, device=device, **offline, **located)


def _check_out_by(
    user: User,
    claim: Claim,
    method: str,
    device: str,
    position: Position | None = None,
    *,
    ask_if_short: bool = False,
    recorded_at: datetime | None = None,
) -> Outcome:
    if claim.checked_out_at is not None:
        return _repeat(claim, AttendanceKind.CHECK_OUT)
    rules.check_confirmed(claim)
    at, offline = _when(recorded_at)
    rules.check_checkout_window(claim, at)
    if ask_if_short:
        rules.check_not_short(claim, at)
    located = _located(claim, position)
    return atomic(_check_out, claim.id, user.id, at, method, device=device, **offline, **located)


def _located(claim: Claim, position: Position | None) -> dict:
    """The event's position fields, once the position passed the geofence (none for the QR code)."""
    if position is None:
        return {}
    distance = rules.check_location(claim.shift.task, position.lat, position.lon, position.accuracy_m)
    return {
        "lat": position.lat,
        "lon": position.lon,
        "accuracy_m": position.accuracy_m,
        "distance_m": round(distance, 1),
    }


def shift_for_token(token: str, at: datetime | None = None) -> Shift:
    """The shift a scanned check-in code names (refuses expired and invalid codes); with ``at`` (a scan queued
    offline), the code must have been valid at that time."""
    return get_shift(tokens.read(token, at, rules.CLOCK_SKEW))


def own_claim_on(user: User, shift: Shift) -> Claim:
    """The volunteer's confirmed claim on the shift a code names; 409 not_on_shift without one."""
    claim = queries.confirmed_claim_on(user.id, shift.id)
    if claim is None:
        raise Conflict(
            _l(
                "You have no confirmed place on “%(task)s” %(when)s, so you cannot check in to it. Ask "
                "the organizer on site.",
                task=shift.task.title,
                when=shift_span(shift.starts_at, shift.ends_at),
            ),
            code="not_on_shift",
        )
    return claim


def scan(
    user: User,
    token: str,
    *,
    device: str,
    action: str | None = None,
    ask_if_short: bool = False,
    recorded_at: datetime | None = None,
) -> Outcome:
    """The volunteer scanned the shift's code: check in, or out when already in; no geofence (method qr).

    ``action`` ("in" or "out") is what the page offered; a repeated tap then never turns a check-in into a
    check-out. Without it (the API), the scan toggles. ``ask_if_short`` as for check_out; ``recorded_at`` (a scan
    queued offline) as for check_in, and the code must have been valid at that time.
    """
    claim = own_claim_on(user, shift_for_token(token, recorded_at))
    wants_out = action == "out" if action else claim.checked_in_at is not None
    if wants_out:
        return _check_out_by(
            user, claim, AttendanceMethod.QR, device, ask_if_short=ask_if_short, recorded_at=recorded_at
        )
    return _check_in_by(user, claim, AttendanceMethod.QR, device, recorded_at=recorded_at)


def _repeat(claim: Claim, kind: str) -> Outcome:
    return Outcome(claim, queries.first_event(claim.id, kind))


_claims = Claim.__table__


def _conditional_update(claim_id: int, *conditions, **values) -> bool:
    """UPDATE claims ... WHERE id AND conditions; False when another request changed the claim first."""
    return (
        updated_rows(
            db.session.execute(
                sa.update(_claims).where(_claims.c.id == claim_id, *conditions).values(updated_at=now(), **values)
            )
        )
        == 1
    )


def _check_in(claim_id: int, user_id: int, at: datetime, method: str, **event) -> Outcome:
    claim = get_row(db.session, Claim, claim_id, populate_existing=True)
    previous = claim.attendance
    if not _conditional_update(
        claim_id,
        _claims.c.checked_in_at.is_(None),
        _claims.c.status == ClaimStatus.CONFIRMED,
        checked_in_at=at,
        attendance=Attendance.PRESENT,
    ):
        return _after_race(claim_id, AttendanceKind.CHECK_IN)
    row = _event(claim_id, AttendanceKind.CHECK_IN, method, actor_id=user_id, created_at=at, **event)
    audit(
        user_id,
        "attendance.checked_in",
        "claim",
        claim_id,
        method=method,
        distance_m=event.get("distance_m"),
        previous=previous,
        **_offline_details(event),
    )
    return Outcome(_reload(claim_id), row)


def _check_out(claim_id: int, user_id: int, at: datetime, method: str, **event) -> Outcome:
    if not _conditional_update(
        claim_id,
        _claims.c.checked_out_at.is_(None),
        _claims.c.checked_in_at.is_not(None),
        _claims.c.status == ClaimStatus.CONFIRMED,
        checked_out_at=at,
    ):
        return _after_race(claim_id, AttendanceKind.CHECK_OUT)
    row = _event(claim_id, AttendanceKind.CHECK_OUT, method, actor_id=user_id, created_at=at, **event)
    audit(
        user_id,
        "attendance.checked_out",
        "claim",
        claim_id,
        method=method,
        distance_m=event.get("distance_m"),
        **_offline_details(event),
    )
    return Outcome(_reload(claim_id), row)


def _offline_details(event: dict) -> dict:
    """For the audit log: an action queued offline says so, with when the server received it."""
    if not event.get("offline"):
        return {}
    return {"offline": True, "received_at": event["received_at"].isoformat()}


def _after_race(claim_id: int, kind: str) -> Outcome:
    """Another request changed the claim between our checks and the update: a twin tap, or a cancellation."""
    claim = _reload(claim_id)
    done = claim.checked_in_at if kind == AttendanceKind.CHECK_IN else claim.checked_out_at
    if done is None:
        rules.check_confirmed(claim)
        raise Conflict(_l("This sign-up changed meanwhile; please reload."), code="claim_changed")
    return _repeat(claim, kind)


def _reload(claim_id: int) -> Claim:
    return get_row(db.session, Claim, claim_id, populate_existing=True)


def _event(claim_id: int, kind: str, method: str, **values) -> AttendanceEvent:
    row = AttendanceEvent(claim_id=claim_id, kind=kind, method=method, **values)
    db.session.add(row)
    return row


# --- the organizer ---


def issue_checkin_token(actor: User, shift: Shift) -> tokens.CheckinToken:
    """A fresh QR check-in token for a shift (organizers of the task's organisation subtree)."""
    permissions.require_manage(actor, shift.task.org)
    return tokens.issue(shift.id)


def mark_attendance(actor: User, claim: Claim, present: bool) -> Claim:
    """An organizer marks a confirmed volunteer present (代签) or absent; marking present reverses a no-show."""
    permissions.require_manage(actor, claim.shift.task.org)
    rules.check_markable(claim, now())
    atomic(_mark, claim.id, actor.id, present)
    return _reload(claim.id)


def mark_shift(actor: User, shift: Shift, marks: dict[int, bool]) -> int:
    """The roster's "save attendance": {claim id: present} for the shift's confirmed volunteers, in one
    transaction; unchanged rows record nothing. Returns how many changed."""
    permissions.require_manage(actor, shift.task.org)
    claims = (
        list(db.session.execute(sa.select(Claim).where(Claim.id.in_(marks), Claim.shift_id == shift.id)).scalars())
        if marks
        else []
    )
    if len(claims) != len(marks):
        raise NotFound(_l("No such claim."))
    at = now()
    for claim in claims:
        rules.check_markable(claim, at)
    return atomic(lambda: sum(_mark(claim.id, actor.id, marks[claim.id]) for claim in claims))


def _mark(claim_id: int, actor_id: int, present: bool) -> bool:
    claim = _reload(claim_id)
    previous = claim.attendance
    new = Attendance.PRESENT if present else Attendance.NO_SHOW
    if previous == new:
        return False
    was = _claims.c.attendance.is_(None) if previous is None else _claims.c.attendance == previous
    if not _conditional_update(claim_id, was, _claims.c.status == ClaimStatus.CONFIRMED, attendance=new):
        raise Conflict(_l("This sign-up changed meanwhile; please reload."), code="claim_changed")
    if not present:
        kind = AttendanceKind.MARKED_NO_SHOW
    elif previous == Attendance.NO_SHOW:
        kind = AttendanceKind.NO_SHOW_REVERSED
    else:
        kind = AttendanceKind.MARKED_PRESENT
    _event(claim_id, kind, AttendanceMethod.MANUAL, actor_id=actor_id)
    audit(actor_id, f"attendance.{kind}", "claim", claim_id, previous=previous)
    return True


# --- the job ---


def mark_no_shows() -> int:
    """Mark confirmed volunteers who never checked in (and have no mark) as no-shows NO_SHOW_AFTER_MIN after
    their shift ended, tell them how to get it corrected, and return how many were marked."""
    cutoff = now() - timedelta(minutes=current_app.config["NO_SHOW_AFTER_MIN"])
    marked = 0
    while True:
        seen, done = atomic(_mark_no_show_batch, cutoff)
        marked += done
        if seen < NO_SHOW_BATCH:
            return marked


def _mark_no_show_batch(cutoff: datetime) -> tuple[int, int]:
    """Up to NO_SHOW_BATCH claims in one transaction: (how many were due, how many this run marked)."""
    unmarked = (
        _claims.c.status == ClaimStatus.CONFIRMED,
        _claims.c.attendance.is_(None),
        _claims.c.checked_in_at.is_(None),
    )
    rows = db.session.execute(
        sa.select(_claims.c.id, _claims.c.user_id, Shift.task_id, Task.title, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == _claims.c.shift_id)
        .join(Task, Task.id == Shift.task_id)
        .where(*unmarked, Shift.ends_at <= cutoff)
        .order_by(_claims.c.id)
        .limit(NO_SHOW_BATCH)
    ).all()
    if not rows:
        return 0, 0
    # The same conditions again: a check-in or a mark that landed meanwhile wins over the job.
    done = set(
        db.session.execute(
            sa.update(_claims)
            .where(_claims.c.id.in_([row.id for row in rows]), *unmarked)
            .values(attendance=Attendance.NO_SHOW, updated_at=now())
            .returning(_claims.c.id)
        ).scalars()
    )
    for row in rows:
        if row.id not in done:
            continue
        _event(row.id, AttendanceKind.AUTO_NO_SHOW, AttendanceMethod.JOB)
        audit(None, f"attendance.{AttendanceKind.AUTO_NO_SHOW}", "claim", row.id)
        notify(
            row.user_id,
            "marked_no_show",
            task_id=row.task_id,
            dedupe_key=f"no-show:claim:{row.id}",
            task=row.title,
            starts_at=row.starts_at.isoformat(),
            ends_at=row.ends_at.isoformat(),
        )
    return len(rows), len(done)
