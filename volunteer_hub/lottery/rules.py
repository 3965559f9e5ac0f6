"""Lottery policy: when a shift may be opened for a draw, and the draw order itself (a pure function)."""

import random
from datetime import datetime

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.timeutil import now
from volunteer_hub.tasks.models import Shift


def check_can_open(shift: Shift, until: datetime | None) -> None:
    """A lottery needs a deadline in the future and before the shift starts, on a shift not yet drawn."""
    if shift.lottery_drawn_at is not None:
        raise Conflict(_l("The draw for this shift has already been made."), code="lottery_drawn")
    if shift.task.requires_approval:
        raise Conflict(
            _l("This task needs approval for each volunteer, so places cannot be drawn by lottery."),
            code="lottery_not_with_approval",
        )
    if shift.has_started:
        raise Conflict(_l("This shift has already started."), code="shift_started")
    if until is None or until.tzinfo is None:
        raise ValidationError(fields={"until": _l("Give the date and time sign-up closes.")})
    if until <= now():
        raise ValidationError(fields={"until": _l("Sign-up must close in the future.")})
    if until > shift.starts_at:
        raise ValidationError(fields={"until": _l("Sign-up must close before the shift starts.")})


def draw_order(seed: int, entrants: list[tuple[int, bool]], party_first: bool) -> list[int]:
    """Claim ids in drawn order: entrants [(claim_id, party_member)] sorted by claim id, shuffled with
    random.Random(seed); with party_first, Party members keep their drawn order ahead of everyone else."""
    ordered = sorted(entrants)
    random.Random(seed).shuffle(ordered)
    if party_first:
        ordered.sort(key=lambda entrant: not entrant[1])  # a stable sort keeps the drawn order within each group
    return [claim_id for claim_id, _ in ordered]
