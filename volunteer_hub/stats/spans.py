"""Calendar spans of the volunteer tallies, and how a period is assembled from them.

Volunteer tallies keep each volunteer's sums for every calendar month per organisation, and for every calendar
year per organisation down to YEAR_DEPTH (streets, in a city > district > street > community tree), where an
organisation deeper down counts in its ancestor on that level. Each month nests in its year. A district's year
is then about one row per volunteer (bench/hours_data.py: 20,000 rows, against 118,000 when every community
kept its own); a scope below YEAR_DEPTH, or one grouped by organisations below it, adds up months instead.

A per-volunteer figure for any period is a signed sum of such buckets plus ledger days: "the last 365 days" is
last December minus its first days, plus this year; "March 3 - June 30" is April to June plus March minus its
first two days. ``cover`` picks the cheapest such sum, costing each bucket and ledger day by the rows it reads
(the ledger's (org_id, service_date) index carries what these sums read); spans and days after today hold
nothing and cost nothing.

Every span costs the tally job one row write per new entry, and writes are what bounds it (bench/hours_bench.py:
about 14 us per row on PostgreSQL). Quarters saved reads only for periods holding a whole quarter, for a third
more writes; smaller spans (ten-day xun) would shorten the ledger days at a period's ends but triple the writes.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

YEAR, MONTH = "year", "month"
YEAR_DEPTH = 3  # the level of the organisation tree (the root is 1) that keeps the year buckets of its subtree
SPANS = (YEAR, MONTH)  # largest first: each one's children are the next
# Rows read, relative to a month bucket, as measured on a year of bench/hours_data.py (a district: 31k rows per
# month bucket, 20k per year bucket, as a volunteer serves in several communities of one street; 2.7k entries a
# day).
COST = {YEAR: 0.65, MONTH: 1.0}
DAY_COST = 0.1
DAY = timedelta(days=1)


def span_start(span: str, day: date) -> date:
    """The first day of the span of the given kind that contains day."""
    if span == YEAR:
        return day.replace(month=1, day=1)
    return day.replace(day=1)


def span_end(span: str, first: date) -> date:
    """The last day of the span that starts on first."""
    months = 12 if span == YEAR else 1
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1) - DAY


@dataclass(frozen=True)
class Bucket:
    span: str
    first: date
    sign: int  # +1 or -1


@dataclass
class Cover:
    """Signed tally buckets and signed ledger day ranges (first, last, sign) that add up to a period."""

    buckets: list[Bucket] = field(default_factory=list)
    days: list[tuple[date, date, int]] = field(default_factory=list)
    cost: float = 0.0

    def __add__(self, other: "Cover") -> "Cover":
        return Cover(self.buckets + other.buckets, self.days + other.days, self.cost + other.cost)

    def negated(self) -> "Cover":
        return Cover(
            [Bucket(b.span, b.first, -b.sign) for b in self.buckets],
            [(first, last, -sign) for first, last, sign in self.days],
            self.cost,
        )


def cover(start: date, end: date, today: date, *, top: str = YEAR) -> Cover:
    """The cheapest signed sum of buckets (of the span top and smaller ones) and ledger days equal to the days
    start..end (days after today are empty)."""
    result, level = Cover(), SPANS.index(top)
    first = span_start(top, start)
    while first <= min(end, today):
        result += _cover(level, first, start, end, today)
        first = span_end(top, first) + DAY
    return result


def _cover(level: int, first: date, start: date, end: date, today: date) -> Cover:
    """The days start..end inside the span SPANS[level] starting at first."""
    last = min(span_end(SPANS[level], first), today)
    start, end = max(start, first), min(end, last)
    if start > end:
        return Cover()
    whole = Cover([Bucket(SPANS[level], first, 1)], cost=COST[SPANS[level]])
    if (start, end) == (first, last):
        return whole
    options = [_split(level, first, last, [(start, end)], today)]
    outside = [(a, b) for a, b in ((first, start - DAY), (end + DAY, last)) if a <= b]
    options.append(whole + _split(level, first, last, outside, today).negated())
    return min(options, key=lambda option: option.cost)


def _split(level: int, first: date, last: date, ranges: list[tuple[date, date]], today: date) -> Cover:
    """The ranges (inside first..last) covered by the next smaller span, or by ledger days below the smallest."""
    if level + 1 == len(SPANS):
        return Cover(days=[(a, b, 1) for a, b in ranges], cost=DAY_COST * sum((b - a).days + 1 for a, b in ranges))
    result, child = Cover(), first
    while child <= last:
        for a, b in ranges:
            result += _cover(level + 1, child, a, b, today)
        child = span_end(SPANS[level + 1], child) + DAY
    return result
