"""Reads of the handover log: a post's entries, the latest one, and what each carries."""

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.extensions import db
from volunteer_hub.handovers.models import Handover, HandoverAck, HandoverIncident, HandoverSupply
from volunteer_hub.incidents.models import Incident
from volunteer_hub.supplies.models import SupplyItem
from volunteer_hub.tasks.models import Shift


def get(handover_id: object) -> Handover | None:
    return db.session.get(Handover, handover_id) if isinstance(handover_id, int) else None


def of_task(task_id: int, limit: int = 50) -> list[Handover]:
    """The post's handovers, newest first."""
    return list(
        db.session.execute(
            sa.select(Handover)
            .where(Handover.task_id == task_id)
            .order_by(Handover.created_at.desc(), Handover.id.desc())
            .limit(limit)
        ).scalars()
    )


def latest(task_id: int) -> Handover | None:
    found = of_task(task_id, limit=1)
    return found[0] if found else None


def by_client(author_id: int, client_id: str) -> Handover | None:
    return db.session.execute(
        sa.select(Handover).where(Handover.author_id == author_id, Handover.client_id == client_id)
    ).scalar_one_or_none()


def incidents(ids: list[int]) -> list[Incident]:
    if not ids:
        return []
    return list(db.session.execute(sa.select(Incident).where(Incident.id.in_(ids))).scalars())


def incidents_since(task_id: int, since: datetime | None) -> list[int]:
    """Ids of the post's incidents reported since ``since`` (all of them when None), oldest first."""
    query = sa.select(Incident.id).where(Incident.task_id == task_id).order_by(Incident.id)
    if since is not None:
        query = query.where(Incident.created_at > since)
    return list(db.session.execute(query).scalars())


def carried(handover_ids: list[int]) -> dict[int, dict]:
    """Per handover: its supply counts (item, count), its incidents and who acknowledged it (user, name, when)."""
    found: dict[int, dict] = defaultdict(lambda: {"supplies": [], "incidents": [], "acks": []})
    if not handover_ids:
        return found
    for row, item in db.session.execute(
        sa.select(HandoverSupply, SupplyItem)
        .join(SupplyItem, SupplyItem.id == HandoverSupply.item_id)
        .where(HandoverSupply.handover_id.in_(handover_ids))
        .order_by(SupplyItem.kind, SupplyItem.name)
    ):
        found[row.handover_id]["supplies"].append((item, row.count))
    for handover_id, incident in db.session.execute(
        sa.select(HandoverIncident.handover_id, Incident)
        .join(Incident, Incident.id == HandoverIncident.incident_id)
        .where(HandoverIncident.handover_id.in_(handover_ids))
        .order_by(Incident.occurred_at)
    ):
        found[handover_id]["incidents"].append(incident)
    for ack, name in db.session.execute(
        sa.select(HandoverAck, User.name)
        .join(User, User.id == HandoverAck.user_id)
        .where(HandoverAck.handover_id.in_(handover_ids))
        .order_by(HandoverAck.acked_at)
    ):
        found[ack.handover_id]["acks"].append((ack.user_id, name, ack.acked_at))
    return found


def has_acked(handover_id: int, user_id: int) -> bool:
    return (
        db.session.execute(
            sa.select(HandoverAck.user_id).where(HandoverAck.handover_id == handover_id, HandoverAck.user_id == user_id)
        ).first()
        is not None
    )


def names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all())


def own_claim(user_id: int, shift_id: int) -> Claim | None:
    """The volunteer's confirmed claim on the shift, if any."""
    return db.session.execute(
        sa.select(Claim).where(
            Claim.user_id == user_id, Claim.shift_id == shift_id, Claim.status == ClaimStatus.CONFIRMED
        )
    ).scalar_one_or_none()


def next_shift_people(shift: Shift) -> list[tuple[int, int]]:
    """(user id, claim id) of the volunteers confirmed on the post's next shift (the first one starting after this
    one starts)."""
    nxt = db.session.execute(
        sa.select(Shift.id)
        .where(Shift.task_id == shift.task_id, Shift.starts_at > shift.starts_at)
        .order_by(Shift.starts_at)
        .limit(1)
    ).scalar_one_or_none()
    if nxt is None:
        return []
    rows = db.session.execute(
        sa.select(Claim.user_id, Claim.id).where(Claim.shift_id == nxt, Claim.status == ClaimStatus.CONFIRMED)
    ).all()
    return [(user_id, claim_id) for user_id, claim_id in rows]


def latest_before(task_id: int, shift: Shift) -> Handover | None:
    """The post's newest handover written on a shift that started before ``shift``: what its volunteers take over."""
    return db.session.execute(
        sa.select(Handover)
        .join(Shift, Shift.id == Handover.shift_id)
        .where(Handover.task_id == task_id, Shift.starts_at < shift.starts_at)
        .order_by(Handover.created_at.desc(), Handover.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def pending_incidents(task_id: int) -> list[Incident]:
    """The post's incidents reported since its last handover, oldest first (what the next handover carries)."""
    previous = latest(task_id)
    return incidents(incidents_since(task_id, previous.created_at if previous else None))
