"""Lottery reads: shifts due for a draw, entrants, and the recorded draw with its verification."""

from dataclasses import dataclass

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.lottery.rules import draw_order
from volunteer_hub.orgs.rules import shows_party_badge
from volunteer_hub.tasks.models import Shift

DRAWN = "lottery.drawn"


def due_shift_ids() -> list[int]:
    """Shifts whose sign-up window has closed and that are not drawn yet."""
    return list(
        db.session.execute(
            sa.select(Shift.id)
            .where(Shift.lottery_until.is_not(None), Shift.lottery_drawn_at.is_(None), Shift.lottery_until <= now())
            .order_by(Shift.lottery_until)
        ).scalars()
    )


def count_entrants(shift: Shift) -> int:
    """Sign-ups waiting for the draw."""
    return db.session.execute(
        sa.select(sa.func.count()).where(Claim.shift_id == shift.id, Claim.status == ClaimStatus.LOTTERY)
    ).scalar_one()


@dataclass(frozen=True)
class DrawnEntry:
    rank: int
    claim_id: int
    user_id: int
    name: str
    party_member: bool  # the badge, shown only if the volunteer opted in (亮身份); the draw itself used the real flag
    status: str
    skipped: str | None  # the safety rule that kept a drawn volunteer from a free place


@dataclass(frozen=True)
class Draw:
    seed: int
    party_first: bool
    drawn_at: object
    entries: list[DrawnEntry]
    verified: bool  # recomputing the order from the seed and the recorded entrants gives the stored ranks


def get_draw(shift: Shift) -> Draw | None:
    """The draw of a shift as recorded in the audit log, checked against the claims' stored ranks."""
    event = db.session.execute(
        sa.select(AuditEvent)
        .where(AuditEvent.action == DRAWN, AuditEvent.subject_type == "shift", AuditEvent.subject_id == shift.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if event is None:
        return None
    details = event.details
    seed, entrants = int(details["seed"]), [(e["claim_id"], e["party_member"]) for e in details["entrants"]]
    order = draw_order(seed, entrants, details["party_first"])
    rows = db.session.execute(
        sa.select(Claim, User)
        .join(User, User.id == Claim.user_id)
        .where(Claim.id.in_([claim_id for claim_id, _ in entrants]))
    ).all()
    by_id = {claim.id: (claim, user) for claim, user in rows}
    skipped = {int(k): v for k, v in (details.get("skipped") or {}).items()}
    stored = sorted((claim.lottery_rank or 0, claim.id) for claim, _ in by_id.values())
    entries = [
        DrawnEntry(
            rank,
            claim_id,
            by_id[claim_id][0].user_id,
            by_id[claim_id][1].name,
            shows_party_badge(by_id[claim_id][1]),
            by_id[claim_id][0].status,
            skipped.get(claim_id),
        )
        for rank, claim_id in enumerate(order, start=1)
        if claim_id in by_id
    ]
    verified = [claim_id for _, claim_id in stored] == order and [r for r, _ in stored] == list(
        range(1, len(order) + 1)
    )
    return Draw(seed, details["party_first"], event.created_at, entries, verified)
