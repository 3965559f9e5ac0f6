"""Create and read in-app notifications. notify() joins the caller's transaction; it never commits."""

from datetime import datetime

import sqlalchemy as sa

from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification


def notify(user_id: int, kind: str, *, task_id: int | None = None, **params) -> Notification:
    """Queue an in-app notification in the current transaction (so it exists exactly when its cause does)."""
    note = Notification(user_id=user_id, kind=kind, task_id=task_id, params=params)
    db.session.add(note)
    return note


def list_for(user, *, limit: int = 50, before_id: int | None = None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if before_id:
        query = query.where(Notification.id < before_id)
    return list(db.session.execute(query.order_by(Notification.id.desc()).limit(limit)).scalars())


def count_unread(user) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def mark_read(user, notification_id: int | None = None, *, at: datetime | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of user as read; returns how many changed."""
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    changed = db.session.execute(query.values(read_at=at or now())).rowcount
    db.session.commit()
    return changed
