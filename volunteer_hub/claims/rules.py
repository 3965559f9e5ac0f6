"""Claim policy as named checks. Pages use them to say why a button is unavailable; services enforce them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import Qualification, User
from volunteer_hub.catalogue import qualification_name
from volunteer_hub.claims import queries
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.claims.terms import ShiftLike, TaskLike
from volunteer_hub.core import formatting
from volunteer_hub.core.errors import Conflict
from volunteer_hub.core.timeutil import local_day_bounds, now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift, Task, TaskStatus
from volunteer_hub.tasks.rules import MAX_HOURS_IN_24


class SafetyFacts(Protocol):
    """What the shift safety rules read of a volunteer: a User, or the row the claim's volunteer lock returns."""

    @property
    def birth_date(self) -> date | None: ...
    @property
    def max_weekly_hours(self) -> int: ...


class Refusal(Conflict):
    """A rule's refusal worded for the volunteer, plus about(name): the same refusal about them in the third
    person, for a leader claiming for them (team claims, rotas)."""

    # Callable[..., object]: the rules' lambdas bind the loop's values as defaults (name, other=other).
    def __init__(self, message: object, about: Callable[..., object], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.about = about


def refusal_about(refusal: Conflict, name: str) -> str:
    """The refusal in words for whoever acts for the volunteer called name."""
    return str(refusal.about(name)) if isinstance(refusal, Refusal) else str(refusal.message)


def check_task_open(task: TaskLike) -> None:
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_l("This task was cancelled."), code="task_cancelled")
    if task.display_status == TaskStatus.COMPLETED:
        raise Conflict(_l("This task is already completed."), code="task_completed")


def check_not_started(shift: ShiftLike) -> None:
    if shift.has_started:
        raise Conflict(_l("This shift has already started."), code="shift_started")


def check_not_ended(shift: ShiftLike) -> None:
    if shift.ends_at <= now():
        raise Conflict(_l("This shift has already ended."), code="shift_ended")


@dataclass(frozen=True)
class Clash:
    """Another confirmed shift of the volunteer at the same time."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    task_title: str


_shifts, _tasks, _claims = Shift.__table__, Task.__table__, Claim.__table__


def _overlapping(*columns: Any) -> sa.Select[Any]:
    """Confirmed claims of :user_id on shifts other than :shift_id that overlap [:starts_at, :ends_at)."""
    return (
        sa.select(*columns)
        .select_from(_claims.join(_shifts, _shifts.c.id == _claims.c.shift_id))
        .where(
            _claims.c.user_id == sa.bindparam("user_id"),
            _claims.c.status == ClaimStatus.CONFIRMED.value,
            _shifts.c.id != sa.bindparam("shift_id"),
            _shifts.c.starts_at < sa.bindparam("ends_at"),
            _shifts.c.ends_at > sa.bindparam("starts_at"),
        )
    )


_OVERLAP = (
    _overlapping(_shifts.c.id, _shifts.c.starts_at, _shifts.c.ends_at, _tasks.c.title)
    .join(_tasks, _tasks.c.id == _shifts.c.task_id)
    .limit(1)
)


def find_overlap(user_id: int, shift: ShiftLike) -> Clash | None:
    """A confirmed shift of the volunteer that overlaps shift in time (touching end to start is fine)."""
    row = (
        db.session.connection()
        .execute(
            _OVERLAP, {"user_id": user_id, "shift_id": shift.id, "starts_at": shift.starts_at, "ends_at": shift.ends_at}
        )
        .first()
    )
    return Clash(*row) if row else None


def check_no_overlap(user_id: int, shift: ShiftLike) -> None:
    clash = find_overlap(user_id, shift)
    if clash:
        raise _overlap_conflict(clash)


def check_no_overlap_among(booked: list["Booked"], shift: ShiftLike) -> None:
    """check_no_overlap on the volunteer's confirmed shifts around this one (booked_around, read under the
    volunteer's lock, so no other confirmation of theirs can commit meanwhile): no query of its own."""
    clash = next((item for item in booked if item.starts_at < shift.ends_at and item.ends_at > shift.starts_at), None)
    if clash:
        raise _overlap_conflict(clash)


def _overlap_conflict(clash: "Clash | Booked") -> Conflict:
    when = formatting.shift_span(clash.starts_at, clash.ends_at)
    return Refusal(
        _l("This overlaps your shift “%(task)s” %(when)s.", task=clash.task_title, when=when),
        lambda name: _l(
            "%(name)s already has “%(task)s” %(when)s at that time.", name=name, task=clash.task_title, when=when
        ),
        code="shift_overlap",
        other_shift_id=clash.shift_id,
    )


# Shift safety (issue 5). A night shift touches 00:00-06:00 local time; after one, a volunteer rests at least
# REST_AFTER_NIGHT before their next shift. No 24-hour window holds more than MAX_HOURS_IN_24 of shifts, no
# Monday-Sunday week more than the volunteer's own cap, and only adults take night shifts.
NIGHT_FROM, NIGHT_UNTIL = time(0, 0), time(6, 0)
REST_AFTER_NIGHT = timedelta(hours=8)
DAY = timedelta(hours=24)
ADULT_AGE = 18
# How far around a shift the rest and 24-hour rules can look: 24 h of window plus 8 h of rest.
SAFETY_MARGIN = DAY + REST_AFTER_NIGHT


@dataclass(frozen=True)
class Booked:
    """One of the volunteer's confirmed shifts, as the safety rules see it."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    task_title: str


def is_night(starts_at: datetime, ends_at: datetime) -> bool:
    """Whether [starts_at, ends_at) overlaps 00:00-06:00 local time on any day (ending at 00:00 does not)."""
    start, end = to_local(starts_at), to_local(ends_at)
    day = start.date()
    while day <= end.date():
        night_from = datetime.combine(day, NIGHT_FROM, tzinfo=start.tzinfo)
        night_until = datetime.combine(day, NIGHT_UNTIL, tzinfo=start.tzinfo)
        if start < night_until and end > night_from:
            return True
        day += timedelta(days=1)
    return False


def week_bounds(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """[Monday 00:00 of the local week holding starts_at, Monday 00:00 after the week holding ends_at) in UTC."""
    first = to_local(starts_at).date()
    last = to_local(ends_at - timedelta(microseconds=1)).date()
    monday = first - timedelta(days=first.weekday())
    next_monday = last - timedelta(days=last.weekday()) + timedelta(days=7)
    return local_day_bounds(monday)[0], local_day_bounds(next_monday)[0]


_BOOKED = (
    sa.select(_shifts.c.id, _shifts.c.starts_at, _shifts.c.ends_at, _tasks.c.title)
    .select_from(
        _claims.join(_shifts, _shifts.c.id == _claims.c.shift_id).join(_tasks, _tasks.c.id == _shifts.c.task_id)
    )
    .where(
        _claims.c.user_id == sa.bindparam("user_id"),
        _claims.c.status == ClaimStatus.CONFIRMED.value,
        _shifts.c.id != sa.bindparam("shift_id"),
        _shifts.c.starts_at < sa.bindparam("until"),
        _shifts.c.ends_at > sa.bindparam("since"),
    )
    .order_by(_shifts.c.starts_at)
)


def booked_around(user_id: int, shift: ShiftLike) -> list[Booked]:
    """The volunteer's other confirmed shifts the safety rules need: 32 h either side and the local week(s)
    (one query on the claims (user_id, status) index)."""
    week_from, week_until = week_bounds(shift.starts_at, shift.ends_at)
    since = min(shift.starts_at - SAFETY_MARGIN, week_from)
    until = max(shift.ends_at + SAFETY_MARGIN, week_until)
    rows = (
        db.session.connection()
        .execute(_BOOKED, {"user_id": user_id, "shift_id": shift.id, "since": since, "until": until})
        .all()
    )
    return [Booked(*row) for row in rows]


def _span(item: Booked) -> str:
    return formatting.shift_span(item.starts_at, item.ends_at)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_night_allowed(user: SafetyFacts, shift: ShiftLike) -> None:
    """Night shifts only for adults; without a birth date on the profile, nights are refused."""
    if not is_night(shift.starts_at, shift.ends_at):
        return
    if user.birth_date is None:
        raise Refusal(
            _l("Night shifts (touching 00:00–06:00) are for adults only: add your birth date on your profile first."),
            lambda name: _l(
                "Night shifts (touching 00:00–06:00) are for adults only, and %(name)s has no "
                "birth date on their profile.",
                name=name,
            ),
            code="birth_date_required",
        )
    if _age_on(user.birth_date, to_local(shift.starts_at).date()) < ADULT_AGE:
        raise Refusal(
            _l("Night shifts (touching 00:00–06:00) are for volunteers aged %(age)d or over.", age=ADULT_AGE),
            lambda name: _l(
                "Night shifts (touching 00:00–06:00) are for volunteers aged %(age)d or over, and %(name)s is younger.",
                name=name,
                age=ADULT_AGE,
            ),
            code="adults_only_night",
        )


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> timedelta:
    return max(timedelta(0), min(a_end, b_end) - max(a_start, b_start))


def check_rest_after_night(shift: ShiftLike, booked: list[Booked]) -> None:
    """At least 8 hours between the end of a night shift and the start of the volunteer's next shift,
    whichever of the two is claimed first."""
    night = is_night(shift.starts_at, shift.ends_at)
    rest = REST_AFTER_NIGHT // timedelta(hours=1)
    for other in booked:
        if other.ends_at <= shift.starts_at:
            if shift.starts_at - other.ends_at < REST_AFTER_NIGHT and is_night(other.starts_at, other.ends_at):
                raise Refusal(
                    _l(
                        "You need %(rest)d hours' rest after your night shift “%(task)s” %(when)s before this one.",
                        rest=rest,
                        task=other.task_title,
                        when=_span(other),
                    ),
                    lambda name, other=other: _l(
                        "%(name)s needs %(rest)d hours' rest after their night shift “%(task)s” %(when)s "
                        "before this one.",
                        name=name,
                        rest=rest,
                        task=other.task_title,
                        when=_span(other),
                    ),
                    code="rest_after_night",
                    other_shift_id=other.shift_id,
                )
        elif night and other.starts_at >= shift.ends_at and other.starts_at - shift.ends_at < REST_AFTER_NIGHT:
            raise Refusal(
                _l(
                    "This is a night shift: you need %(rest)d hours' rest before your next shift “%(task)s” %(when)s.",
                    rest=rest,
                    task=other.task_title,
                    when=_span(other),
                ),
                lambda name, other=other: _l(
                    "This is a night shift: %(name)s needs %(rest)d hours' rest before their next shift "
                    "“%(task)s” %(when)s.",
                    name=name,
                    rest=rest,
                    task=other.task_title,
                    when=_span(other),
                ),
                code="rest_after_night",
                other_shift_id=other.shift_id,
            )
        # overlapping shifts are refused by the overlap rule


def check_hours_in_24(shift: ShiftLike, booked: list[Booked]) -> None:
    """At most 12 hours of shifts in any 24-hour window that touches this shift."""
    items = [*booked, Booked(shift.id, shift.starts_at, shift.ends_at, "")]
    # The busiest window starts where a shift starts or ends where a shift ends.
    window_starts = {item.starts_at for item in items} | {item.ends_at - DAY for item in items}
    for start in sorted(window_starts):
        end = start + DAY
        if _overlap(start, end, shift.starts_at, shift.ends_at) <= timedelta(0):
            continue
        parts = [(_overlap(start, end, item.starts_at, item.ends_at), item) for item in booked]
        total = _overlap(start, end, shift.starts_at, shift.ends_at) + sum((p for p, _ in parts), timedelta(0))
        if total > MAX_HOURS_IN_24:
            biggest = max(parts, key=lambda part: part[0], default=(timedelta(0), None))[1]
            most = MAX_HOURS_IN_24 // timedelta(hours=1)
            if biggest is None or not any(p for p, _ in parts):
                raise Conflict(
                    _l("A shift longer than %(max)d hours cannot be taken.", max=most), code="too_many_hours_in_24h"
                )
            raise Refusal(
                _l(
                    "With your shift “%(task)s” %(when)s this would be more than %(max)d hours within 24 hours.",
                    task=biggest.task_title,
                    when=_span(biggest),
                    max=most,
                ),
                lambda name, biggest=biggest, most=most: _l(
                    "With their shift “%(task)s” %(when)s %(name)s would serve more than %(max)d hours "
                    "within 24 hours.",
                    name=name,
                    task=biggest.task_title,
                    when=_span(biggest),
                    max=most,
                ),
                code="too_many_hours_in_24h",
                other_shift_id=biggest.shift_id,
            )


def check_weekly_cap(max_weekly_hours: int, shift: ShiftLike, booked: list[Booked]) -> None:
    """Confirmed hours in each Monday-Sunday week the shift touches stay within the volunteer's cap."""
    week_from, week_until = week_bounds(shift.starts_at, shift.ends_at)
    cap = timedelta(hours=max_weekly_hours)
    while week_from < week_until:
        week_end = week_from + timedelta(days=7)
        mine = _overlap(week_from, week_end, shift.starts_at, shift.ends_at)
        others = [item for item in booked if _overlap(week_from, week_end, item.starts_at, item.ends_at)]
        already = sum((_overlap(week_from, week_end, i.starts_at, i.ends_at) for i in others), timedelta(0))
        if mine and already + mine > cap:
            if not others:
                raise Refusal(
                    _l("This shift is longer than your limit of %(cap)d hours a week.", cap=max_weekly_hours),
                    lambda name: _l(
                        "This shift is longer than the limit of %(cap)d hours a week that %(name)s set.",
                        name=name,
                        cap=max_weekly_hours,
                    ),
                    code="weekly_cap_exceeded",
                )
            last = others[-1]
            raise Refusal(
                _l(
                    "This would take you over your limit of %(cap)d hours a week: you already have %(hours)s hours "
                    "that week, the latest “%(task)s” %(when)s.",
                    cap=max_weekly_hours,
                    hours=formatting.hours(already),
                    task=last.task_title,
                    when=_span(last),
                ),
                lambda name, already=already, last=last: _l(
                    "This would take %(name)s over their limit of %(cap)d hours a week: they already have %(hours)s "
                    "hours that week, the latest “%(task)s” %(when)s.",
                    name=name,
                    cap=max_weekly_hours,
                    hours=formatting.hours(already),
                    task=last.task_title,
                    when=_span(last),
                ),
                code="weekly_cap_exceeded",
                other_shift_id=last.shift_id,
            )
        week_from = week_end


def check_safety(user: SafetyFacts, shift: ShiftLike, booked: list[Booked]) -> None:
    """All shift safety rules for the volunteer, given their other confirmed shifts around this one. user is
    anything with their birth_date and max_weekly_hours: a User, or the row the claim's volunteer lock returns."""
    check_night_allowed(user, shift)
    if any(item.starts_at < shift.ends_at and item.ends_at > shift.starts_at for item in booked):
        return  # the overlap rule refuses this claim, naming the overlapping shift
    check_rest_after_night(shift, booked)
    check_hours_in_24(shift, booked)
    check_weekly_cap(user.max_weekly_hours, shift, booked)


# Risk-gated tasks (《志愿服务条例》 §16 training, §17 insurance).
def check_requirements(user: User, shift: ShiftLike, *, health_declared: bool = False) -> None:
    """Insurance valid until the shift ends, the task's qualification, and its health self-declaration."""
    task = shift.task
    if task.requires_insurance:
        if user.insurance_valid_until is None:
            raise Refusal(
                _l(
                    "This task requires accident insurance: add your insurance (provider and valid-until "
                    "date) on your profile."
                ),
                lambda name: _l(
                    "This task requires accident insurance, and %(name)s has none on their profile.", name=name
                ),
                code="insurance_required",
            )
        if user.insurance_valid_until < to_local(shift.ends_at).date():
            until = formatting.calendar_date(user.insurance_valid_until)
            raise Refusal(
                _l(
                    "Your insurance is valid until %(date)s, before this shift ends: renew it and update your profile.",
                    date=until,
                ),
                lambda name: _l(
                    "The insurance of %(name)s is valid until %(date)s, before this shift ends.", name=name, date=until
                ),
                code="insurance_expired",
            )
    if task.requires_qualification and not has_qualification(user.id, task.requires_qualification, shift):
        qualification = qualification_name(task.requires_qualification, str(get_locale() or "zh"))
        raise Refusal(
            _l("This task requires the qualification “%(name)s”: add it on your profile.", name=qualification),
            lambda name: _l(
                "This task requires the qualification “%(qualification)s”, and %(name)s has not recorded it.",
                name=name,
                qualification=qualification,
            ),
            code="qualification_required",
        )
    if task.requires_health_declaration and not health_declared:
        raise Refusal(
            _l("This task asks for a health self-declaration: confirm that you have no fever or other symptoms."),
            lambda name: _l(
                "This task asks each volunteer for a health self-declaration: %(name)s signs up in person.", name=name
            ),
            code="health_declaration_required",
        )


def has_qualification(user_id: int, code: str, shift: ShiftLike) -> bool:
    """The volunteer holds the qualification, valid (or without end date) on the day the shift ends."""
    valid_on = to_local(shift.ends_at).date()
    return (
        db.session.execute(
            sa.select(Qualification.id)
            .where(
                Qualification.user_id == user_id,
                Qualification.code == code,
                sa.or_(Qualification.valid_until.is_(None), Qualification.valid_until >= valid_on),
            )
            .limit(1)
        ).first()
        is not None
    )


def check_claimable(user: User, shift: ShiftLike) -> None:
    """Everything that must hold before a volunteer may claim shift, except the health self-declaration,
    which the volunteer gives while claiming."""
    check_task_open(shift.task)
    check_not_started(shift)
    check_no_overlap(user.id, shift)
    check_requirements(user, shift, health_declared=True)
    check_safety(user, shift, booked_around(user.id, shift))


def claim_problem(user: User, shift: ShiftLike) -> Conflict | None:
    """Why the volunteer cannot claim shift (its message for the page, its code for what to do instead), or None."""
    try:
        check_claimable(user, shift)
    except Conflict as exc:
        return exc
    return None


def shift_states(user: User, task: Task) -> dict[str, dict[int, Any]]:
    """For a task's page: my claim on each shift (mine), my waitlist positions, and on each shift I may still claim
    what would clash with it (clashes) or why I cannot claim it (problems: a safety rule or a task requirement)."""
    mine = queries.claims_by_shift(user, [shift.id for shift in task.shifts])
    positions = {shift_id: queries.waitlist_position(claim) for shift_id, claim in mine.items()}
    clashes: dict[int, Clash] = {}
    problems: dict[int, Conflict] = {}
    if user.is_authenticated and task.is_open:
        for shift in task.shifts:
            if shift.id not in mine and not shift.has_started:
                clash = find_overlap(user.id, shift)
                if clash:
                    clashes[shift.id] = clash
                elif problem := claim_problem(user, shift):
                    problems[shift.id] = problem  # its message and, by its code, what to do instead
    return {"mine": mine, "positions": positions, "clashes": clashes, "problems": problems}


def check_group_claimable(shift: ShiftLike) -> None:
    """What must hold before a leader claims places for others on shift (a team claim, a rota)."""
    check_task_open(shift.task)
    check_not_started(shift)
    if shift.task.requires_approval:
        raise Conflict(
            _l("This task needs the organizer's approval for each volunteer; claim one by one."),
            code="approval_required",
            blocked=[],
        )
    if shift.lottery_until is not None and shift.lottery_drawn_at is None:
        raise Conflict(
            _l("Places on this shift are drawn by lottery; each volunteer signs up in person."),
            code="lottery_open",
            blocked=[],
        )


def member_problem(user: User, shift: ShiftLike, *, about: bool = True) -> dict[str, str] | None:
    """Every rule a leader's claim applies to one volunteer (overlaps, gates, night rest, 12 h in 24 h, weekly
    cap) as {reason, message}, the message naming them in the third person (about=False: addressed to them);
    None when they can be signed up."""
    try:
        check_no_overlap(user.id, shift)
        # Nobody can declare another person's health: on such tasks each member claims in person.
        check_requirements(user, shift, health_declared=False)
        check_safety(user, shift, booked_around(user.id, shift))
    except Conflict as exc:
        return {"reason": exc.code, "message": refusal_about(exc, user.name) if about else str(exc.message)}
    return None
