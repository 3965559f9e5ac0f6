"""What the board calls a post's state, and who may answer a relief alarm with "I'll stay"."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import Conflict

OK, SHORT, UNCOVERED = "ok", "short", "uncovered"
_RANK = {UNCOVERED: 0, SHORT: 1, OK: 2}
LOOKAHEAD = timedelta(hours=2)  # the organisation board lists shifts starting this soon
# A stay lasts until the relieving shift ends, at most this long past the stayer's own shift end: the check-out
# window of attendance closes CHECKOUT_GRACE (2 h) after the end, so the stayer can still check out.
STAY_MAX = timedelta(hours=2)


def staffed(starts_at: datetime, at: datetime, confirmed: int, checked_in: int) -> int:
    """Who counts now: for a shift under way those on the post, for one still to start those confirmed."""
    return checked_in if starts_at <= at else confirmed


def post_status(starts_at: datetime, at: datetime, needed: int, confirmed: int, checked_in: int) -> str:
    """uncovered: nobody counts now (under way: nobody on the post; starting: nobody confirmed); short: fewer than
    the shift's places (capacity); ok otherwise."""
    have = staffed(starts_at, at, confirmed, checked_in)
    if have <= 0:
        return UNCOVERED
    return SHORT if have < needed else OK


def worst_first(status: str, missing: int, starts_at: datetime) -> tuple:
    """Sort key: uncovered, then short, then ok; the most places missing first; the earliest start first."""
    return (_RANK[status], -missing, starts_at)


def stay_until(stayer_shift_ends: datetime, relieving_shift_ends: datetime) -> datetime:
    """Until the relieving shift's end, at most STAY_MAX after the stayer's own shift end."""
    return min(relieving_shift_ends, stayer_shift_ends + STAY_MAX)


def check_can_stay(on_post: bool, alarm_cleared: bool, until: datetime, at: datetime) -> None:
    """Only a volunteer of the previous shift still on the post, while the relief is missing, can stay."""
    if alarm_cleared:
        raise Conflict(_l("Your relief has arrived: you may hand over and go home."), code="relief_arrived")
    if not on_post:
        raise Conflict(_l("Only a volunteer of the previous shift still on the post can stay."), code="not_on_post")
    if until <= at:
        raise Conflict(_l("It is too late to extend this shift."), code="stay_too_late")
