"""The one place a claim's status changes.

A claim is inserted pending, confirmed, waitlisted or in a lottery (claims.services); from then on its status
moves only along ALLOWED, and only through transition(): one conditional UPDATE whose WHERE names the statuses the
move may start from, so a claim someone else changed first (a twin tap, a withdrawal racing an approval) is left
as it is and the caller learns it from the empty result. Other packages ask claims.services to act.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from volunteer_hub.claims.models import ACTIVE_STATUSES, Claim, ClaimStatus
from volunteer_hub.extensions import db

# {new status: the statuses a claim may move to it from}. Rejected and cancelled are final.
ALLOWED: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    # an organizer approves a request; the waitlist's first takes a freed place; a lottery entry is drawn
    ClaimStatus.CONFIRMED: frozenset({ClaimStatus.PENDING, ClaimStatus.WAITLISTED, ClaimStatus.LOTTERY}),
    # on a task that needs approval, the waitlist's first becomes a request when a place frees up
    ClaimStatus.PENDING: frozenset({ClaimStatus.WAITLISTED}),
    # a lottery entry drawn after the places ran out
    ClaimStatus.WAITLISTED: frozenset({ClaimStatus.LOTTERY}),
    ClaimStatus.LOTTERY: frozenset(),  # only ever inserted so
    # an organizer turns down a request or removes a volunteer
    ClaimStatus.REJECTED: frozenset(ACTIVE_STATUSES),
    # the volunteer withdraws (or hands the place on, or declines a team place), the task is cancelled,
    # or nobody confirmed attendance in time
    ClaimStatus.CANCELLED: frozenset(ACTIVE_STATUSES),
}


def transition(
    claims: int | sa.ColumnElement[bool], to: ClaimStatus, *, from_: Iterable[str] | None = None, **values: Any
) -> Sequence[sa.Row[int, int, int]]:
    """Move the claims (an id, or a condition on the claims table) that now stand in a status ALLOWED to become
    ``to`` (and, with from_, in one of those) to ``to``, setting values too, in one conditional UPDATE.

    Returns (id, user_id, shift_id) of the claims it moved: empty when the claim was elsewhere (someone changed
    it first, or the move is not allowed), which changes nothing.
    """
    allowed = ALLOWED[to]
    if from_ is not None:
        starts = frozenset(ClaimStatus(status) for status in from_)
        if not starts <= allowed:
            raise ValueError(f"a claim cannot become {to} from {sorted(starts - allowed)}")
        allowed = starts
    where = Claim.id == claims if isinstance(claims, int) else claims
    # An ORM UPDATE: claims already loaded in the session see their new status without another SELECT.
    return db.session.execute(
        sa.update(Claim)
        .where(where, Claim.status.in_(sorted(status.value for status in allowed)))
        .values(status=ClaimStatus(to).value, **values)
        .returning(Claim.id, Claim.user_id, Claim.shift_id)
    ).all()
