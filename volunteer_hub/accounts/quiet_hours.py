"""Quiet hours: a daily local time window without match notifications, stored as minutes after midnight.

Written "HH:MM-HH:MM"; a window whose end is earlier than its start runs over midnight ("22:00-07:00").
"""

import re

_WINDOW = re.compile(r"^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)\s*$")


def parse(text: str) -> tuple[int, int]:
    """'22:00-07:00' -> (1320, 420); ValueError for anything else, or for an empty window."""
    match = _WINDOW.match(text or "")
    if not match:
        raise ValueError(text)
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if start == end:
        raise ValueError(text)
    return start, end


def display(start: int | None, end: int | None) -> str | None:
    if start is None or end is None:
        return None
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def contains(start: int | None, end: int | None, minute: int) -> bool:
    """Whether ``minute`` (after local midnight) falls in the window [start, end)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end
