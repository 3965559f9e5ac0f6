"""Lottery use cases: open a shift for sign-up until a deadline, and draw it (the job, or an organizer early)."""

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.audit import services as audit
from volunteer_hub.claims import services as claims
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.db import get_row, updated_rows
from volunteer_hub.core.errors import Conflict
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.lottery import rules
from volunteer_hub.lottery.queries import DRAWN
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.models import Shift


def open_lottery(actor: User, shift: Shift, *, until, party_first: bool = False) -> Shift:
    """Open (or move the deadline of) a shift's lottery sign-up: claims until then enter the draw."""
    permissions.require_manage(actor, shift.task.org)
    rules.check_can_open(shift, until)
    return atomic(_open, actor.id, shift.id, until, bool(party_first))


def _open(actor_id: int, shift_id: int, until, party_first: bool) -> Shift:
    changed = updated_rows(
        db.session.execute(
            sa.update(Shift)
            .where(Shift.id == shift_id, Shift.lottery_drawn_at.is_(None))
            .values(lottery_until=until, lottery_party_first=party_first)
            .execution_options(synchronize_session=False)
        )
    )
    if not changed:
        raise Conflict(_l("The draw for this shift has already been made."), code="lottery_drawn")
    audit.record(actor_id, "lottery.opened", "shift", shift_id, until=until.isoformat(), party_first=party_first)
    return get_row(db.session, Shift, shift_id, populate_existing=True)


def draw_now(actor: User, shift: Shift) -> Shift:
    """An organizer closes sign-up early and draws at once."""
    permissions.require_manage(actor, shift.task.org)
    if shift.lottery_until is None:
        raise Conflict(_l("This shift has no lottery."), code="no_lottery")
    if shift.lottery_drawn_at is not None:
        raise Conflict(_l("The draw for this shift has already been made."), code="lottery_drawn")
    atomic(_draw, shift.id, actor.id, True)
    return get_row(db.session, Shift, shift.id, populate_existing=True)


def draw(shift_id: int) -> bool:
    """Draw a shift whose sign-up window has closed; False when it is not due or already drawn (idempotent)."""
    return atomic(_draw, shift_id, None, False)


def _draw(shift_id: int, actor_id: int | None, early: bool) -> bool:
    seed = secrets.randbits(64)
    # Claiming the draw is one conditional UPDATE: a second job run, or an organizer racing the job, changes
    # no row and stops here.
    due = Shift.lottery_until.is_not(None) if early else Shift.lottery_until <= now()
    claimed = updated_rows(
        db.session.execute(
            sa.update(Shift)
            .where(Shift.id == shift_id, Shift.lottery_drawn_at.is_(None), due)
            .values(lottery_drawn_at=now(), lottery_seed=str(seed))
            .execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        return False
    shift = get_row(db.session, Shift, shift_id, populate_existing=True)
    entrants = db.session.execute(
        sa.select(Claim.id, User.party_member)
        .join(User, User.id == Claim.user_id)
        .where(Claim.shift_id == shift_id, Claim.status == ClaimStatus.LOTTERY)
        .order_by(Claim.id)
    ).all()
    order = rules.draw_order(seed, [(claim_id, party) for claim_id, party in entrants], shift.lottery_party_first)
    skipped = {}
    for rank, claim_id in enumerate(order, start=1):
        claim = get_row(db.session, Claim, claim_id, populate_existing=True)
        problem = claims.place_drawn_entry(claim, get_row(db.session, Shift, shift_id, populate_existing=True), rank)
        if problem is not None:
            skipped[str(claim_id)] = problem.code
    audit.record(
        actor_id,
        DRAWN,
        "shift",
        shift_id,
        seed=str(seed),
        party_first=shift.lottery_party_first,
        entrants=[{"claim_id": claim_id, "party_member": party} for claim_id, party in entrants],
        order=order,
        skipped=skipped,
    )
    for claim_id in order:
        claim = get_row(db.session, Claim, claim_id, populate_existing=True)
        won = claim.status == ClaimStatus.CONFIRMED
        notify(
            claim.user_id,
            "lottery_won" if won else "lottery_waitlisted",
            task_id=shift.task_id,
            dedupe_key=f"lottery:{claim.id}",
            task=shift.task.title,
            starts_at=shift.starts_at.isoformat(),
            ends_at=shift.ends_at.isoformat(),
            rank=claim.lottery_rank,
        )
    return True
