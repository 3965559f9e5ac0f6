"""Periods: which whole months a range covers (volunteer tallies) and which days lie outside them."""

from datetime import date

import pytest

from volunteer_hub.stats.periods import Period


def test_a_day_a_week_and_a_month_around_a_date():
    anchor = date(2026, 3, 4)  # a Wednesday
    assert Period.around("day", anchor) == Period("day", anchor, anchor)
    assert Period.around("week", anchor) == Period("week", date(2026, 3, 2), date(2026, 3, 8))
    assert Period.around("month", anchor) == Period("month", date(2026, 3, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("period", "step", "expected"),
    [
        (Period.around("month", date(2026, 1, 15)), -1, Period("month", date(2025, 12, 1), date(2025, 12, 31))),
        (Period.around("month", date(2026, 1, 15)), 1, Period("month", date(2026, 2, 1), date(2026, 2, 28))),
        (Period.around("week", date(2026, 3, 4)), 1, Period("week", date(2026, 3, 9), date(2026, 3, 15))),
        (Period.around("day", date(2026, 3, 1)), -1, Period("day", date(2026, 2, 28), date(2026, 2, 28))),
    ],
)
def test_stepping_to_the_previous_or_next_period(period, step, expected):
    assert period.shifted(step) == expected


def test_a_month_is_one_whole_month_without_edges():
    month = Period.around("month", date(2024, 2, 10))
    assert (month.whole_months(), month.edges()) == ([date(2024, 2, 1)], [])


def test_a_range_splits_into_whole_months_and_the_days_around_them():
    span = Period("custom", date(2026, 1, 20), date(2026, 4, 5))
    assert span.whole_months() == [date(2026, 2, 1), date(2026, 3, 1)]
    assert span.edges() == [(date(2026, 1, 20), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 5))]


def test_a_week_across_two_months_has_one_edge_in_each():
    week = Period.around("week", date(2026, 3, 31))
    assert week.whole_months() == []
    assert week.edges() == [(date(2026, 3, 30), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 5))]


def test_local_days_map_to_utc_bounds_in_shenzhen(ctx):
    starts, ends = Period.around("day", date(2026, 3, 4)).utc_bounds()
    assert (starts.isoformat(), ends.isoformat()) == ("2026-03-03T16:00:00+00:00", "2026-03-04T16:00:00+00:00")


@pytest.mark.parametrize(
    ("end", "unit", "points"),
    [
        (date(2026, 3, 3), "day", 62),  # 62 days: one point a day
        (date(2026, 3, 4), "month", 3),  # 63 days: January (from the 1st), February, March
    ],
)
def test_the_trend_has_a_point_a_day_up_to_two_months_then_a_point_a_month(end, unit, points):
    period = Period("custom", date(2026, 1, 1), end)
    assert (period.trend_unit, len(period.trend_points())) == (unit, points)
    if unit == "month":
        assert period.trend_points() == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
