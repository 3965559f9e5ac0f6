"""Rota use cases: create a shift series, adopt it as a team, propose and publish a rota, swap shifts.

Each writing use case is one transaction; publishing a rota claims every shift of it or none.
"""

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub import outbox
from volunteer_hub.accounts.models import User
from volunteer_hub.audit import services as audit
from volunteer_hub.claims import rules as claim_rules
from volunteer_hub.claims import services as claim_services
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.db import get_row, updated_rows
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.timeutil import local_day_bounds, now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.help import rules as help_rules
from volunteer_hub.matching.scoring import band_of
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.rotas import proposal, queries, rules, series
from volunteer_hub.rotas.models import SeriesAdoption, ShiftSeries, ShiftSwap, SwapStatus
from volunteer_hub.tasks.models import Shift, Task
from volunteer_hub.tasks.services import MATCH_TASK, get_task
from volunteer_hub.teams import rules as team_rules
from volunteer_hub.teams.models import Team

ADULT_AGE = 18

REASON_MESSAGES = {
    "already_on_shift": _l("Every available member is already on this shift."),
    "availability": _l("No member is available at this time (day/night, weekday/weekend on their profile)."),
    "adults_only": _l("Night shifts are for adults only and no other adult member is free."),
    "overlap": _l("Every available member has an overlapping shift."),
    "rest": _l("Every available member needs 8 hours' rest between shifts."),
    "daily_limit": _l("Every available member would work more than 12 hours within 24 hours."),
    "weekly_cap": _l("Every available member has reached their weekly hours limit."),
    "no_members": _l("The team has no active members."),
}


def get_team(team_id) -> Team:
    """The team, or NotFound."""
    team = db.session.get(Team, team_id) if isinstance(team_id, int) else None
    if team is None:
        raise NotFound(_l("No such team."))
    return team


def get_series(series_id) -> ShiftSeries:
    """The shift series, or NotFound."""
    found = db.session.get(ShiftSeries, series_id) if isinstance(series_id, int) else None
    if found is None:
        raise NotFound(_l("No such shift series."))
    return found


def get_swap(swap_id) -> ShiftSwap:
    """The swap offer, or NotFound."""
    swap = db.session.get(ShiftSwap, swap_id) if isinstance(swap_id, int) else None
    if swap is None:
        raise NotFound(_l("No such swap offer."))
    return swap


# --- series ---


def create_series(actor: User, task_id: int, *, from_date, to_date, daily) -> ShiftSeries:
    """Lay a daily pattern of shifts over a range of local dates on a task, in one transaction."""
    task = get_task(task_id)
    permissions.require_manage(actor, task.org)
    rules.check_series_task(task)
    help_rules.check_shifts_fixed(task)
    slots, spans, errors = series.plan(from_date, to_date, daily, len(task.shifts))
    if errors:
        raise ValidationError(fields=errors)
    made = ShiftSeries(
        task_id=task.id,
        from_date=from_date,
        to_date=to_date,
        created_by_id=actor.id,
        pattern=[slot.as_pattern() for slot in slots],
    )
    return atomic(_add_series, task, made, spans, actor.id)


def _add_series(task: Task, made: ShiftSeries, spans: list, actor_id: int) -> ShiftSeries:
    db.session.add(made)
    db.session.flush()
    task.shifts.extend(
        Shift(starts_at=starts, ends_at=ends, capacity=capacity, series_id=made.id) for starts, ends, capacity in spans
    )
    db.session.flush()
    task.refresh_schedule()
    if task.lat is not None:  # like added shifts in update_task: matching tells more volunteers
        outbox.record(MATCH_TASK, task_id=task.id)
    audit.record(actor_id, "series.created", "task", task.id, series_id=made.id, shifts=len(spans))
    return made


def series_shifts(series_id: int) -> list[Shift]:
    """The shifts a series produced (those still carrying its id), in time order."""
    return list(
        db.session.execute(
            sa.select(Shift).where(Shift.series_id == series_id).order_by(Shift.starts_at, Shift.id)
        ).scalars()
    )


# --- adoption ---


def adopt_series(actor: User, team_id: int, series_id: int, *, from_date=None, to_date=None) -> SeriesAdoption:
    """A leader or deputy takes on a series, or a date range of it, for the team."""
    team = get_team(team_id)
    team_rules.require_lead(actor, team)
    picked = get_series(series_id)
    task = get_task(picked.task_id)
    rules.check_adoptable(team, task)
    from_date, to_date = from_date or picked.from_date, to_date or picked.to_date
    rules.check_range(from_date, to_date, picked.from_date, picked.to_date)
    for adoption, _ in queries.adoptions_of(team.id, task.id):
        if adoption.series_id == picked.id and adoption.from_date <= to_date and from_date <= adoption.to_date:
            raise Conflict(_l("Your team has already adopted these dates of the series."), code="already_adopted")
    adoption = SeriesAdoption(
        team_id=team.id, series_id=picked.id, from_date=from_date, to_date=to_date, created_by_id=actor.id
    )
    return atomic(_add, adoption)


def _add(row):
    db.session.add(row)
    db.session.flush()
    return row


# --- rota proposal ---


def _weeks(starts_at: datetime, ends_at: datetime) -> tuple[tuple[date, float], ...]:
    """Hours of [starts_at, ends_at) inside each local Monday-Sunday week it touches."""
    parts, cursor = [], starts_at
    while cursor < ends_at:
        local = to_local(cursor).date()
        monday = local - timedelta(days=local.weekday())
        week_end = min(local_day_bounds(monday + timedelta(days=7))[0], ends_at)
        parts.append((monday, (week_end - cursor).total_seconds() / 3600))
        cursor = week_end
    return tuple(parts)


def _is_adult(user: User, on: date) -> bool:
    birth = user.birth_date
    return birth is not None and on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)) >= ADULT_AGE


def _to_slot(shift: Shift) -> proposal.Slot:
    return proposal.Slot(
        shift.id,
        shift.starts_at,
        shift.ends_at,
        shift.places_left,
        band_of(shift.starts_at),
        claim_rules.is_night(shift.starts_at, shift.ends_at),
        _weeks(shift.starts_at, shift.ends_at),
    )


def _rota_shifts(team: Team, task_id: int, from_date, to_date) -> list[Shift]:
    errors = {}
    if not isinstance(from_date, date):
        errors["from_date"] = _l("Enter the first date.")
    if not isinstance(to_date, date):
        errors["to_date"] = _l("Enter the last date.")
    elif isinstance(from_date, date) and to_date < from_date:
        errors["to_date"] = _l("The last date must not be before the first.")
    elif isinstance(from_date, date) and (to_date - from_date).days + 1 > series.MAX_DAYS:
        errors["to_date"] = _l("A rota covers at most %(n)d days.", n=series.MAX_DAYS)
    if errors:
        raise ValidationError(fields=errors)
    if not queries.adoptions_of(team.id, task_id):
        raise Conflict(_l("Your team has not adopted a shift series of this task yet."), code="not_adopted")
    return queries.adopted_shifts(team.id, task_id, from_date, to_date)


def propose_rota(actor: User, team_id: int, task_id, from_date, to_date) -> dict:
    """A proposed assignment of the team's members to the adopted shifts in the date range; nothing is saved."""
    team = get_team(team_id)
    team_rules.require_lead(actor, team)
    task = get_task(task_id)
    shifts = _rota_shifts(team, task.id, from_date, to_date)
    users = queries.member_users(team.id)
    slots = [_to_slot(shift) for shift in shifts]
    members, held = _members(users, shifts, slots)
    result = proposal.propose(slots, list(members.values()), held)
    return _answer(team, task, from_date, to_date, shifts, slots, users, members, held, result)


def _members(users: list[User], shifts: list[Shift], slots: list[proposal.Slot]):
    """The algorithm's view of each member, with the confirmed shifts that limit them, and who already holds
    a place on each of the rota's shifts."""
    members: dict[int, proposal.Member] = {}
    first_day = to_local(shifts[0].starts_at).date() if shifts else now().date()
    for user in users:
        members[user.id] = proposal.Member(
            user.id, frozenset(user.availability), user.max_weekly_hours, _is_adult(user, first_day)
        )
    held: dict[int, set[int]] = {}
    if not shifts:
        return members, held
    rota = {slot.shift_id: slot for slot in slots}
    since = min(shifts[0].starts_at - timedelta(days=8), local_day_bounds(first_day - timedelta(days=7))[0])
    until = shifts[-1].ends_at + timedelta(days=8)
    for row in queries.confirmed_between(list(members), since, until):
        member = members[row.user_id]
        member.hold(row.starts_at, row.ends_at, _weeks(row.starts_at, row.ends_at))
        if row.shift_id in rota:  # already on a rota shift: it counts towards their share
            held.setdefault(row.shift_id, set()).add(row.user_id)
            slot = rota[row.shift_id]
            member.nights += slot.night
            member.hours += slot.hours
            member.shifts += 1
    return members, held


def _answer(team, task, from_date, to_date, shifts, slots, users, members, held, result) -> dict:
    slot_by_id = {slot.shift_id: slot for slot in slots}
    return {
        "team_id": team.id,
        "task_id": task.id,
        "from_date": from_date,
        "to_date": to_date,
        "assignments": [
            {
                "shift_id": shift.id,
                "starts_at": shift.starts_at,
                "ends_at": shift.ends_at,
                "night": slot_by_id[shift.id].night,
                "places_left": shift.places_left,
                "user_ids": result.assigned.get(shift.id, []),
                "held_by": sorted(held.get(shift.id, ())),
            }
            for shift in shifts
        ],
        "members": [
            {
                "user_id": user.id,
                "name": user.name,
                "hours": round(members[user.id].hours, 2),
                "nights": members[user.id].nights,
                "shifts": members[user.id].shifts,
            }
            for user in users
        ],
        "unfilled": [
            {
                "shift_id": shift.id,
                "starts_at": shift.starts_at,
                "ends_at": shift.ends_at,
                "missing": missing,
                "reason": reason,
                "message": str(REASON_MESSAGES.get(reason, reason)),
            }
            for shift in shifts
            if shift.id in result.unfilled
            for missing, reason in [result.unfilled[shift.id]]
        ],
    }


# --- publishing ---


def publish_rota(actor: User, team_id: int, task_id, assignments: list[dict]) -> list[Claim]:
    """Claim every assigned place for the members, all shifts or none; each member is notified once."""
    team = get_team(team_id)
    team_rules.require_lead(actor, team)
    task = get_task(task_id)
    adopted = {shift.id: shift for shift in queries.adopted_shifts(team.id, task.id)}
    active = set(team_rules.active_member_ids(team.id))
    errors: dict[str, Any] = {}
    plan: list[tuple[Shift, list[int]]] = []
    for index, item in enumerate(assignments):
        shift_id, user_ids = item.get("shift_id"), item.get("user_ids") or []
        if shift_id not in adopted:
            errors[f"assignments.{index}.shift_id"] = _l(
                "This shift is not part of a series your team adopted, or it has already started."
            )
        elif any(shift_id == other.id for other, _ in plan):
            errors[f"assignments.{index}.shift_id"] = _l("This shift is listed twice.")
        elif len(set(user_ids)) != len(user_ids):
            errors[f"assignments.{index}.user_ids"] = _l("A member is listed twice on this shift.")
        elif not set(user_ids) <= active:
            errors[f"assignments.{index}.user_ids"] = _l("Only active members of the team can be assigned.")
        elif user_ids:
            plan.append((adopted[shift_id], sorted(user_ids)))
    if not plan and not errors:
        errors["assignments"] = _l("Assign at least one member to a shift.")
    if errors:
        raise ValidationError(fields=errors)
    plan.sort(key=lambda pair: (pair[0].starts_at, pair[0].id))
    return atomic(_publish, actor.id, team, task, plan)


def _publish(actor_id: int, team: Team, task: Task, plan: list[tuple[Shift, list[int]]]) -> list[Claim]:
    claims, blocked = [], []
    for shift, user_ids in plan:
        try:
            claims += claim_services.claim_places_in_transaction(
                shift, user_ids, team_id=team.id, claimed_by_id=actor_id
            )
        except Conflict as exc:  # keep checking the other shifts so the leader sees every problem at once
            details = exc.extra.get("blocked") or [{"user_id": None, "reason": exc.code, "message": str(exc.message)}]
            blocked += [{"shift_id": shift.id, **detail} for detail in details]
    if blocked:
        raise Conflict(
            _l("Nothing was published: %(num)d of the places cannot be claimed.", num=len(blocked)),
            code="rota_blocked",
            blocked=blocked,
        )
    by_user: dict[int, list[Shift]] = {}
    for shift, user_ids in plan:
        for user_id in user_ids:
            by_user.setdefault(user_id, []).append(shift)
    for user_id, mine in by_user.items():
        notify(
            user_id,
            "rota_published",
            task_id=task.id,
            task=task.title,
            team=team.name,
            count=len(mine),
            starts_at=mine[0].starts_at.isoformat(),
            ends_at=mine[0].ends_at.isoformat(),
        )
    audit.record(actor_id, "rota.published", "team", team.id, task_id=task.id, claims=len(claims))
    return claims


# --- swaps ---


def offer_swap(user: User, claim_id) -> ShiftSwap:
    """A member offers one of their team places to the rest of the team (once; a repeat returns the offer)."""
    claim = claim_services.get_own_claim(user, claim_id)
    rules.check_swappable(claim)
    team_rules.require_member(user, get_team(claim.team_id))
    existing = queries.open_swap_for(claim.id)
    if existing is not None:
        return existing
    return atomic(_add, ShiftSwap(claim_id=claim.id, team_id=claim.team_id, offered_by_id=user.id))


def accept_swap(user: User, swap_id) -> ShiftSwap:
    """Another active member takes the offered place: the claim moves to them atomically, capacity unchanged,
    and the team's leaders and the offerer are told."""
    swap = get_swap(swap_id)
    team = get_team(swap.team_id)
    team_rules.require_member(user, team)
    rules.check_swap_open(swap)
    if swap.offered_by_id == user.id:
        raise Conflict(_l("This is your own offer."), code="own_offer")
    atomic(_accept, swap.id, user.id, team)
    db.session.refresh(swap)
    return swap


def _accept(swap_id: int, user_id: int, team: Team) -> None:
    # The conditional update is the race guard: of two members accepting at once, one finds it still open.
    if not _close(swap_id, SwapStatus.ACCEPTED, accepted_by_id=user_id):
        raise Conflict(_l("Someone else has just taken this shift."), code="swap_closed")
    swap = get_row(db.session, ShiftSwap, swap_id, populate_existing=True)
    taken = claim_services.transfer_claim(swap.claim_id, user_id, team_id=team.id)
    shift = get_row(db.session, Shift, taken.shift_id)
    accepter = get_row(db.session, User, user_id)
    params: dict[str, Any] = {
        "task": shift.task.title,
        "team": team.name,
        "name": accepter.name,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    }
    for leader_id in set(queries.leader_ids(team.id)) - {user_id}:
        notify(leader_id, "swap_accepted", task_id=shift.task_id, **params)
    notify(swap.offered_by_id, "swap_taken", task_id=shift.task_id, **params)


def _close(swap_id: int, status: str, **values) -> bool:
    return (
        updated_rows(
            db.session.execute(
                sa.update(ShiftSwap)
                .where(ShiftSwap.id == swap_id, ShiftSwap.status == SwapStatus.OPEN)
                .values(status=status, decided_at=now(), **values)
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    )


def cancel_swap(user: User, swap_id) -> ShiftSwap:
    """The offerer withdraws an open offer; they keep the place."""
    swap = get_swap(swap_id)
    if swap.offered_by_id != user.id:
        raise NotAllowed(_l("Only the member who made the offer can withdraw it."))
    rules.check_swap_open(swap)
    if not atomic(_close, swap.id, SwapStatus.CANCELLED):
        raise Conflict(_l("This offer is no longer open."), code="swap_closed")
    db.session.refresh(swap)
    return swap
