"""The rota algorithm: pure functions over plain data, so it can be tested with generated teams and timed.

A member may take a place when the shift is in one of their availability bands (matching.scoring.band_of), a
night shift (touching 00:00-06:00 local) only when they are an adult, and when, counting their existing
confirmed shifts and what the proposal already gave them, they would have no overlap, at least REST_HOURS
between any two shifts, at most MAX_HOURS_PER_DAY in any 24 hours and no more than their weekly cap per
Monday-Sunday week (hours counted inside each week, as claims.rules does).

Places are filled greedily in time order, each by the eligible member with the fewest nights (for a night
shift), then the fewest hours, then the fewest shifts; a local improvement pass then moves single places from
the most to the least loaded member (nights first, then hours) while that keeps every rule.
"""

from bisect import insort
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

REST_HOURS = 8
MAX_HOURS_PER_DAY = 12
_REST = timedelta(hours=REST_HOURS)
_DAY = timedelta(hours=24)
_IMPROVE_ROUNDS = 200


@dataclass(frozen=True)
class Slot:
    """A shift to fill: its places still open to the team."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    places: int
    band: str  # weekday_day, weekday_night, weekend_day or weekend_night
    night: bool  # touches 00:00-06:00 local (claims.rules.is_night)
    weeks: tuple[tuple[date, float], ...]  # (local Monday, hours of the shift inside that week)

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass
class Member:
    """A team member with the shifts they already hold (start, end, week) and what the proposal adds."""

    user_id: int
    bands: frozenset[str]
    weekly_cap: int
    adult: bool
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)  # sorted, existing + proposed
    # Hours by Monday: a Counter (0 for a week not yet seen), whose stubs allow only int counts.
    week_hours: dict[date, float] = field(default_factory=Counter)  # type: ignore[arg-type]
    nights: int = 0
    hours: float = 0.0
    shifts: int = 0

    def hold(self, starts_at: datetime, ends_at: datetime, weeks) -> None:
        """An existing confirmed shift: it blocks time and counts against the weekly cap."""
        insort(self.busy, (starts_at, ends_at))
        for monday, hours in weeks:
            self.week_hours[monday] += hours


# Why a member cannot take a place, in the order the checks run (the first failing one is reported).
REASONS = ("already_on_shift", "availability", "adults_only", "overlap", "rest", "daily_limit", "weekly_cap")


def problem(member: Member, slot: Slot, taken: set[int]) -> str | None:
    """The first rule that keeps member off slot, or None when they may take it."""
    if member.user_id in taken:
        return "already_on_shift"
    if slot.band not in member.bands:
        return "availability"
    if slot.night and not member.adult:
        return "adults_only"
    near = [(s, e) for s, e in member.busy if s < slot.ends_at + _DAY and e > slot.starts_at - _DAY]
    for s, e in near:
        if s < slot.ends_at and slot.starts_at < e:
            return "overlap"
    for s, e in near:
        if (e <= slot.starts_at and slot.starts_at - e < _REST) or (slot.ends_at <= s and s - slot.ends_at < _REST):
            return "rest"
    if _max_day_hours([*near, (slot.starts_at, slot.ends_at)]) > MAX_HOURS_PER_DAY + 1e-9:
        return "daily_limit"
    if any(member.week_hours[monday] + hours > member.weekly_cap + 1e-9 for monday, hours in slot.weeks):
        return "weekly_cap"
    return None


def _max_day_hours(spans: list[tuple[datetime, datetime]]) -> float:
    """The most hours worked in any 24-hour window: the maximum is reached by a window that starts at some
    shift's start or ends at some shift's end."""
    best = 0.0
    for window_start in [s for s, _ in spans] + [e - _DAY for _, e in spans]:
        window_end = window_start + _DAY
        worked = sum(max((min(e, window_end) - max(s, window_start)).total_seconds(), 0) for s, e in spans)
        best = max(best, worked / 3600)
    return best


@dataclass
class Proposal:
    """The outcome: who is proposed where, and the places nobody could take."""

    assigned: dict[int, list[int]]  # shift id -> user ids proposed (new places only)
    unfilled: dict[int, tuple[int, str]]  # shift id -> (places missing, most common reason)


def propose(slots: list[Slot], members: list[Member], held: dict[int, set[int]]) -> Proposal:
    """Fill slots' places from members; held maps a shift id to the members already on it."""
    by_id = {m.user_id: m for m in members}
    assigned: dict[int, list[int]] = {slot.shift_id: [] for slot in slots}
    unfilled: dict[int, tuple[int, str]] = {}
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.shift_id)):
        taken = set(held.get(slot.shift_id, ()))
        for place in range(slot.places):
            reasons: Counter = Counter()
            best = None
            for member in members:
                why = problem(member, slot, taken)
                if why:
                    reasons[why] += 1
                elif best is None or _load(member, slot) < _load(best, slot):
                    best = member
            if best is None:
                reason = reasons.most_common(1)[0][0] if reasons else "no_members"
                unfilled[slot.shift_id] = (slot.places - place, reason)
                break
            _give(best, slot)
            taken.add(best.user_id)
            assigned[slot.shift_id].append(best.user_id)
    slot_by_id = {slot.shift_id: slot for slot in slots}
    _improve(assigned, slot_by_id, by_id, held)
    return Proposal(assigned, unfilled)


def _load(member: Member, slot: Slot) -> tuple:
    return (member.nights if slot.night else 0, member.hours, member.shifts, member.user_id)


def _give(member: Member, slot: Slot) -> None:
    insort(member.busy, (slot.starts_at, slot.ends_at))
    for monday, hours in slot.weeks:
        member.week_hours[monday] += hours
    member.nights += slot.night
    member.hours += slot.hours
    member.shifts += 1


def _take_back(member: Member, slot: Slot) -> None:
    member.busy.remove((slot.starts_at, slot.ends_at))
    for monday, hours in slot.weeks:
        member.week_hours[monday] -= hours
    member.nights -= slot.night
    member.hours -= slot.hours
    member.shifts -= 1


def _improve(
    assigned: dict[int, list[int]], slots: dict[int, Slot], members: dict[int, Member], held: dict[int, set[int]]
) -> None:
    """Move single places from the most to the least loaded member while it narrows the gap: nights first
    (between members who can take nights), then hours."""
    night_takers = [m for m in members.values() if m.adult and any(b.endswith("night") for b in m.bands)]
    for _ in range(_IMPROVE_ROUNDS):
        if not (
            _move_one(assigned, slots, night_takers, held, nights=True)
            or _exchange_one(assigned, slots, night_takers, held)
            or _move_one(assigned, slots, list(members.values()), held, nights=False)
        ):
            return


def _move_one(assigned, slots, pool: list[Member], held, *, nights: bool) -> bool:
    """One move that narrows the spread of nights (or hours) by giving a place of a loaded member to a
    lighter one; False when no such move keeps the rules."""
    metric = (lambda m: m.nights) if nights else (lambda m: m.hours)
    ordered = sorted(pool, key=lambda m: (metric(m), m.user_id))
    for heavy in reversed(ordered):
        for shift_id, user_ids in assigned.items():
            slot = slots[shift_id]
            if heavy.user_id not in user_ids or slot.night != nights:
                continue  # hours are evened out with day shifts only, so nights stay as balanced
            gain = 1 if nights else slot.hours
            for light in ordered:
                if metric(light) + gain >= metric(heavy):
                    break  # the move would not narrow the gap
                if light is heavy:
                    continue
                _take_back(heavy, slot)
                if problem(light, slot, set(user_ids) | held.get(shift_id, set())) is None:
                    _give(light, slot)
                    user_ids[user_ids.index(heavy.user_id)] = light.user_id
                    return True
                _give(heavy, slot)
    return False


def _exchange_one(assigned, slots, pool: list[Member], held) -> bool:
    """When no night can simply move: a member with two nights more than another gives them one night and
    takes one of their day shifts in exchange, if both still keep the rules."""
    ordered = sorted(pool, key=lambda m: (m.nights, m.user_id))
    for heavy in reversed(ordered):
        for light in ordered:
            if light.nights + 2 > heavy.nights:
                break
            for night_id, night_users in assigned.items():
                night = slots[night_id]
                if not night.night or heavy.user_id not in night_users or light.user_id in night_users:
                    continue
                for day_id, day_users in assigned.items():
                    day = slots[day_id]
                    if day.night or light.user_id not in day_users or heavy.user_id in day_users:
                        continue
                    if _swap_places(heavy, night, night_users, light, day, day_users, held):
                        return True
    return False


def _swap_places(
    heavy: Member, night: Slot, night_users: list[int], light: Member, day: Slot, day_users: list[int], held
) -> bool:
    """Exchange heavy's night for light's day shift if both may then take their new one."""
    _take_back(heavy, night)
    _take_back(light, day)
    others_night = (set(night_users) - {heavy.user_id}) | held.get(night.shift_id, set())
    others_day = (set(day_users) - {light.user_id}) | held.get(day.shift_id, set())
    if problem(light, night, others_night) is None:
        _give(light, night)
        if problem(heavy, day, others_day) is None:
            _give(heavy, day)
            night_users[night_users.index(heavy.user_id)] = light.user_id
            day_users[day_users.index(light.user_id)] = heavy.user_id
            return True
        _take_back(light, night)
    _give(heavy, night)
    _give(light, day)
    return False
