"""Call-outs: start one for a shift, page volunteers in waves, take their one-tap answers, stop on fill.

Invariants, each backed by the database:
- one call-out paging per shift: a partial unique index; a second organizer's start returns the first one;
- nobody paged twice by one call-out: the unique (call-out, volunteer) page row decides who is paged;
- never more confirmed than asked for, nor than the shift's places: a "yes" first reserves one of the call-out's
  places (``UPDATE ... SET filled = filled + 1 WHERE filled < needed``, committed), then runs the ordinary atomic
  claim (which never overfills the shift); a claim that does not confirm gives the reservation back.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.audit import services as audit
from volunteer_hub.callouts import queries, rules
from volunteer_hub.callouts.models import OPEN_STATUSES, Answer, Callout, CalloutPage, CalloutStatus
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.claims.services import claim_shift
from volunteer_hub.core.db import get_row, insert_ignoring_duplicates, updated_rows
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.matching import queries as match_queries
from volunteer_hub.matching.scoring import OpenShift, Requirement, fitting_shifts, score
from volunteer_hub.notifications.services import notify, notify_many
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.models import Shift

PAGE, CONFIRMED, EXHAUSTED = "callout_page", "callout_confirmed", "callout_exhausted"
POOL_FACTOR, POOL_MAX = 2, 5000
_callouts = Callout.__table__


# --- starting and reading --------------------------------------------------------------------------------------


def start(actor, shift: Shift, *, needed: int, radius_km=None, wave_size=None, wave_minutes=None, message=None):
    """Start a call-out for shift (organizers of the task's subtree) and page its first wave at once. Returns
    (call-out, created): when one is already paging for the shift, that one and False."""
    permissions.require_manage(actor, shift.task.org)
    rules.check_can_call(shift, needed)
    message = strip_text(message) or None
    if message and len(message) > rules.MESSAGE_MAX:
        raise ValidationError(fields={"message": _l("Use at most %(n)d characters.", n=rules.MESSAGE_MAX)})
    existing = queries.paging_for(shift.id)
    if existing is not None:
        return existing, False
    values = {
        "shift_id": shift.id,
        "org_id": shift.task.org_id,
        "organizer_id": actor.id,
        "needed": needed,
        "radius_km": radius_km or current_app.config["CALLOUT_RADIUS_KM"],
        "wave_size": wave_size,
        "wave_minutes": wave_minutes or rules.WAVE_MINUTES,
        "message": message,
    }
    try:
        callout = atomic(_insert, actor, values)
    except sa.exc.IntegrityError:
        # Another organizer's call-out for this shift went in first: the partial unique index kept it single.
        existing = queries.paging_for(shift.id)
        if existing is None:
            raise
        return existing, False
    send_wave(callout.id)
    db.session.refresh(callout)
    return callout, True


def _insert(actor, values: dict) -> Callout:
    current = now()
    callout = Callout(**values, status=CalloutStatus.PAGING, filled=0, created_at=current, next_wave_at=current)
    db.session.add(callout)
    db.session.flush()
    audit.record(actor.id, "callouts.started", "shift", values["shift_id"], callout_id=callout.id)
    return callout


def get_callout(actor, callout_id) -> Callout:
    """A call-out its community's organizers may read; anyone else: not found."""
    callout = db.session.get(Callout, callout_id) if isinstance(callout_id, int) else None
    if callout is None or not permissions.can_manage(actor, callout.shift.task.org):
        raise NotFound(_l("No such call-out."))
    return callout


def summary(callout: Callout) -> dict:
    fill = (callout.filled_at - callout.created_at).total_seconds() if callout.filled_at else None
    return {
        "id": callout.id,
        "shift_id": callout.shift_id,
        "needed": callout.needed,
        "filled": callout.filled,
        "status": callout.status,
        "waves": queries.waves(callout.id),
        "answers": queries.answers(callout.id),
        "time_to_fill_s": round(fill) if fill is not None else None,
    }


def cancel(actor, callout: Callout) -> Callout:
    """Stop paging; the places already taken stay taken."""
    permissions.require_manage(actor, callout.shift.task.org)
    if not atomic(_end, callout.id, CalloutStatus.CANCELLED, OPEN_STATUSES):
        raise Conflict(_l("This call-out has already ended."), code="callout_closed")
    audit.record(actor.id, "callouts.cancelled", "shift", callout.shift_id, callout_id=callout.id)
    db.session.commit()
    db.session.refresh(callout)
    return callout


def _end(callout_id: int, status: CalloutStatus, from_) -> bool:
    current = now()
    values = {"status": status, "next_wave_at": None, "ended_at": current}
    if status == CalloutStatus.FILLED:
        values["filled_at"] = current
    ended = db.session.execute(
        sa.update(_callouts)
        .where(_callouts.c.id == callout_id, _callouts.c.status.in_([s.value for s in from_]))
        .values(**values)
    )
    return updated_rows(ended) == 1


# --- waves -----------------------------------------------------------------------------------------------------


def send_due_waves() -> int:
    """Recurring: every paging call-out whose next wave is due pages it. Returns how many were paged."""
    return sum(send_wave(callout_id) for callout_id in queries.due_ids())


def send_wave(callout_id: int) -> int:
    return atomic(_send_wave, callout_id)


def _send_wave(callout_id: int) -> int:
    current = now()
    callout = get_row(db.session, Callout, callout_id, populate_existing=True)
    # Taking the wave moves its time on: a concurrent run of the job finds nothing due.
    took = updated_rows(
        db.session.execute(
            sa.update(_callouts)
            .where(
                _callouts.c.id == callout_id,
                _callouts.c.status == CalloutStatus.PAGING.value,
                _callouts.c.next_wave_at <= current,
            )
            .values(next_wave_at=current + timedelta(minutes=callout.wave_minutes))
        )
    )
    shift = callout.shift
    if not took or rules.still_needed(callout) == 0:
        return 0  # not due, ended, or the last places are being claimed right now
    if shift.ends_at <= current:
        _end(callout.id, CalloutStatus.EXHAUSTED, [CalloutStatus.PAGING])  # too late: stop without a word
        return 0
    chosen = pick(callout, shift, rules.wave_size(callout))
    if not chosen:
        _end(callout.id, CalloutStatus.EXHAUSTED, [CalloutStatus.PAGING])
        _tell_organizer_exhausted(callout)
        return 0
    wave = queries.last_wave(callout.id) + 1
    rows = [{"callout_id": callout.id, "user_id": uid, "wave": wave, "paged_at": current} for uid in chosen]
    paged = set(
        db.session.execute(
            insert_ignoring_duplicates(db.session, CalloutPage, rows).returning(CalloutPage.user_id)
        ).scalars()
    )
    about = _about(shift)
    notify_many(
        PAGE,
        [
            {
                "user_id": user_id,
                "task_id": shift.task_id,
                "dedupe_key": callout.cause,
                "urgent": True,
                "actor_id": callout.organizer_id,
                "cause": callout.cause,
                "params": {
                    **about,
                    "needed": rules.still_needed(callout),
                    "message": callout.message or "",
                    "link": external_url("callouts.answer", token=rules.answer_token(callout.id, user_id)),
                },
            }
            for user_id in chosen
            if user_id in paged
        ],
    )
    return len(paged)


def _about(shift: Shift) -> dict:
    return {
        "task": shift.task.title,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "address": shift.task.address or "",
    }


def pick(callout: Callout, shift: Shift, size: int) -> list[int]:
    """Up to size volunteers to page next, best first, found the way matching finds them (within the radius,
    skills and languages, usual availability, no overlapping shift, weekly hours, not opted out), then kept only
    when every rule of the claim would let them take the place; a recent no-show or cancellation ranks lower."""
    task = shift.task
    if task.lat is None or task.lon is None or size <= 0:
        return []
    requirement = Requirement.of(task.type, task.required_skills)
    target = OpenShift.of(shift.id, task.id, shift.starts_at, shift.ends_at, shift.places_left)
    limit, gates = POOL_FACTOR * size, queries.gates(shift)
    while True:
        found = match_queries.nearest_volunteers(
            task.id,
            task.lat,
            task.lon,
            callout.radius_km,
            requirement,
            {target.band},
            limit,
            told=queries.paged_by(callout.id),
            where=gates,
        )
        chosen = _fit(callout, shift, target, requirement, found, size)
        if len(chosen) >= size or len(found) < limit or limit >= POOL_MAX:
            return chosen
        limit *= 4  # many near ones cannot come: look further out


def _fit(callout, shift, target: OpenShift, requirement: Requirement, found: list, size: int) -> list[int]:
    ids = [row.id for row, _ in found if row.id != callout.organizer_id]
    held = match_queries.skills_among(ids, requirement.codes)
    commitments = match_queries.commitments(ids, [shift.task_id], until=shift.ends_at + timedelta(days=7))
    record = queries.recent_record(ids, rules.RELIABILITY_DAYS)
    ranked = []
    for row, km in found:
        mine = commitments[row.id]
        if row.id == callout.organizer_id or shift.task_id in mine.claimed_tasks:
            continue
        bands = frozenset(
            code
            for code in ("weekday_day", "weekday_night", "weekend_day", "weekend_night")
            if getattr(row, f"avail_{code}")
        )
        if not fitting_shifts([target], bands, mine, row.max_weekly_hours):
            continue
        fit = requirement.fit(held.get(row.id, frozenset()))
        value = score(km, callout.radius_km, fit, mine.recent_hours) * rules.reliability(*record.get(row.id, (0, 0)))
        ranked.append((-value, km, row.id))
    ranked.sort()
    order = [user_id for _, _, user_id in ranked]
    chosen = []
    for start in range(0, len(order), size):  # load and check the best few first: most pass
        people = queries.users(order[start : start + size])
        chosen += [uid for uid in order[start : start + size] if rules.candidate_problem(people[uid], shift) is None]
        if len(chosen) >= size:
            break
    return chosen[:size]


def _tell_organizer_exhausted(callout: Callout) -> None:
    notify(
        callout.organizer_id,
        EXHAUSTED,
        task_id=callout.shift.task_id,
        dedupe_key=f"{callout.cause}:exhausted",
        urgent=True,
        cause=callout.cause,
        **_about(callout.shift),
        needed=callout.needed,
        filled=callout.filled,
        link=external_url("callouts.show", callout_id=callout.id),
    )


# --- answers ---------------------------------------------------------------------------------------------------


def page_for_token(token: str) -> tuple[Callout, CalloutPage]:
    """The call-out and the volunteer's page a token names; forged: not found, expired: 400 link_expired."""
    callout_id, user_id = rules.read_token(token)
    page = queries.page_of(callout_id, user_id)
    if page is None:
        raise NotFound(_l("No such call-out."))
    return get_row(db.session, Callout, callout_id), page


def answer(token: str, said: str, *, health_declared: bool = False) -> Claim | None:
    """The volunteer's one-tap answer. "no" is recorded (None returned). "yes" runs the ordinary claim with every
    rule and returns the claim, or raises the claim's own Conflict; a call-out already filled: 409 callout_full."""
    callout, page = page_for_token(token)
    if said == Answer.NO:
        atomic(_record, page.id, Answer.NO, None)
        return None
    if said != Answer.YES:
        raise ValidationError(fields={"answer": _l("Answer yes or no.")})
    if callout.status not in OPEN_STATUSES or not atomic(_reserve, callout.id):
        raise _full(callout)
    user = queries.users([page.user_id])[page.user_id]
    try:
        claim = claim_shift(user, callout.shift, health_declared=health_declared, under_way=True)
    except BaseException:
        atomic(_release, callout.id)
        raise
    if claim.status != ClaimStatus.CONFIRMED:
        atomic(_release, callout.id)
    atomic(_record, page.id, Answer.YES, claim.id)
    atomic(_settle, callout.id)
    return claim


def _full(callout: Callout) -> Conflict:
    if callout.status == CalloutStatus.CANCELLED:
        return Conflict(_l("The organizer has called this call-out off. Thank you!"), code="callout_closed")
    return Conflict(
        _l("Thank you! Enough people have answered already; you can join the shift's waitlist."),
        code="callout_full",
        waitlist_url=external_url("tasks.detail", task_id=callout.shift.task_id),
    )


def _reserve(callout_id: int) -> bool:
    return (
        updated_rows(
            db.session.execute(
                sa.update(_callouts)
                .where(
                    _callouts.c.id == callout_id,
                    _callouts.c.status.in_([s.value for s in OPEN_STATUSES]),
                    _callouts.c.filled < _callouts.c.needed,
                )
                .values(filled=_callouts.c.filled + 1)
            )
        )
        == 1
    )


def _release(callout_id: int) -> None:
    db.session.execute(
        sa.update(_callouts)
        .where(_callouts.c.id == callout_id, _callouts.c.filled > 0)
        .values(filled=_callouts.c.filled - 1)
    )


def _record(page_id: int, said: str, claim_id: int | None) -> None:
    page = get_row(db.session, CalloutPage, page_id, populate_existing=True)
    if page.answer == Answer.YES and said == Answer.NO and page.claim_id:
        raise Conflict(_l("You already said you can come; cancel the sign-up to withdraw."), code="already_answered")
    page.answer, page.answered_at = said, now()
    if claim_id:
        page.claim_id = claim_id


def _settle(callout_id: int) -> None:
    """Filled when its places are taken or the shift is full: stop paging and tell everyone confirmed through it
    where to meet, with the organizer's message. Run after every "yes": a yes recorded just after another one
    filled the call-out is told too (the notification's dedupe key tells each person once)."""
    callout = get_row(db.session, Callout, callout_id, populate_existing=True)
    shift = get_row(db.session, Shift, callout.shift_id, populate_existing=True)
    full = callout.filled >= callout.needed or shift.places_left == 0
    if callout.status in OPEN_STATUSES and full:
        _end(callout.id, CalloutStatus.FILLED, OPEN_STATUSES)
    elif callout.status != CalloutStatus.FILLED:
        return
    about = _about(shift)
    notify_many(
        CONFIRMED,
        [
            {
                "user_id": user_id,
                "task_id": shift.task_id,
                "dedupe_key": f"{callout.cause}:filled",
                "urgent": True,
                "actor_id": callout.organizer_id,
                "cause": callout.cause,
                "params": {**about, "message": callout.message or ""},
            }
            for user_id in queries.confirmed_through(callout.id)
        ],
    )


def community_stats(actor, org) -> dict:
    permissions.require_review(actor, org)
    return queries.community_stats(org)
