"""Claiming shifts: the heart of the marketplace.

Invariants, each backed by the database rather than a Python check:
- a shift never has more confirmed claims than places: ``confirmed`` only grows through a conditional
  ``UPDATE ... WHERE confirmed < capacity`` (plus a CHECK constraint as the last line of defence);
- one active claim per volunteer per shift: a partial unique index;
- no two overlapping confirmed shifts per volunteer: every transaction that confirms a volunteer first
  locks that volunteer's row (an UPDATE, which also serializes on SQLite), so the query of their confirmed
  shifts that follows sees every committed claim of theirs.

A claim reads that once, right after the volunteer lock: their confirmed shifts from 32 hours before to 32
hours after (and the local week), on which Python checks the overlap and the shift safety rules (rest after
nights, 12 hours in 24, the weekly cap; claims.rules). Task requirements (insurance, qualification, health
declaration) are checked before the transaction: nothing another claim does can change them.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import make_transient_to_detached

from volunteer_hub.accounts.models import User
from volunteer_hub.claims import rules
from volunteer_hub.claims.models import ACTIVE_STATUSES, CancelReason, Claim, ClaimStatus
from volunteer_hub.claims.terms import ShiftLike
from volunteer_hub.claims.transitions import transition
from volunteer_hub.core import formatting
from volunteer_hub.core.errors import Conflict, NotFound
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify, task_cause
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks import rules as task_rules
from volunteer_hub.tasks.models import Shift, Task


def get_claim(claim_id: object) -> Claim:
    claim = db.session.get(Claim, claim_id) if isinstance(claim_id, int) else None
    if claim is None:
        raise NotFound(_l("No such claim."))
    return claim


def get_own_claim(user: User, claim_id: object) -> Claim:
    """A volunteer's own claim; other people's claims are reported as not found."""
    claim = get_claim(claim_id)
    if claim.user_id != user.id:
        raise NotFound(_l("No such claim."))
    return claim


def claim_shift(user: User, shift: ShiftLike, *, health_declared: bool = False, under_way: bool = False) -> Claim:
    """Claim a place: confirmed when there is room, pending when the task needs approval, else waitlisted;
    during a lottery sign-up window, an entry in the draw. ``under_way=True`` (an organizer's call-out for help)
    also accepts a shift that has started and not ended; every other rule applies all the same."""
    rules.check_task_open(shift.task)
    if under_way:
        rules.check_not_ended(shift)
    else:
        rules.check_not_started(shift)
    rules.check_requirements(user, shift, health_declared=health_declared)
    if shift.lottery_until is not None and shift.lottery_drawn_at is None and now() >= shift.lottery_until:
        raise Conflict(
            _l("The draw for this shift is being made; please look again in a minute."), code="lottery_drawing"
        )
    declared_at = now() if health_declared and shift.task.requires_health_declaration else None
    try:
        return atomic(_claim, user, shift, declared_at)
    except sa.exc.IntegrityError:
        # A second active claim on the same shift meets the partial unique index; the transaction (and the
        # place it took) is rolled back. No separate check first: it would cost every claim a round trip.
        raise _already_claimed(shift.id, user.id) from None


def _claim(user: User, shift: ShiftLike, health_declared_at: datetime | None) -> Claim:
    """The claim transaction: from the volunteer lock to the commit, three statements on PostgreSQL (lock, the
    volunteer's shifts around this one, take a place and insert the claim), each a round trip; on SQLite, where
    the lock takes the database's single write lock, taking the place and inserting are two."""
    user_id = user.id
    volunteer = _lock_volunteer(user_id)
    if volunteer is None:  # the signed-in volunteer's own row
        raise NotFound(_l("No such user."))
    booked = rules.booked_around(user_id, shift)
    rules.check_safety(volunteer, shift, booked)
    rules.check_no_overlap_among(booked, shift)
    if shift.lottery_until is not None and shift.lottery_drawn_at is None:
        # An entry in the draw holds no place; the draw confirms or waitlists it.
        _check_lottery_still_open(shift.id)
        status = ClaimStatus.LOTTERY
    elif shift.task.requires_approval:
        # A pending request holds no place (approval takes one atomically), so a slightly stale count is fine.
        status = ClaimStatus.PENDING if shift.confirmed < shift.capacity else ClaimStatus.WAITLISTED
    else:
        status = None  # confirmed if a place is left when the row is written, else waitlisted
    values: dict[str, Any] = {
        "shift_id": shift.id,
        "user_id": user_id,
        "status": status and status.value,
        "created_at": now(),
        "health_declared_at": health_declared_at,
    }
    values["updated_at"] = values["created_at"]
    values["id"], values["status"] = _insert_claim(values)
    claim = Claim(**values, **_NULL_ON_INSERT)
    make_transient_to_detached(claim)  # the row exists: attach the object without another INSERT or SELECT
    db.session.add(claim)
    return claim


def _insert_claim(values: dict[str, Any]) -> tuple[int, str]:
    """Insert the claim; without a status, take a place first and insert it confirmed, or waitlisted when the
    shift is full. Returns (id, status)."""
    connection = db.session.connection()
    if values["status"] is None:
        if connection.dialect.name == "postgresql":
            taken_id, taken_status = connection.execute(
                _TAKE_PLACE_AND_INSERT, {f"new_{k}": v for k, v in values.items()}
            ).one()
            return taken_id, taken_status
        took = _take_place(values["shift_id"])
        values = {**values, "status": (ClaimStatus.CONFIRMED if took else ClaimStatus.WAITLISTED).value}
    new_id: int = connection.execute(_INSERT_CLAIM, values).scalar_one()
    return new_id, values["status"]


def claim_places(
    shift: Shift, user_ids: list[int], *, team_id: int | None = None, claimed_by_id: int | None = None
) -> list[Claim]:
    """All or nothing: a confirmed place on shift for every one of user_ids (a team leader's claim, a rota),
    in one transaction. When anyone is blocked, or the shift lacks the places, nothing is claimed and the
    Conflict lists who blocked it and why (``blocked: [{user_id, reason, message}]``)."""
    return atomic(claim_places_in_transaction, shift, user_ids, team_id=team_id, claimed_by_id=claimed_by_id)


def claim_places_in_transaction(
    shift: Shift, user_ids: list[int], *, team_id: int | None = None, claimed_by_id: int | None = None
) -> list[Claim]:
    """claim_places inside the caller's transaction, so a published rota claims all its shifts or none."""
    rules.check_group_claimable(shift)
    return _claim_places(shift, sorted(set(user_ids)), team_id, claimed_by_id)


def _claim_places(shift: Shift, user_ids: list[int], team_id: int | None, claimed_by_id: int | None) -> list[Claim]:
    for user_id in user_ids:  # in id order, so concurrent multi-claims cannot deadlock each other
        _lock_volunteer(user_id)
    blocked = [{"user_id": user_id, **problem} for user_id in user_ids if (problem := blocking_problem(user_id, shift))]
    if blocked:
        raise Conflict(
            _l("Nothing was claimed: %(num)d of the volunteers cannot take this shift.", num=len(blocked)),
            code="claim_blocked",
            blocked=blocked,
        )
    taken = _execute_update(_TAKE_PLACES, {"sid": shift.id, "k": len(user_ids)}).rowcount
    if not taken:
        shift = _reload_shift(shift.id)
        raise Conflict(
            _l(
                "Nothing was claimed: the shift has %(left)d places left, not %(k)d.",
                left=shift.places_left,
                k=len(user_ids),
            ),
            code="not_enough_places",
            blocked=[],
        )
    claims = [
        Claim(
            shift_id=shift.id,
            user_id=user_id,
            status=ClaimStatus.CONFIRMED,
            team_id=team_id,
            claimed_by_id=claimed_by_id,
        )
        for user_id in user_ids
    ]
    db.session.add_all(claims)
    db.session.flush()
    return claims


def transfer_claim(claim_id: int, to_user_id: int, *, team_id: int | None = None) -> Claim:
    """In the caller's transaction: hand a confirmed place to another volunteer (a swap). The old claim is
    cancelled and the new one confirmed without touching the shift's count, so nobody on the waitlist slips
    in between; the new holder must pass every rule a claim would (Conflict with ``blocked`` otherwise)."""
    claim = _reload_claim(claim_id)
    for user_id in sorted({claim.user_id, to_user_id}):  # id order: no deadlock with other multi-locks
        _lock_volunteer(user_id)
    shift = _reload_shift(claim.shift_id)
    rules.check_task_open(shift.task)
    rules.check_not_started(shift)
    problem = blocking_problem(to_user_id, shift, about=False)  # the new holder accepts the swap themselves
    if problem:
        raise Conflict(problem["message"], code=problem["reason"], blocked=[{"user_id": to_user_id, **problem}])
    if not transition(
        claim.id,
        ClaimStatus.CANCELLED,
        from_=[ClaimStatus.CONFIRMED],
        cancelled_at=now(),
        cancel_reason=CancelReason.VOLUNTEER,
    ):
        raise Conflict(_l("This sign-up changed meanwhile; please reload."), code="claim_changed")
    taken = Claim(shift_id=shift.id, user_id=to_user_id, status=ClaimStatus.CONFIRMED, team_id=team_id)
    db.session.add(taken)
    db.session.flush()
    return taken


def blocking_problem(user_id: int, shift: ShiftLike, *, about: bool = True) -> dict[str, str] | None:
    """Why this volunteer cannot take a place on shift right now, or None; the message names them, for the leader
    who claims for them (about=False: addressed to them). Inside a claim's transaction it decides; on the team
    claim page it is the pre-check."""
    user = db.session.get(User, user_id)
    if user is None:  # the caller holds the volunteer's lock: the row is there
        raise NotFound(_l("No such user."))
    if _active_claim_row(shift.id, user_id):
        message = (
            _l("%(name)s is already signed up for this shift.", name=user.name)
            if about
            else _l("You have already signed up for this shift.")
        )
        return {"reason": "already_claimed", "message": str(message)}
    return rules.member_problem(user, shift, about=about)


# The hot statements, built once as Core statements (no ORM bookkeeping inside the lock).
_users, _shifts, _claims = User.__table__, Shift.__table__, Claim.__table__
_LOCK_VOLUNTEER = (
    sa.update(_users)
    .where(_users.c.id == sa.bindparam("uid"))
    .values(claim_lock=_users.c.claim_lock + 1)
    .returning(_users.c.birth_date, _users.c.max_weekly_hours)
)
_TAKE_PLACE = (
    sa.update(_shifts)
    .where(_shifts.c.id == sa.bindparam("sid"), _shifts.c.confirmed < _shifts.c.capacity)
    .values(confirmed=_shifts.c.confirmed + 1)
)
_TAKE_PLACES = (
    sa.update(_shifts)
    .where(_shifts.c.id == sa.bindparam("sid"), _shifts.c.confirmed + sa.bindparam("k") <= _shifts.c.capacity)
    .values(confirmed=_shifts.c.confirmed + sa.bindparam("k"))
)
_RELEASE_PLACE = (
    sa.update(_shifts)
    .where(_shifts.c.id == sa.bindparam("sid"), _shifts.c.confirmed > 0)
    .values(confirmed=_shifts.c.confirmed - 1)
)
# Touching the shift row serializes an entry with the draw's own UPDATE of it: an entry either commits before
# the draw reads the entrants or finds the window closed.
_LOTTERY_STILL_OPEN = (
    sa.update(_shifts)
    .where(
        _shifts.c.id == sa.bindparam("sid"),
        _shifts.c.lottery_drawn_at.is_(None),
        _shifts.c.lottery_until > sa.bindparam("now"),
    )
    .values(confirmed=_shifts.c.confirmed)
)
_CLAIM_COLUMNS = ("shift_id", "user_id", "status", "created_at", "updated_at", "health_declared_at")
# The insert leaves every other column NULL: the attached object says so, so reading it costs no SELECT.
_NULL_ON_INSERT = {column.key: None for column in _claims.columns if column.key not in ("id", *_CLAIM_COLUMNS)}
_INSERT_CLAIM = sa.insert(_claims).returning(_claims.c.id)
# PostgreSQL: take a place if one is left and insert the claim confirmed, or else waitlisted, in one round trip
# (SQLite has no UPDATE inside WITH; there the two statements run one after the other). Its parameters are
# named new_<column>: a parameter named like a column of shifts (created_at) would be added to the UPDATE's SET.
_took = (
    sa.update(_shifts)
    .where(_shifts.c.id == sa.bindparam("new_shift_id"), _shifts.c.confirmed < _shifts.c.capacity)
    .values(confirmed=_shifts.c.confirmed + 1)
    .returning(_shifts.c.id)
    .cte("took")
)
_status_by_took = sa.case(
    (sa.exists(sa.select(_took.c.id)), ClaimStatus.CONFIRMED.value), else_=ClaimStatus.WAITLISTED.value
)
_TAKE_PLACE_AND_INSERT = (
    sa.insert(_claims)
    .from_select(
        _CLAIM_COLUMNS,
        sa.select(
            *(
                _status_by_took if name == "status" else sa.bindparam(f"new_{name}", type_=_claims.c[name].type)
                for name in _CLAIM_COLUMNS
            )
        ),
    )
    .returning(_claims.c.id, _claims.c.status)
)


def _lock_volunteer(user_id: int) -> sa.Row[Any, Any] | None:
    """Lock the volunteer's row and return what the shift safety rules read of it (birth date, weekly cap) as
    it stands under the lock, so a claim need not load the whole user (see accounts.tokens)."""
    return db.session.connection().execute(_LOCK_VOLUNTEER, {"uid": user_id}).first()


def _take_place(shift_id: int) -> bool:
    """Atomically take one place if any is left."""
    return _execute_update(_TAKE_PLACE, {"sid": shift_id}).rowcount == 1


def _check_lottery_still_open(shift_id: int) -> None:
    if not _execute_update(_LOTTERY_STILL_OPEN, {"sid": shift_id, "now": now()}).rowcount:
        raise Conflict(_l("Sign-up for this draw has closed."), code="lottery_closed")


def _release_place(shift_id: int) -> None:
    db.session.connection().execute(_RELEASE_PLACE, {"sid": shift_id})


_ACTIVE_CLAIM = sa.select(_claims.c.id, _claims.c.status).where(
    _claims.c.shift_id == sa.bindparam("sid"),
    _claims.c.user_id == sa.bindparam("uid"),
    _claims.c.status.in_([s.value for s in ACTIVE_STATUSES]),
)


def _execute_update(statement: sa.Update, params: dict[str, Any]) -> sa.CursorResult[Any]:
    """A Core UPDATE on the session's connection; its result has the rowcount the conditional updates read."""
    return db.session.connection().execute(statement, params)


def _reload_claim(claim_id: int) -> Claim:
    """The claim as the database has it now (read again under the caller's lock)."""
    claim = db.session.get(Claim, claim_id, populate_existing=True)
    if claim is None:  # claims are never deleted while their volunteer is locked
        raise NotFound(_l("No such claim."))
    return claim


def _reload_shift(shift_id: int) -> Shift:
    """The shift as the database has it now (its count changed under the caller's lock)."""
    shift = db.session.get(Shift, shift_id, populate_existing=True)
    if shift is None:  # a shift with claims is never deleted
        raise NotFound(_l("No such shift."))
    return shift


def _active_claim_row(shift_id: int, user_id: int) -> sa.Row[Any, Any] | None:
    """(id, status) of the volunteer's active claim on the shift, or None."""
    return db.session.connection().execute(_ACTIVE_CLAIM, {"sid": shift_id, "uid": user_id}).first()


def _already_claimed(shift_id: int, user_id: int) -> Conflict:
    existing = _active_claim_row(shift_id, user_id)
    extra = {"claim_id": existing.id, "claim_status": existing.status} if existing else {}
    return Conflict(_l("You have already signed up for this shift."), code="already_claimed", **extra)


def cancel_claim(user: User, claim: Claim) -> Claim:
    """A volunteer withdraws before the shift starts; a freed place goes to the oldest waitlisted claim."""
    if claim.status == ClaimStatus.CANCELLED:
        return claim
    if not claim.is_active:
        raise Conflict(_l("This sign-up is no longer active."), code="claim_not_active")
    rules.check_not_started(claim.shift)
    if claim.checked_in_at is not None:
        raise Conflict(
            _l("You have already checked in; please tell the person in charge if you must leave."),
            code="already_checked_in",
        )
    atomic(withdraw, claim, ClaimStatus.CANCELLED, reason=CancelReason.VOLUNTEER)
    db.session.refresh(claim)
    return claim


def withdraw(
    claim: Claim,
    new_status: ClaimStatus,
    *,
    reason: str | None = None,
    decided_by_id: int | None = None,
    organizer_reason: str | None = None,
) -> None:
    """In the caller's transaction: end an active claim (cancelled, or rejected by an organizer, whose reason
    the volunteer is told) and refill its place from the waitlist."""
    _lock_volunteer(claim.user_id)
    claim = _reload_claim(claim.id)
    old = claim.status
    if old not in ACTIVE_STATUSES:
        raise Conflict(_l("This sign-up is no longer active."), code="claim_not_active")
    values: dict[str, Any] = {"decided_by_id": decided_by_id} if decided_by_id else {}
    if organizer_reason:
        values["organizer_reason"] = organizer_reason
    if new_status == ClaimStatus.CANCELLED:
        values |= {"cancelled_at": now(), "cancel_reason": reason}
    if not transition(claim.id, new_status, from_=[old], **values):
        raise Conflict(_l("This sign-up changed meanwhile; please reload."), code="claim_changed")
    if new_status == ClaimStatus.REJECTED:  # the organizer acted: tell the volunteer
        removed = old == ClaimStatus.CONFIRMED
        _notify_claim(
            claim,
            claim.shift,
            "claim_removed" if removed else "claim_rejected",
            actor_id=decided_by_id,
            cause=task_cause(claim.shift.task_id, "claim", claim.id, "removed" if removed else "rejected"),
            **({"reason": organizer_reason} if organizer_reason else {}),
        )
    if old == ClaimStatus.CONFIRMED:
        _release_place(claim.shift_id)
        fill_from_waitlist(_reload_shift(claim.shift_id))


def cancel_for_task(task: Task, reason: str | None, actor_id: int | None = None) -> None:
    """In the caller's transaction (the task's cancellation): cancel every active claim on the task, free its
    places and tell each volunteer, with the organizer's reason when one is given (the organizer ``actor_id``
    then sees how many were reached)."""
    shifts = {shift.id: shift for shift in task.shifts}
    cancelled = transition(
        Claim.shift_id.in_(shifts),
        ClaimStatus.CANCELLED,
        cancelled_at=now(),
        cancel_reason=CancelReason.TASK_CANCELLED,
        organizer_reason=reason,
    )
    reason_param: dict[str, Any] = {"reason": reason} if reason else {}
    for claim in sorted(cancelled):
        shift = shifts[claim.shift_id]
        notify(
            claim.user_id,
            "task_cancelled",
            task_id=task.id,
            actor_id=actor_id,
            cause=task_cause(task.id, "cancelled"),
            task=task.title,
            starts_at=shift.starts_at.isoformat(),
            ends_at=shift.ends_at.isoformat(),
            **reason_param,
        )
    db.session.execute(sa.update(Shift).where(Shift.task_id == task.id).values(confirmed=0))


def tell_shift_moved(task: Task, shift: Shift, actor_id: int | None = None) -> None:
    """In the caller's transaction (the task's edit): tell every volunteer with an active claim on shift its new
    times. Each move is its own cause (the new start), so the organizer sees who was reached about it."""
    cause = task_cause(task.id, "shift", shift.id, "moved", int(shift.starts_at.timestamp()))
    for claim in db.session.execute(
        sa.select(Claim).where(Claim.status.in_(ACTIVE_STATUSES), Claim.shift_id == shift.id)
    ).scalars():
        notify(
            claim.user_id,
            "shift_time_changed",
            task_id=task.id,
            actor_id=actor_id,
            cause=cause,
            task=task.title,
            starts_at=shift.starts_at.isoformat(),
            ends_at=shift.ends_at.isoformat(),
        )


def fill_from_waitlist(shift: Shift) -> list[Claim]:  # noqa: C901 -- the promotion loop and its stops read best together
    """Promote waitlisted claims, in drawn order then oldest first, while the shift has places (in the caller's
    transaction).

    On tasks that need approval a promoted claim becomes pending, up to the number of free places.
    A waitlisted volunteer who meanwhile holds an overlapping confirmed shift, or would break a shift safety
    rule, is skipped, not promoted.
    """
    promoted: list[Claim] = []
    skipped: set[int] = set()
    task = shift.task
    while True:
        db.session.refresh(shift)
        if shift.confirmed >= shift.capacity:
            break
        if task.requires_approval:
            pending = db.session.execute(
                sa.select(sa.func.count()).where(Claim.shift_id == shift.id, Claim.status == ClaimStatus.PENDING)
            ).scalar_one()
            if shift.confirmed + pending >= shift.capacity:
                break
        candidate = _oldest_waitlisted(shift.id, skipped)
        if candidate is None:
            break
        _lock_volunteer(candidate.user_id)
        if rules.find_overlap(candidate.user_id, shift) or safety_problem(candidate.user, shift):
            skipped.add(candidate.id)
            continue
        if task.requires_approval:
            if transition(candidate.id, ClaimStatus.PENDING, from_=[ClaimStatus.WAITLISTED]):
                promoted.append(candidate)
                _notify_claim(candidate, shift, "claim_promoted_pending")
            continue
        if not _take_place(shift.id):
            break
        if transition(candidate.id, ClaimStatus.CONFIRMED, from_=[ClaimStatus.WAITLISTED]):
            promoted.append(candidate)
            _notify_claim(candidate, shift, "claim_promoted")
        else:  # the volunteer withdrew meanwhile: give the place back and try the next one
            _release_place(shift.id)
            skipped.add(candidate.id)
    return promoted


def safety_problem(user: User, shift: Shift) -> Conflict | None:
    """The shift safety rule the volunteer would break by taking shift now (in the caller's transaction)."""
    try:
        rules.check_safety(user, shift, rules.booked_around(user.id, shift))
    except Conflict as exc:
        return exc
    return None


# Promotion order: drawn lottery places first, in drawn order, then everyone else first come first served.
WAITLIST_ORDER = (Claim.lottery_rank.is_(None), Claim.lottery_rank, Claim.created_at, Claim.id)


def _oldest_waitlisted(shift_id: int, skipped: set[int]) -> Claim | None:
    query = sa.select(Claim).where(Claim.shift_id == shift_id, Claim.status == ClaimStatus.WAITLISTED)
    if skipped:
        query = query.where(Claim.id.not_in(skipped))
    return db.session.execute(
        query.order_by(*WAITLIST_ORDER).limit(1).execution_options(populate_existing=True)
    ).scalar_one_or_none()


def place_drawn_entry(claim: Claim, shift: Shift, rank: int) -> Conflict | None:
    """In the caller's transaction: a lottery entry drawn at rank takes a place if one is left and the
    volunteer still passes the overlap and safety rules, else goes to the waitlist at that rank. Returns the
    rule the volunteer now fails, if any."""
    _lock_volunteer(claim.user_id)
    clash = rules.find_overlap(claim.user_id, shift)
    problem = (
        Conflict(
            _l(
                "This overlaps your shift “%(task)s” %(when)s.",
                task=clash.task_title,
                when=formatting.shift_span(clash.starts_at, clash.ends_at),
            ),
            code="shift_overlap",
        )
        if clash
        else safety_problem(claim.user, shift)
    )
    confirmed = problem is None and _take_place(shift.id)
    status = ClaimStatus.CONFIRMED if confirmed else ClaimStatus.WAITLISTED
    if not transition(claim.id, status, from_=[ClaimStatus.LOTTERY], lottery_rank=rank):
        if confirmed:  # the volunteer withdrew meanwhile
            _release_place(shift.id)
        return None
    return problem


def _notify_claim(claim: Claim, shift: Shift, kind: str, **extra: Any) -> None:
    notify(
        claim.user_id,
        kind,
        task_id=shift.task_id,
        task=shift.task.title,
        starts_at=shift.starts_at.isoformat(),
        ends_at=shift.ends_at.isoformat(),
        **extra,
    )


def approve_claim(actor: User, claim: Claim) -> Claim:
    """An organizer approves a pending request; approval takes a place atomically or fails as full."""
    permissions.require_manage(actor, claim.shift.task.org)
    if claim.status == ClaimStatus.CONFIRMED:
        return claim
    if claim.status != ClaimStatus.PENDING:
        raise Conflict(_l("Only pending requests can be approved."), code="claim_not_pending")
    rules.check_task_open(claim.shift.task)
    atomic(_approve, claim.id, actor.id)
    db.session.refresh(claim)
    return claim


def _approve(claim_id: int, actor_id: int) -> None:
    claim = _reload_claim(claim_id)
    _lock_volunteer(claim.user_id)
    shift = _reload_shift(claim.shift_id)
    rules.check_no_overlap(claim.user_id, shift)
    rules.check_safety(claim.user, shift, rules.booked_around(claim.user_id, shift))
    if not _take_place(shift.id):
        raise Conflict(_l("The shift is full. Raise the number of places or reject the request."), code="shift_full")
    if not transition(claim.id, ClaimStatus.CONFIRMED, from_=[ClaimStatus.PENDING], decided_by_id=actor_id):
        raise Conflict(_l("This sign-up changed meanwhile; please reload."), code="claim_changed")
    _notify_claim(claim, shift, "claim_approved")


def reject_claim(actor: User, claim: Claim, reason: str | None = None) -> Claim:
    """An organizer turns down a request or removes a volunteer, optionally saying why (the volunteer is told);
    a freed place is refilled from the waitlist."""
    permissions.require_manage(actor, claim.shift.task.org)
    reason = task_rules.check_organizer_reason(reason)
    if claim.status == ClaimStatus.REJECTED:
        return claim
    if not claim.is_active:
        raise Conflict(_l("This sign-up is no longer active."), code="claim_not_active")
    atomic(withdraw, claim, ClaimStatus.REJECTED, decided_by_id=actor.id, organizer_reason=reason)
    db.session.refresh(claim)
    return claim
