"""What a statistics request may ask for: date ranges and groupings."""

from datetime import date

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import ValidationError

MAX_RANGE_DAYS = 366  # a year, leap day included: longer ranges are split by the reader
GROUPINGS = ("org", "volunteer", "type", "month", "day", "party", "branch", "team")


def check_range(start: date, end: date, *, end_field: str = "to") -> None:
    """The range must run forwards and span at most MAX_RANGE_DAYS days (errors belong to its end field)."""
    if end < start:
        raise ValidationError(fields={end_field: _l("The end date must be on or after the start date.")})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(fields={end_field: _l("Choose a range of at most %(days)d days.", days=MAX_RANGE_DAYS)})
