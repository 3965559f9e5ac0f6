"""Reads of a post's supplies, and who serves the post now (also what the handover log asks)."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation, Role, RoleGrant
from volunteer_hub.supplies import rules
from volunteer_hub.supplies.models import SupplyItem, SupplyKind, SupplyMovement
from volunteer_hub.tasks.models import Shift

# A volunteer checked in who forgot to check out stops "serving" this long after the shift's end.
SERVING_AFTER_END = timedelta(hours=1)


def items(task_id: int) -> list[SupplyItem]:
    """The post's items in the order of the list (masks first, "other" items last by name)."""
    rows = db.session.execute(sa.select(SupplyItem).where(SupplyItem.task_id == task_id)).scalars().all()
    return sorted(rows, key=lambda item: (rules.KIND_ORDER.get(item.kind, 99), item.name))


def levels(task_id: int) -> list[tuple[str, int, bool]]:
    """(label, count, low) of every item of the post, for the board."""
    return [(rules.label(item), item.count, rules.is_low(item.count, item.low_threshold)) for item in items(task_id)]


def get_item(task_id: int, item_id: object) -> SupplyItem | None:
    item = db.session.get(SupplyItem, item_id) if isinstance(item_id, int) else None
    return item if item is not None and item.task_id == task_id else None


def find_item(task_id: int, code_or_name: str) -> SupplyItem | None:
    """The post's item a handover names: by its kind's code ("masks"), or an "other" item by its name (case and
    surrounding spaces ignored)."""
    wanted = code_or_name.strip()
    if wanted in rules.KIND_ORDER and wanted != SupplyKind.OTHER:
        return db.session.execute(
            sa.select(SupplyItem).where(SupplyItem.task_id == task_id, SupplyItem.kind == wanted)
        ).scalar_one_or_none()
    folded = wanted.casefold()
    for item in items(task_id):
        if item.kind == SupplyKind.OTHER and item.name.casefold() == folded:
            return item
    return None


def movements(task_id: int, limit: int = 50) -> list[SupplyMovement]:
    """The post's latest changes of counts, newest first."""
    return list(
        db.session.execute(
            sa.select(SupplyMovement)
            .join(SupplyItem, SupplyItem.id == SupplyMovement.item_id)
            .where(SupplyItem.task_id == task_id)
            .order_by(SupplyMovement.id.desc())
            .limit(limit)
        ).scalars()
    )


def names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all()
    return dict(rows)


def roster(task_id: int) -> list[tuple[int, str]]:
    """(user id, name) of the volunteers holding a confirmed place on a shift of the post, by name."""
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .join(Claim, Claim.user_id == User.id)
        .join(Shift, Shift.id == Claim.shift_id)
        .where(Shift.task_id == task_id, Claim.status == ClaimStatus.CONFIRMED)
        .distinct()
        .order_by(User.name, User.id)
    ).all()
    return [(user_id, name) for user_id, name in rows]


def on_roster(task_id: int, user_id: int) -> bool:
    return any(uid == user_id for uid, _ in roster(task_id))


def serving_claims(user_id: int, task_id: int, at: datetime) -> list[Claim]:
    """The volunteer's confirmed claims that make them serve the post at ``at``: checked in and not out (until
    SERVING_AFTER_END past the shift's end), or within the shift's check-in window (from CHECKIN_EARLY_MIN before
    its start to its end) and not marked absent."""
    early = timedelta(minutes=current_app.config["CHECKIN_EARLY_MIN"])
    present = sa.and_(
        Claim.checked_in_at.is_not(None),
        Claim.checked_out_at.is_(None),
        Shift.starts_at <= at + early,
        Shift.ends_at > at - SERVING_AFTER_END,
    )
    window = sa.and_(Shift.starts_at <= at + early, Shift.ends_at > at, Claim.checked_out_at.is_(None))
    return list(
        db.session.execute(
            sa.select(Claim)
            .join(Shift, Shift.id == Claim.shift_id)
            .where(
                Claim.user_id == user_id,
                Shift.task_id == task_id,
                Claim.status == ClaimStatus.CONFIRMED,
                sa.or_(Claim.attendance.is_(None), Claim.attendance != Attendance.NO_SHOW),
                sa.or_(present, window),
            )
            .order_by(Shift.starts_at)
        ).scalars()
    )


def organizers_of(org: Organisation) -> list[int]:
    """The organizers closest to org: those granted on org itself, else on its nearest ancestor with any."""
    rows = db.session.execute(
        sa.select(RoleGrant.user_id, RoleGrant.org_id).where(
            RoleGrant.org_id.in_(org.ancestor_ids), RoleGrant.role == Role.ORGANIZER
        )
    ).all()
    if not rows:
        return []
    depth = {org_id: index for index, org_id in enumerate(org.ancestor_ids)}
    nearest = max(depth[org_id] for _, org_id in rows)
    return sorted({user_id for user_id, org_id in rows if depth[org_id] == nearest})
