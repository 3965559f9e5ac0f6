"""How statistics look: numbers and periods in the reader's language, bars and a sparkline drawn as inline SVG
on the server (no script needed; the CSP forbids inline styles, SVG attributes are fine), and the trend's data
for the chart that static/js/charts.js draws over the sparkline with the vendored uPlot (axes, and the value
under the finger)."""

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale

from volunteer_hub.core.formatting import calendar_date, calendar_month, month_day
from volunteer_hub.stats.periods import Period

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 300, 60, 2


def _locale() -> str:
    return str(get_locale() or "zh")


def number(value: int) -> str:
    """12,345 with the locale's grouping."""
    return format_decimal(value, locale=_locale())


def percent(value: float | None) -> str:
    """91% (a dash when there is nothing to divide)."""
    return "–" if value is None else format_percent(value, locale=_locale())


def period_label(period: Period) -> str:
    """2026年3月 / Mar 2026 for a month, one date for a day, a date range otherwise."""
    locale = _locale()
    if period.kind == "month":
        return format_skeleton("yMMM", period.start, locale=locale)
    if period.start == period.end:
        return format_date(period.start, "medium", locale=locale)
    return format_interval(period.start, period.end, "yMMMd", locale=locale)


def bar(value: int, largest: int) -> float:
    """The width (percent of the row) of a horizontal bar; negative net time draws none."""
    return round(max(value, 0) / largest * 100, 1) if largest > 0 else 0.0


@dataclass(frozen=True)
class Sparkline:
    points: str  # the polyline's "x,y x,y ..." in a SPARK_WIDTH x SPARK_HEIGHT box
    baseline: float  # y of zero (days with negative net time dip below it)
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(values: list[int]) -> Sparkline | None:
    """A trend (a value a day or a month) as a polyline scaled to the box; None for fewer than two points."""
    if len(values) < 2:
        return None
    low, high = min(min(values), 0), max(max(values), 0)
    span = (high - low) or 1
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(values) - 1)

    def y(value: int) -> float:
        return round(SPARK_HEIGHT - SPARK_PAD - (value - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD), 1)

    points = " ".join(f"{round(SPARK_PAD + i * step, 1)},{y(value)}" for i, value in enumerate(values))
    return Sparkline(points, y(0))


def trend_chart(trend: list[tuple[date, int]], by_month: bool) -> dict:
    """The trend for the chart script: each point's name (for the value shown) and short axis label in the
    reader's language, and its hours (minutes / 60 never ends in a half cent, so two decimals round as the
    table's do)."""
    name, tick = (calendar_month, calendar_month) if by_month else (calendar_date, month_day)
    return {
        "names": [name(first) for first, _minutes in trend],
        "ticks": [tick(first) for first, _minutes in trend],
        "hours": [round(minutes / 60, 2) for _first, minutes in trend],
    }
