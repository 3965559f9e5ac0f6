"""Read side of call-outs: pages and answers, volunteers' recent record, and per-community figures."""

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from volunteer_hub.accounts.models import Qualification, User
from volunteer_hub.callouts.models import Callout, CalloutPage, CalloutStatus
from volunteer_hub.claims import rules as claim_rules
from volunteer_hub.claims.models import Attendance, CancelReason, Claim, ClaimStatus
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift

_users = User.__table__


def paged_by(callout_id: int):
    """A condition on a volunteer row (matching's users table): this call-out has paged them already."""
    return sa.exists().where(CalloutPage.callout_id == callout_id, CalloutPage.user_id == _users.c.id)


def gates(shift: Shift) -> list:
    """The claim's gates on a volunteer row as SQL, so that a search skips those they refuse (insurance valid until
    the shift ends, the task's qualification, adults only at night); the claim's own checks still decide."""
    task, ends_on = shift.task, to_local(shift.ends_at).date()
    found = []
    if task.requires_insurance:
        found.append(_users.c.insurance_valid_until >= ends_on)
    if task.requires_qualification:
        found.append(
            sa.exists().where(
                Qualification.user_id == _users.c.id,
                Qualification.code == task.requires_qualification,
                sa.or_(Qualification.valid_until.is_(None), Qualification.valid_until >= ends_on),
            )
        )
    if claim_rules.is_night(shift.starts_at, shift.ends_at):
        found.append(_users.c.birth_date <= _years_before(to_local(shift.starts_at).date(), claim_rules.ADULT_AGE))
    return found


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


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
