"""Create and read in-app notifications. notify() joins the caller's transaction; it never commits."""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from volunteer_hub import outbox
from volunteer_hub.accounts.models import User
from volunteer_hub.core.db import insert_ignoring_duplicates
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications import channels
from volunteer_hub.notifications.models import DeliveryAttempt, Notification
from volunteer_hub.notifications.texts import render

DELIVER = "volunteer_hub.notifications.jobs.deliver_notification"


def notify(
    user_id: int, kind: str, *, task_id: int | None = None, dedupe_key: str | None = None, **params
) -> Notification | None:
    """Create an in-app notification in the current transaction, so it exists exactly when its cause does,
    and record its delivery over the other channels in the outbox of the same transaction.

    With a dedupe_key the notification is created at most once per user (jobs run at least once); a repeat
    returns None.
    """
    if (
        dedupe_key
        and db.session.execute(
            sa.select(Notification.id).where(Notification.user_id == user_id, Notification.dedupe_key == dedupe_key)
        ).first()
    ):
        return None
    note = Notification(user_id=user_id, kind=kind, task_id=task_id, params=params, dedupe_key=dedupe_key)
    db.session.add(note)
    if current_app.config["NOTIFICATION_SENDERS"]:
        db.session.flush()
        outbox.record(DELIVER, notification_id=note.id)
    return note


def notify_many(kind: str, items: list[dict]) -> list[int]:
    """Bulk notify() for jobs that tell many people at once: items are dicts with user_id, task_id,
    dedupe_key and params. One INSERT skips users who already have the key; returns the new ids."""
    if not items:
        return []
    created = now()
    rows = [
        {
            "user_id": item["user_id"],
            "kind": kind,
            "task_id": item.get("task_id"),
            "dedupe_key": item.get("dedupe_key"),
            "params": item.get("params", {}),
            "created_at": created,
        }
        for item in items
    ]
    ids = list(
        db.session.execute(
            insert_ignoring_duplicates(db.session, Notification, rows).returning(Notification.id)
        ).scalars()
    )
    if ids and current_app.config["NOTIFICATION_SENDERS"]:
        outbox.record_many(DELIVER, [{"notification_id": note_id} for note_id in ids])
    return ids


def deliver(notification_id: int) -> None:
    """Send over each configured channel once; every attempt is recorded. A failed channel raises after the
    others were tried, so RQ retries the job and only the channels still missing are sent again."""
    note = db.session.get(Notification, notification_id)
    if note is None:
        return
    done = set(
        db.session.execute(
            sa.select(DeliveryAttempt.channel).where(
                DeliveryAttempt.notification_id == note.id, DeliveryAttempt.status == "sent"
            )
        ).scalars()
    )
    user = db.session.get(User, note.user_id)
    failures = []
    for sender in channels.senders():
        if sender.channel in done:
            continue
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            text = render(note)
        try:
            sender.send(user, text, notification_id=note.id)
        except Exception as exc:  # a gateway error of any kind is recorded, then retried by RQ
            db.session.add(
                DeliveryAttempt(notification_id=note.id, channel=sender.channel, status="failed", error=repr(exc)[:500])
            )
            failures.append(sender.channel)
        else:
            db.session.add(DeliveryAttempt(notification_id=note.id, channel=sender.channel, status="sent"))
        db.session.commit()
    if failures:
        raise RuntimeError(f"notification {note.id}: delivery failed on {', '.join(failures)}")


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
