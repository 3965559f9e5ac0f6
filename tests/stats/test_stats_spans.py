"""Spans: the year and month buckets of the volunteer tallies, and covering any period with them."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_hub.stats.spans import MONTH, SPANS, YEAR, cover, span_end, span_start

DAY = timedelta(days=1)


def days_counted(result) -> Counter:
    """How many times each day is counted by a cover's signed buckets and ledger days."""
    counted = Counter()
    for bucket in result.buckets:
        day = bucket.first
        while day <= span_end(bucket.span, bucket.first):
            counted[day] += bucket.sign
            day += DAY
    for first, last, sign in result.days:
        day = first
        while day <= last:
            counted[day] += sign
            day += DAY
    return counted


def test_each_span_starts_and_ends_on_calendar_boundaries():
    day = date(2024, 2, 29)
    assert [(span_start(s, day), span_end(s, span_start(s, day))) for s in SPANS] == [
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
    ]
    assert span_end(MONTH, date(2026, 12, 1)) == date(2026, 12, 31)


def test_the_last_365_days_read_two_buckets_and_two_ledger_days():
    result = cover(date(2025, 12, 2), date(2026, 12, 1), today=date(2026, 12, 2))
    assert [(b.span, b.first, b.sign) for b in result.buckets] == [
        (MONTH, date(2025, 12, 1), 1),
        (YEAR, date(2026, 1, 1), 1),
    ]
    assert result.days == [(date(2025, 12, 1), date(2025, 12, 1), -1), (date(2026, 12, 2), date(2026, 12, 2), -1)]


def test_a_few_months_are_their_buckets_and_the_days_at_the_ends_the_ledger():
    result = cover(date(2026, 3, 3), date(2026, 6, 30), today=date(2026, 12, 2))
    assert [(b.span, b.first, b.sign) for b in result.buckets] == [
        (MONTH, date(2026, 3, 1), 1),
        (MONTH, date(2026, 4, 1), 1),
        (MONTH, date(2026, 5, 1), 1),
        (MONTH, date(2026, 6, 1), 1),
    ]
    assert result.days == [(date(2026, 3, 1), date(2026, 3, 2), -1)]


def test_a_whole_month_is_its_bucket_and_a_single_day_is_the_ledger():
    assert [(b.span, b.first) for b in cover(date(2026, 3, 1), date(2026, 3, 31), date(2026, 12, 2)).buckets] == [
        (MONTH, date(2026, 3, 1))
    ]
    single = cover(date(2026, 5, 4), date(2026, 5, 4), date(2026, 12, 2))
    assert (single.buckets, single.days) == ([], [(date(2026, 5, 4), date(2026, 5, 4), 1)])


def test_days_after_today_are_not_read():
    result = cover(date(2026, 11, 1), date(2027, 2, 28), today=date(2026, 11, 30))
    assert [(b.span, b.first) for b in result.buckets] == [(MONTH, date(2026, 11, 1))]
    assert result.days == []
    assert cover(date(2027, 1, 1), date(2027, 1, 31), today=date(2026, 11, 30)).buckets == []


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    length=st.integers(0, 800),
    today_offset=st.integers(-400, 400),
)
def test_any_period_is_counted_exactly_once_up_to_today(start, length, today_offset):
    end, today = start + timedelta(days=length), start + timedelta(days=today_offset)
    result = cover(start, end, today)
    counted = {day: n for day, n in days_counted(result).items() if n and day <= today}
    wanted = {start + timedelta(days=n): 1 for n in range(length + 1) if start + timedelta(days=n) <= today}
    assert counted == wanted
    # a bounded read: a few buckets, none starting after today
    assert len(result.buckets) <= 12
    assert all(bucket.first <= today for bucket in result.buckets)
