"""Read side of call-outs: pages and answers, volunteers' recent record, and per-community figures."""

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.callouts.models import Callout, CalloutPage, CalloutStatus
from volunteer_hub.claims.models import Attendance, CancelReason, Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation

_users = User.__table__


def not_paged_by(callout_id: int):
    """A condition on a volunteer row (matching's users table): this call-out has not paged them."""
    return sa.exists().where(CalloutPage.callout_id == callout_id, CalloutPage.user_id == _users.c.id)


def paging_for(shift_id: int) -> Callout | None:
    return db.session.execute(
        sa.select(Callout).where(Callout.shift_id == shift_id, Callout.status == CalloutStatus.PAGING)
    ).scalar_one_or_none()


def due_ids() -> list[int]:
    return list(
        db.session.execute(
            sa.select(Callout.id)
            .where(Callout.status == CalloutStatus.PAGING, Callout.next_wave_at <= now())
            .order_by(Callout.next_wave_at)
        ).scalars()
    )


def page_of(callout_id: int, user_id: int) -> CalloutPage | None:
    return db.session.execute(
        sa.select(CalloutPage).where(CalloutPage.callout_id == callout_id, CalloutPage.user_id == user_id)
    ).scalar_one_or_none()


def last_wave(callout_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.max(CalloutPage.wave), 0)).where(CalloutPage.callout_id == callout_id)
    ).scalar_one()


def waves(callout_id: int) -> list[dict]:
    rows = db.session.execute(
        sa.select(CalloutPage.wave, sa.func.min(CalloutPage.paged_at), sa.func.count())
        .where(CalloutPage.callout_id == callout_id)
        .group_by(CalloutPage.wave)
        .order_by(CalloutPage.wave)
    )
    return [{"at": at, "paged": paged} for _, at, paged in rows]


def answers(callout_id: int) -> dict:
    counts = dict(
        db.session.execute(
            sa.select(CalloutPage.answer, sa.func.count())
            .where(CalloutPage.callout_id == callout_id)
            .group_by(CalloutPage.answer)
        ).all()
    )
    return {"yes": counts.get("yes", 0), "no": counts.get("no", 0), "none": counts.get(None, 0)}


def confirmed_through(callout_id: int) -> list[int]:
    """The volunteers holding a confirmed place they took by answering this call-out."""
    return list(
        db.session.execute(
            sa.select(CalloutPage.user_id)
            .join(Claim, Claim.id == CalloutPage.claim_id)
            .where(CalloutPage.callout_id == callout_id, Claim.status == ClaimStatus.CONFIRMED)
            .order_by(CalloutPage.user_id)
        ).scalars()
    )


def users(user_ids: list[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    return {user.id: user for user in db.session.execute(sa.select(User).where(User.id.in_(user_ids))).scalars()}


def recent_record(user_ids: list[int], days: int) -> dict[int, tuple[int, int]]:
    """Per volunteer: (no-shows, own cancellations) of the last ``days`` days."""
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if not user_ids:
        return {}
    since = now() - timedelta(days=days)
    rows = db.session.execute(
        sa.select(Claim.user_id, Claim.attendance).where(
            Claim.user_id.in_(user_ids),
            Claim.updated_at >= since,
            sa.or_(Claim.attendance == Attendance.NO_SHOW, Claim.cancel_reason == CancelReason.VOLUNTEER),
        )
    )
    for user_id, attendance in rows:
        found[user_id][0 if attendance == Attendance.NO_SHOW else 1] += 1
    return {user_id: (counts[0], counts[1]) for user_id, counts in found.items()}


def community_stats(org: Organisation) -> dict:
    """Call-outs for shifts of the organisation's subtree: how many, how many filled, and the median time to fill."""
    rows = db.session.execute(
        sa.select(Callout.status, Callout.created_at, Callout.filled_at)
        .join(Organisation, Organisation.id == Callout.org_id)
        .where(Organisation.path.startswith(org.path))
    ).all()
    fills = sorted((filled_at - created_at).total_seconds() for _, created_at, filled_at in rows if filled_at)
    decided = [row for row in rows if row.status != CalloutStatus.PAGING]
    filled = sum(1 for row in rows if row.status == CalloutStatus.FILLED)
    return {
        "org_id": org.id,
        "callouts": len(rows),
        "filled": filled,
        "share_filled": round(filled / len(decided), 3) if decided else None,
        "median_time_to_fill_s": round(fills[len(fills) // 2]) if fills else None,
    }
