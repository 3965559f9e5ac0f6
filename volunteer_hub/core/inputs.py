"""What people and clients may send: text without control characters, names with something visible in them,
dates within the years the application handles.

Every page form (core.forms) and every API schema (core.schemas.Schema) checks its text fields with
``control_character_error`` (so PostgreSQL, which refuses NUL, and SQLite, which stores it, keep the same data) and
its date and time fields with ``date_error``.
"""

import re
import unicodedata
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

# C0 controls and DEL. Several lines of text (a text area) may hold tabs and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters that draw nothing (Hangul fillers, the blank Braille pattern); format characters (zero-width
# spaces and joiners, bidi overrides, the BOM) are found by their category.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

CONTROL_CHARACTERS: str = _l(
    "Remove the invisible control characters from this text (they often come with pasted text)."
)


def control_character_error(value: object, *, multiline: bool = False) -> str | None:
    """The message for text holding control characters (a single line holds no tab or line break either), or
    None when the text is fine."""
    pattern = _CONTROL_IN_LINES if multiline else _CONTROL
    return CONTROL_CHARACTERS if isinstance(value, str) and pattern.search(value) else None


def strip_text(value: str | None) -> str:
    """The text without surrounding whitespace; "" when nothing in it is visible (only spaces, zero-width or
    bidi characters), so a name or title made of them counts as missing."""
    text = (value or "").strip()
    return text if any(not _invisible(char) for char in text) else ""


def _invisible(char: str) -> bool:
    return char.isspace() or char in _FILLERS or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


# Wide enough for birth dates and long insurance cover, narrow enough that date arithmetic (weeks, months, time
# zones, ranges) never leaves Python's years 1 to 9999.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2099, 12, 31)


def date_error(value: object) -> str | None:
    """The message for a date (or a date and time, on its own calendar) outside EARLIEST_DATE..LATEST_DATE, or
    None."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        message: str = _l(
            "Enter a date from %(first)s to %(last)s.", first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat()
        )
        return message
    return None
