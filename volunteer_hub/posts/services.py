"""The live staffing board and the relief alarm.

Invariants, each backed by the database:
- one alarm per shift: relief_alarms.shift_id is unique and the alarm is inserted with ON CONFLICT DO NOTHING, so
  of two schedulers or workers racing only the one whose row went in notifies and starts the call-out;
- one stay per volunteer and alarm: the unique (alarm, claim) row; a second tap returns the first stay.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.audit import services as audit
from volunteer_hub.callouts import services as callouts
from volunteer_hub.core.db import get_row, insert_ignoring_duplicates, updated_rows
from volunteer_hub.core.errors import DomainError, NotFound
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import isoformat, local_day_bounds, now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.handovers import queries as handover_queries
from volunteer_hub.handovers.models import Handover
from volunteer_hub.hours.queries import organizers_to_notify
from volunteer_hub.incidents.queries import open_counts
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.posts import queries, rules
from volunteer_hub.posts.models import ReliefAlarm, ReliefStay
from volunteer_hub.supplies import queries as supply_queries
from volunteer_hub.supplies.rules import is_low
from volunteer_hub.tasks.models import Shift, Task

log = logging.getLogger(__name__)
ORGANIZER_KIND, STAY_KIND, ABSENT_KIND = "relief_alarm", "relief_stay_ask", "relief_absent"
_alarms = ReliefAlarm.__table__


# --- the boards -----------------------------------------------------------------------------------------------


def org_board(actor, org: Organisation) -> dict:
    """Every post of org's subtree with a shift under way or starting within 2 hours, worst first (organizers and
    reviewers of the subtree). Three queries whatever the number of posts."""
    permissions.require_review(actor, org)
    at = now()
    shifts = queries.board_shifts(org, at, at + rules.LOOKAHEAD)
    incidents = open_counts({s.task_id for s in shifts})
    posts = [_post_row(shift, at, incidents.get(shift.task_id, 0)) for shift in _one_per_post(shifts, at)]
    posts.sort(key=lambda p: rules.worst_first(p["status"], p["missing"], p["starts_at"]))
    return {"as_of": at, "org_id": org.id, "posts": posts}


def _one_per_post(shifts: list[queries.BoardShift], at: datetime) -> list[queries.BoardShift]:
    """The shift that speaks for each post now: the worst of those under way, else the next to start."""
    chosen: dict[int, queries.BoardShift] = {}
    for shift in shifts:
        current = chosen.get(shift.task_id)
        if current is None or _matters_more(shift, current, at):
            chosen[shift.task_id] = shift
    return list(chosen.values())


def _matters_more(shift: queries.BoardShift, other: queries.BoardShift, at: datetime) -> bool:
    running, other_running = shift.starts_at <= at, other.starts_at <= at
    if running != other_running:
        return running
    if not running:
        return False  # both still to start: the earlier (listed first) stays
    key = rules.worst_first(*_status_and_missing(shift, at), shift.starts_at)
    return key < rules.worst_first(*_status_and_missing(other, at), other.starts_at)


def _status_and_missing(shift, at: datetime) -> tuple[str, int]:
    status = rules.post_status(shift.starts_at, at, shift.capacity, shift.confirmed, shift.checked_in)
    have = rules.staffed(shift.starts_at, at, shift.confirmed, shift.checked_in)
    return status, max(shift.capacity - have, 0)


def _post_row(shift: queries.BoardShift, at: datetime, open_incidents: int) -> dict:
    status, missing = _status_and_missing(shift, at)
    return {
        "task_id": shift.task_id,
        "title": shift.title,
        "org_name": shift.org_name,
        "shift_id": shift.shift_id,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "under_way": shift.starts_at <= at,
        "needed": shift.capacity,
        "confirmed": shift.confirmed,
        "checked_in": shift.checked_in,
        "missing": missing,
        "status": status,
        "alarm": shift.alarm,
        "open_incidents": open_incidents,
    }


def task_board(actor, task: Task) -> dict:
    """One post: today's and tomorrow's shifts (Asia/Shanghai days) with places, who is confirmed and who is on the
    post now, relief alarms and stays, the latest handover, open incidents and supply levels."""
    permissions.require_review(actor, task.org)
    at = now()
    today = to_local(at).date()
    start, _ = local_day_bounds(today)
    _, end = local_day_bounds(today + timedelta(days=1))
    shifts = queries.shifts_between(task.id, start, end)
    roster = queries.confirmed_on(s.id for s in shifts)
    alarms = queries.alarms_of(s.id for s in shifts)
    stays = queries.stays_of(a.id for a in alarms.values())
    return {
        "as_of": at,
        "task_id": task.id,
        "title": task.title,
        "auto_callout": task.auto_callout,
        "shifts": [_shift_row(shift, at, roster, alarms.get(shift.id), stays) for shift in shifts],
        "latest_handover": _handover_row(handover_queries.latest(task.id)),
        "open_incidents": open_counts([task.id]).get(task.id, 0),
        "supplies": [
            {
                "item_id": s.id,
                "kind": s.kind,
                "name": s.name,
                "count": s.count,
                "low_threshold": s.low_threshold,
                "low": is_low(s.count, s.low_threshold),
            }
            for s in supply_queries.items(task.id)
        ],
    }


def _shift_row(shift: Shift, at: datetime, roster, alarm: ReliefAlarm | None, stays) -> dict:
    people = [entry for entry in roster if entry.shift_id == shift.id]
    checked_in = sum(entry.on_post for entry in people)
    status = rules.post_status(shift.starts_at, at, shift.capacity, shift.confirmed, checked_in)
    return {
        "shift_id": shift.id,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "under_way": shift.starts_at <= at < shift.ends_at,
        "ended": shift.ends_at <= at,
        "needed": shift.capacity,
        "confirmed": shift.confirmed,
        "checked_in": checked_in,
        "status": status if shift.ends_at > at else rules.OK,
        "volunteers": [
            {"name": e.name, "on_post": e.on_post, "checked_in_at": e.checked_in_at, "checked_out_at": e.checked_out_at}
            for e in people
        ],
        "alarm": _alarm_row(alarm, stays),
    }


def _alarm_row(alarm: ReliefAlarm | None, stays) -> dict | None:
    if alarm is None:
        return None
    return {
        "fired_at": alarm.fired_at,
        "missing": alarm.missing,
        "cleared_at": alarm.cleared_at,
        "callout_id": alarm.callout_id,
        "stays": [{"name": name, "until": stay.until} for stay, name in stays if stay.alarm_id == alarm.id],
    }


def _handover_row(handover: Handover | None) -> dict | None:
    if handover is None:
        return None
    counts = handover_queries.carried([handover.id])[handover.id]["supplies"]
    return {
        "id": handover.id,
        "shift_id": handover.shift_id,
        "author": handover_queries.names({handover.author_id}).get(handover.author_id, ""),
        "notes": handover.notes,
        "created_at": handover.created_at,
        "supplies": [{"item_id": item.id, "count": count} for item, count in sorted(counts, key=lambda c: c[0].id)],
    }


def set_auto_callout(actor, task: Task, on: bool) -> Task:
    """Turn the task's automatic call-out on a relief alarm on or off (organizers of the task's subtree). Turned on
    while a shift's relief is missing, it starts that call-out at once."""
    permissions.require_manage(actor, task.org)

    def work() -> None:
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(auto_callout=on))
        audit.record(actor.id, "posts.auto_callout", "task", task.id, on=on)

    atomic(work)
    if on:
        for alarm_id in queries.alarms_awaiting_callout(task.id, now()):
            _start_callout(alarm_id, actor)
    db.session.refresh(task)
    return task


# --- the relief alarm ----------------------------------------------------------------------------------------


def raise_relief_alarms() -> dict:
    """Recurring: clear the alarms of shifts whose check-ins reached their places, then alarm each shift that
    started RELIEF_ALERT_MINUTES ago or more, has not ended and has fewer volunteers on the post than places.
    Returns {"cleared": n, "fired": n} (what this run did)."""
    cleared = atomic(_clear_alarms)
    at = now()
    started_before = at - timedelta(minutes=current_app.config["RELIEF_ALERT_MINUTES"])
    fired = 0
    for shift_id, present in queries.shifts_to_alarm(started_before, at):
        alarm_id = atomic(_fire, shift_id, present)
        if alarm_id is not None:
            fired += 1
            _start_callout(alarm_id)
    return {"cleared": cleared, "fired": fired}


def _clear_alarms() -> int:
    ids = queries.alarms_to_clear()
    if not ids:
        return 0
    return updated_rows(
        db.session.execute(
            sa.update(_alarms).where(_alarms.c.id.in_(ids), _alarms.c.cleared_at.is_(None)).values(cleared_at=now())
        )
    )


def _fire(shift_id: int, present: int) -> int | None:
    """Insert the shift's alarm; only the transaction whose row went in tells anyone. Returns its id or None."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        return None
    missing = shift.capacity - present
    row = {"shift_id": shift.id, "missing": missing, "fired_at": now()}
    alarm_id = db.session.execute(
        insert_ignoring_duplicates(db.session, ReliefAlarm, [row]).returning(ReliefAlarm.id)
    ).scalar_one_or_none()
    if alarm_id is None:
        return None  # another run alarmed this shift first
    _tell_everyone(shift, alarm_id, missing)
    return alarm_id


def _about(shift: Shift, missing: int) -> dict:
    return {
        "task": shift.task.title,
        "starts_at": isoformat(shift.starts_at),
        "ends_at": isoformat(shift.ends_at),
        "address": shift.task.address or "",
        "missing": missing,
    }


def _tell_everyone(shift: Shift, alarm_id: int, missing: int) -> None:
    about = _about(shift, missing)
    key, cause = f"relief:{shift.id}", f"relief_alarm:{alarm_id}"
    board = external_url("posts.task_board", task_id=shift.task_id)
    for user_id in organizers_to_notify(shift.task.org):
        notify(
            user_id,
            ORGANIZER_KIND,
            task_id=shift.task_id,
            dedupe_key=key,
            urgent=True,
            cause=cause,
            link=board,
            **about,
        )
    previous = queries.previous_shift(shift)
    if previous is not None:
        stay = external_url("posts.stay", alarm_id=alarm_id)
        until = rules.stay_until(previous.ends_at, shift.ends_at)
        for claim in queries.claims_on_post(previous.id):
            notify(
                claim.user_id,
                STAY_KIND,
                task_id=shift.task_id,
                dedupe_key=key,
                urgent=True,
                cause=cause,
                link=stay,
                until=isoformat(until),
                **about,
            )
    for claim in queries.absent_claims(shift.id):
        notify(
            claim.user_id,
            ABSENT_KIND,
            task_id=shift.task_id,
            dedupe_key=key,
            urgent=True,
            cause=cause,
            link=external_url("claims.my_shifts"),
            **about,
        )


def _start_callout(alarm_id: int, actor: User | None = None) -> None:
    """With the task's auto call-out on, page volunteers for the missing places that are free (an absent confirmed
    volunteer still holds a place: only free places can be offered). Started once: by the run that fired, or by
    the organizer turning the option on while the relief is missing (callouts.start keeps one paging per shift)."""
    alarm = get_row(db.session, ReliefAlarm, alarm_id)
    shift = get_row(db.session, Shift, alarm.shift_id)
    needed = min(alarm.missing, shift.places_left)
    if not shift.task.auto_callout or needed <= 0:
        return
    actor = actor or _callout_actor(shift.task)
    if actor is None:
        return
    try:
        callout, _created = callouts.start(actor, shift, needed=needed)
    except DomainError as exc:  # a lottery still open, the task cancelled meanwhile...
        db.session.rollback()
        log.info("relief alarm %s: no call-out for shift %s: %s", alarm_id, shift.id, exc.message)
        return
    atomic(lambda: db.session.execute(sa.update(_alarms).where(_alarms.c.id == alarm_id).values(callout_id=callout.id)))


def _callout_actor(task: Task) -> User | None:
    """Who the automatic call-out is started for: the task's author while they manage it, else its nearest
    organizer."""
    if task.created_by is not None and permissions.can_manage(task.created_by, task.org):
        return task.created_by
    ids = organizers_to_notify(task.org)
    return db.session.get(User, ids[0]) if ids else None


# --- "I'll stay" ---------------------------------------------------------------------------------------------


def get_alarm(alarm_id) -> ReliefAlarm:
    alarm = db.session.get(ReliefAlarm, alarm_id) if isinstance(alarm_id, int) else None
    if alarm is None:
        raise NotFound(_l("No such relief alarm."))
    return alarm


def stay_offer(actor, alarm: ReliefAlarm) -> tuple:
    """(the actor's claim on the previous shift or None, the relieving shift, until when they would stay)."""
    shift = get_row(db.session, Shift, alarm.shift_id)
    previous = queries.previous_shift(shift)
    claim = None
    if previous is not None:
        claim = next((c for c in queries.claims_on_post(previous.id) if c.user_id == actor.id), None)
    until = rules.stay_until(previous.ends_at, shift.ends_at) if previous is not None else shift.ends_at
    return claim, shift, until


def stay(actor, alarm: ReliefAlarm) -> ReliefStay:
    """The previous shift's volunteer, still on the post, stays until the relief comes (one tap). A second tap
    returns the first stay."""
    claim, shift, until = stay_offer(actor, alarm)
    if claim is None:
        raise NotFound(_l("No such relief alarm."))  # nobody else learns the alarm exists
    rules.check_can_stay(True, alarm.cleared_at is not None, until, now())
    row = {"alarm_id": alarm.id, "claim_id": claim.id, "until": until, "created_at": now()}

    def work() -> None:
        went_in = db.session.execute(
            insert_ignoring_duplicates(db.session, ReliefStay, [row]).returning(ReliefStay.id)
        ).scalar_one_or_none()
        if went_in is not None:
            audit.record(actor.id, "posts.stayed", "shift", shift.id, claim_id=claim.id, until=isoformat(until))

    atomic(work)
    return db.session.execute(
        sa.select(ReliefStay).where(ReliefStay.alarm_id == alarm.id, ReliefStay.claim_id == claim.id)
    ).scalar_one()


def stay_of(actor, alarm: ReliefAlarm) -> ReliefStay | None:
    claim, _shift, _until = stay_offer(actor, alarm)
    if claim is None:
        return None
    return db.session.execute(
        sa.select(ReliefStay).where(ReliefStay.alarm_id == alarm.id, ReliefStay.claim_id == claim.id)
    ).scalar_one_or_none()
