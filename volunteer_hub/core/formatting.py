"""Locale-aware display of times, durations and distances (Babel skeletons, 24-hour clock, local zone)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _

from volunteer_hub.core.timeutil import now, to_local


def _locale() -> Locale | str:
    return get_locale() or "zh"


def day_label(value: datetime) -> str:
    """今天 / 明天 / 后天 for the next days, else e.g. 2月3日周一 / Mon, Feb 3."""
    local = to_local(value)
    delta = (local.date() - to_local(now()).date()).days
    if delta == 0:
        return _("Today")
    if delta == 1:
        return _("Tomorrow")
    if delta == 2:
        return _("Day after tomorrow")
    return format_skeleton("MMMEd", local, locale=_locale())


def clock(value: datetime) -> str:
    return to_local(value).strftime("%H:%M")


def when(value: datetime) -> str:
    """A point in time: 'Today 20:00'."""
    return f"{day_label(value)} {clock(value)}"


def shift_span(starts: datetime, ends: datetime) -> str:
    """'Today 20:00–next day 08:00': overnight shifts say so explicitly."""
    start_local, end_local = to_local(starts), to_local(ends)
    days = (end_local.date() - start_local.date()).days
    end = clock(ends)
    if days == 1:
        end = _("next day %(time)s", time=end)
    elif days > 1:
        end = f"{format_skeleton('MMMd', end_local, locale=_locale())} {end}"
    return f"{day_label(starts)} {clock(starts)}–{end}"


def full_date(value: datetime) -> str:
    return format_skeleton("yMMMd", to_local(value), locale=_locale())


def hours(value: float | timedelta) -> str:
    """Hours with one decimal ('3.5'); never Babel's format_timedelta, which rounds to whole units."""
    if isinstance(value, timedelta):
        value = value.total_seconds() / 3600
    return format_decimal(round(value, 1), format="#,##0.#", locale=_locale())


def service_hours(minutes: int) -> str:
    """Ledger minutes as hours with two decimals ('3.50', '-0.25'): how service time is shown to people."""
    return format_decimal(Decimal(minutes) / 60, format="#,##0.00", locale=_locale())


def calendar_date(value: date) -> str:
    """A calendar date such as a service date: 2020年2月3日 / Feb 3, 2020."""
    return _calendar("yMMMd", value)


def calendar_month(value: date) -> str:
    """The month of a date: 2020年2月 / Feb 2020."""
    return _calendar("yMMM", value)


def month_day(value: date) -> str:
    """A day without its year, for chart axes: 2月3日 / Feb 3."""
    return _calendar("MMMd", value)


def _calendar(skeleton: str, value: date) -> str:
    return format_skeleton(skeleton, datetime(value.year, value.month, value.day), locale=_locale())


def distance(km: float) -> str:
    """Under 1 km to the nearest 50 m ('850 m'), above to 0.1 km ('1.2 km')."""
    if km < 1:
        return _("%(m)d m", m=max(50, round(km * 1000 / 50.0) * 50))
    return _("%(km)s km", km=format_decimal(round(km, 1), format="#,##0.0", locale=_locale()))


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
