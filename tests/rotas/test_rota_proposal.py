"""The rota algorithm on generated teams: every proposal keeps the rules, and nights are shared fairly."""

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteer_hub.rotas import proposal

SHANGHAI = timezone(timedelta(hours=8))
BANDS = ("weekday_day", "weekday_night", "weekend_day", "weekend_night")
PATTERNS = {
    "round the clock": [(8, 8), (16, 8), (0, 8)],
    "two halves": [(8, 12), (20, 12)],
    "day only": [(9, 4), (14, 4)],
    "short nights": [(6, 6), (12, 6), (18, 6), (0, 6)],
}
FIRST_DAY = datetime(2026, 3, 2, tzinfo=SHANGHAI)  # a Monday


def local(value: datetime) -> datetime:
    return value.astimezone(SHANGHAI)


def band(starts: datetime) -> str:
    days = "weekend" if local(starts).weekday() >= 5 else "weekday"
    return f"{days}_{'day' if 6 <= local(starts).hour < 18 else 'night'}"


def is_night(starts: datetime, ends: datetime) -> bool:
    midnight = local(starts).replace(hour=0, minute=0)
    return any(starts < m + timedelta(hours=6) and ends > m for m in (midnight, midnight + timedelta(days=1)))


def weeks(starts: datetime, ends: datetime):
    parts, cursor = [], starts
    while cursor < ends:
        day = local(cursor)
        monday = (day - timedelta(days=day.weekday())).replace(hour=0, minute=0)
        end = min(monday + timedelta(days=7), ends)
        parts.append((monday.date(), (end - cursor).total_seconds() / 3600))
        cursor = end
    return tuple(parts)


def make_slots(pattern: str, days: int, places: int) -> list[proposal.Slot]:
    slots = []
    for day in range(days):
        for hour, length in PATTERNS[pattern]:
            starts = (FIRST_DAY + timedelta(days=day, hours=hour)).astimezone(UTC)
            ends = starts + timedelta(hours=length)
            slots.append(
                proposal.Slot(
                    len(slots) + 1, starts, ends, places, band(starts), is_night(starts, ends), weeks(starts, ends)
                )
            )
    return slots


member_specs = st.lists(
    st.tuples(
        st.frozensets(st.sampled_from(BANDS)),
        st.integers(8, 60),
        st.booleans(),
        st.lists(st.tuples(st.integers(0, 24 * 9), st.integers(2, 10)), max_size=2),
    ),
    min_size=1,
    max_size=12,
)


def build_members(specs) -> tuple[list[proposal.Member], dict[int, list[tuple[datetime, datetime]]]]:
    members, existing = [], {}
    for user_id, (bands, cap, adult, busy) in enumerate(specs, start=1):
        member = proposal.Member(user_id, bands, cap, adult)
        existing[user_id] = []
        for start_hour, length in busy:  # shifts elsewhere the member already holds
            starts = (FIRST_DAY + timedelta(hours=start_hour, minutes=30)).astimezone(UTC)
            ends = starts + timedelta(hours=length)
            if all(not (s < ends and starts < e) for s, e in existing[user_id]):
                member.hold(starts, ends, weeks(starts, ends))
                existing[user_id].append((starts, ends))
        members.append(member)
    return members, existing


def check_rules(slots, specs, existing, result) -> None:  # noqa: C901 -- one independent check per rota rule
    """An independent check of every rule on the proposal plus each member's existing shifts."""
    by_id = {slot.shift_id: slot for slot in slots}
    for user_id, (bands, cap, adult, _) in enumerate(specs, start=1):
        mine = [by_id[sid] for sid, users in result.assigned.items() if user_id in users]
        for slot in mine:
            assert slot.band in bands, "availability"
            assert adult or not slot.night, "adults only at night"
        spans = sorted([(s.starts_at, s.ends_at) for s in mine] + existing[user_id])
        for (_, e1), (s2, _) in pairwise(spans):
            assert e1 <= s2, "overlap"
        proposed = {(s.starts_at, s.ends_at) for s in mine}
        for (s1, e1), (s2, e2) in pairwise(spans):
            if (s1, e1) in proposed or (s2, e2) in proposed:
                assert s2 - e1 >= timedelta(hours=8), "rest"
        for start, _ in spans:
            for window in (start, start - timedelta(hours=24) + timedelta(minutes=1)):
                inside = sum(
                    max((min(e, window + timedelta(hours=24)) - max(s, window)).total_seconds(), 0) for s, e in spans
                )
                touches_proposed = any(s < window + timedelta(hours=24) and e > window for s, e in proposed)
                assert not touches_proposed or inside <= 12 * 3600, "12 hours in 24"
        week_hours = {}
        for s, e in spans:
            for monday, hours in weeks(s, e):
                week_hours[monday] = week_hours.get(monday, 0) + hours
        for slot in mine:
            for monday, _ in slot.weeks:
                assert week_hours[monday] <= cap + 1e-9, "weekly cap"
    for slot in slots:
        users = result.assigned[slot.shift_id]
        assert len(users) == len(set(users)) and len(users) <= slot.places


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PATTERNS)), st.integers(1, 8), st.integers(1, 3), member_specs)
def test_every_proposal_keeps_availability_rest_overlap_daily_and_weekly_limits(pattern, days, places, specs):
    slots = make_slots(pattern, days, places)
    members, existing = build_members(specs)

    result = proposal.propose(slots, members, held={})

    check_rules(slots, specs, existing, result)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PATTERNS)), st.integers(1, 10), st.integers(1, 2), st.integers(0, 12), st.integers(0, 20))
def test_when_everything_is_filled_night_counts_differ_by_at_most_one(pattern, days, places, spare, day_only):
    slots = make_slots(pattern, days, places)
    # With only just enough people the rules can force the nights onto a few (two members on 12-hour shifts:
    # one works every day, the other every night), so the team has three spare members beyond one per place a day.
    size = len(PATTERNS[pattern]) * places + 3 + spare
    # Members who can take nights (adults, all bands, no weekly limit to speak of) and day-only members.
    specs = [(frozenset(BANDS), 168, True, []) for _ in range(size)]
    specs += [(frozenset({"weekday_day", "weekend_day"}), 168, True, []) for _ in range(day_only)]
    members, _ = build_members(specs)

    result = proposal.propose(slots, members, held={})

    if not result.unfilled:
        nights = [m.nights for m in members[:size]]
        assert max(nights) - min(nights) <= 1


def test_a_place_nobody_can_take_is_reported_with_the_reason():
    slots = make_slots("round the clock", 1, 1)
    members, _ = build_members([(frozenset({"weekday_day"}), 40, True, [])])

    result = proposal.propose(slots, members, held={})

    night_slot = next(s for s in slots if local(s.starts_at).hour == 0)
    assert result.unfilled[night_slot.shift_id] == (1, "availability")


def test_members_already_on_a_shift_are_not_proposed_again():
    slots = make_slots("day only", 1, 2)
    members, _ = build_members([(frozenset(BANDS), 40, True, [])] * 3)

    result = proposal.propose(slots, members, held={slots[0].shift_id: {1}})

    assert 1 not in result.assigned[slots[0].shift_id]
