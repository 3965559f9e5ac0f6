"""Create and read in-app notifications. notify() joins the caller's transaction; it never commits."""

import logging
from datetime import datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub import outbox
from volunteer_hub.accounts.models import User
from volunteer_hub.core.db import get_row, insert_rows, updated_rows
from volunteer_hub.core.errors import DomainError, NotFound
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.messaging import limits, mail
from volunteer_hub.messaging.errors import Permanent, Retryable, SendFailed
from volunteer_hub.notifications import channels, rules, texts
from volunteer_hub.notifications.models import Delivery, Notification, PushSubscription

PLAN = "volunteer_hub.notifications.jobs.plan_deliveries"
SEND = "volunteer_hub.notifications.jobs.send_delivery"
log = logging.getLogger(__name__)


def notify(
    user_id: int,
    kind: str,
    *,
    task_id: int | None = None,
    dedupe_key: str | None = None,
    urgent: bool = False,
    actor_id: int | None = None,
    cause: str | None = None,
    **params,
) -> Notification | None:
    """Create an in-app notification in the current transaction, so it exists exactly when its cause does,
    and record in the outbox of the same transaction that its outside deliveries are to be planned.

    With a dedupe_key the notification is created at most once per user (jobs run at least once); a repeat
    returns None. ``urgent`` may break quiet hours for people who opted in; ``actor_id`` and ``cause`` let the
    organizer who caused it see how it was delivered.
    """
    if (
        dedupe_key
        and db.session.execute(
            sa.select(Notification.id).where(Notification.user_id == user_id, Notification.dedupe_key == dedupe_key)
        ).first()
    ):
        return None
    note = Notification(
        user_id=user_id,
        kind=kind,
        task_id=task_id,
        params=params,
        dedupe_key=dedupe_key,
        urgent=urgent,
        actor_id=actor_id,
        cause=cause,
    )
    db.session.add(note)
    db.session.flush()
    outbox.record(PLAN, notification_ids=[note.id])
    return note


def notify_many(kind: str, items: list[dict]) -> list[int]:
    """Bulk notify() for jobs that tell many people at once: items are dicts with user_id and optionally task_id,
    dedupe_key, params, urgent, actor_id and cause. One INSERT skips users who already have the key; returns the
    new ids. Their deliveries are planned by a few jobs of up to PLAN_BATCH notifications each."""
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
            "urgent": item.get("urgent", False),
            "actor_id": item.get("actor_id"),
            "cause": item.get("cause"),
            "created_at": created,
        }
        for item in items
    ]
    ids = [
        row.id for row in insert_rows(db.session, Notification.__table__, rows, Notification.id, skip_duplicates=True)
    ]
    outbox.record_many(PLAN, [{"notification_ids": ids[i : i + PLAN_BATCH]} for i in range(0, len(ids), PLAN_BATCH)])
    return ids


PLAN_BATCH = 500


def plan(notification_ids: list[int]) -> int:
    """Write one delivery record per notification and outside channel (queued, or suppressed with the reason) and
    hand the ones due now to the senders. Safe to run twice: an existing (notification, channel) row is kept."""
    return atomic(_plan, notification_ids)


def _plan(notification_ids: list[int]) -> int:
    notes = db.session.execute(
        sa.select(Notification.id, Notification.user_id, Notification.kind, Notification.urgent).where(
            Notification.id.in_(notification_ids)
        )
    ).all()
    if not notes:
        return 0
    user_ids = {note.user_id for note in notes}
    # Only what rules.plan reads, as plain rows: a batch's users as ORM objects cost more than the rest together.
    users = {user.id: user for user in db.session.execute(sa.select(*_PLAN_COLUMNS).where(User.id.in_(user_ids)))}
    with_push = set(
        db.session.execute(
            sa.select(PushSubscription.user_id).where(PushSubscription.user_id.in_(user_ids)).distinct()
        ).scalars()
    )
    current = now()
    rows = []
    for note in notes:
        user = users[note.user_id]
        for channel in _channels():
            decision = rules.plan(
                channel,
                user,
                urgent=note.urgent,
                emailed=note.kind in texts.EMAIL_KINDS,
                has_push=note.user_id in with_push,
                at=current,
            )
            rows.append(
                {
                    "notification_id": note.id,
                    "user_id": note.user_id,
                    "channel": channel,
                    "status": decision.status,
                    "reason": decision.reason,
                    "not_before": decision.not_before,
                    "attempts": 0,
                    "created_at": current,
                }
            )
    new = insert_rows(
        db.session, Delivery.__table__, rows, Delivery.id, Delivery.status, Delivery.not_before, skip_duplicates=True
    )
    outbox.record_many(
        SEND, [{"delivery_id": row.id} for row in new if row.status == "queued" and row.not_before is None]
    )
    db.session.commit()
    return len(new)


_PLAN_COLUMNS = (
    User.id,
    User.active,
    User.sms_enabled,
    User.phone_verified_at,
    User.push_enabled,
    User.email,
    User.quiet_start_min,
    User.quiet_end_min,
    User.urgent_in_quiet_hours,
)


def _channels() -> tuple[str, ...]:
    """The outside channels this deployment has: SMS always (the development sender keeps what it would send),
    push when a VAPID key is set, e-mail unless EMAIL_SENDER=none."""
    config = current_app.config
    return tuple(
        channel
        for channel, on in (("sms", True), ("push", bool(config["VAPID_PRIVATE_KEY"])), ("email", mail.enabled()))
        if on
    )


def send(delivery_id: int) -> None:
    """Send one delivery. The row is claimed (queued -> sending) and committed before the provider is called, and
    the provider gets the row's id as its out-id: a second worker, or this job run again after a crash, finds the
    row claimed and sends nothing, so no one gets the same SMS twice. A retryable failure puts the row back with a
    later ``not_before``; release_due() hands it over again then."""
    current = now()
    # The claim returns what sending needs of the row; its commit makes it stick before the provider is called.
    table = Delivery.__table__  # Core statements: the ORM's UPDATE path adds work and has no objects to refresh
    delivery = db.session.execute(
        sa.update(table)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == "queued",
            sa.or_(Delivery.not_before.is_(None), Delivery.not_before <= current),
        )
        .values(status="sending", claimed_at=current, attempts=Delivery.attempts + 1)
        .returning(Delivery.id, Delivery.notification_id, Delivery.channel, Delivery.reason, Delivery.attempts)
    ).first()
    db.session.commit()
    if delivery is None:
        return
    note, user = db.session.execute(
        sa.select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id == delivery.notification_id)
    ).one()
    if note.read_at is not None or (delivery.reason == "quiet_hours" and rules.expired(note.params or {}, current)):
        _finish(delivery, "suppressed", reason="read" if note.read_at else "expired")
        return
    try:
        provider_id = _send_over(delivery, note, user)
    except SendFailed as exc:
        _failed(delivery, exc)
        return
    except Exception as exc:  # a fault of ours: whether the provider was reached is unknown, so never again
        _finish(delivery, "failed", error=repr(exc)[:500])
        raise
    if provider_id is None:  # no template for this kind (SMS), or no browser subscribed any more (push)
        _finish(delivery, "suppressed", reason="no_template" if delivery.channel == "sms" else "no_subscription")
    else:
        _finish(delivery, "sent", provider_id=provider_id)


def _send_over(delivery, note: Notification, user: User) -> str | None:
    """Hand the message to the channel's sender; ``delivery`` is the claimed row (id, channel...)."""
    out_id = f"d{delivery.id}"
    if delivery.channel == "sms":
        try:
            capped = limits.take("SMS_NOTICE_LIMIT_PER_NUMBER", user.phone)
        except redis.RedisError:  # the counts live in Redis; the provider was not called, so it can go later
            raise Retryable("the per-number limits are unreachable (Redis)", code="limits_unavailable") from None
        if capped:
            raise Permanent("the daily cap of notices to this number is reached", code="daily_cap")
        return channels.send_sms(note, user, out_id=out_id)
    if delivery.channel == "email":
        return channels.send_email(note, user, out_id=out_id)
    subscriptions = list(
        db.session.execute(sa.select(PushSubscription).where(PushSubscription.user_id == user.id)).scalars()
    )
    if not subscriptions:
        return None
    gone = []
    try:
        gone = channels.send_push(note, user, subscriptions, out_id=out_id)
    except SendFailed as exc:
        gone = getattr(exc, "gone", [])
        raise
    finally:  # committed with the delivery's new state
        for subscription in gone:
            db.session.delete(subscription)
    return None if len(gone) == len(subscriptions) else out_id


def _failed(delivery, exc: SendFailed) -> None:
    intervals = current_app.config["DELIVERY_RETRY_INTERVALS_S"]
    error = f"{exc.code}: {exc}"[:500] if exc.code else str(exc)[:500]
    if exc.retryable and delivery.attempts <= len(intervals):
        wait = timedelta(seconds=intervals[delivery.attempts - 1])
        _finish(delivery, "queued", error=error, not_before=now() + wait)
    elif exc.code == "daily_cap":
        _finish(delivery, "suppressed", reason="daily_cap")
    else:
        _finish(delivery, "failed", error=error)
    log.warning("delivery %s over %s: %s", delivery.id, delivery.channel, error)


def _finish(delivery, status: str, **values) -> None:
    """Leave the sending state; only the worker holding the claim writes this."""
    changes: dict[str, Any] = {"status": status}
    if status == "sent":
        changes["sent_at"] = now()
    if "error" in values:
        changes["last_error"] = values.pop("error")
    changes.update(values)
    db.session.execute(
        sa.update(Delivery.__table__).where(Delivery.id == delivery.id, Delivery.status == "sending").values(**changes)
    )
    db.session.commit()


def release_due(limit: int = 1000) -> int:
    """Hand over deliveries whose wait (quiet hours, a retry's back-off) is over; mark as failed those claimed by a
    worker that died during the provider call (DELIVERY_STUCK_AFTER_S), which are never sent again."""
    return atomic(_release_due, limit)


def _release_due(limit: int) -> int:
    current = now()
    due = list(
        db.session.execute(
            sa.select(Delivery.id)
            .where(Delivery.status == "queued", Delivery.not_before <= current)
            .order_by(Delivery.not_before)
            .limit(limit)
        ).scalars()
    )
    if due:
        db.session.execute(
            sa.update(Delivery)
            .where(Delivery.id.in_(due), Delivery.status == "queued", Delivery.not_before <= current)
            .values(not_before=None)
        )
        outbox.record_many(SEND, [{"delivery_id": delivery_id} for delivery_id in due])
    stuck_before = current - timedelta(seconds=current_app.config["DELIVERY_STUCK_AFTER_S"])
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.status == "sending", Delivery.claimed_at < stuck_before)
        .values(status="failed", last_error="the worker stopped during the provider call; not sent again")
    )
    return len(due)


def record_receipt(channel: str, provider_id: str, *, delivered: bool, error: str | None = None) -> bool:
    """A provider's delivery receipt for a message it accepted: sent -> delivered (or failed, with its error)."""
    values = {"status": "delivered", "delivered_at": now()} if delivered else {"status": "failed", "last_error": error}
    changed = updated_rows(
        db.session.execute(
            sa.update(Delivery)
            .where(Delivery.channel == channel, Delivery.provider_id == provider_id, Delivery.status == "sent")
            .values(**values)
        )
    )
    db.session.commit()
    return bool(changed)


def delivery_counts(actor_id: int, cause: str) -> dict[str, dict[str, int]]:
    """{channel: {status: n}} for the notifications ``actor_id`` caused with ``cause``, inbox included."""
    counts: dict[str, dict[str, int]] = {}
    inbox = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(Notification.read_at)).where(
            Notification.actor_id == actor_id, Notification.cause == cause
        )
    ).one()
    counts["inbox"] = {"sent": inbox[0], "read": inbox[1]}
    rows = db.session.execute(
        sa.select(Delivery.channel, Delivery.status, sa.func.count())
        .join(Notification, Notification.id == Delivery.notification_id)
        .where(Notification.actor_id == actor_id, Notification.cause == cause)
        .group_by(Delivery.channel, Delivery.status)
    )
    for channel, status, n in rows:
        counts.setdefault(channel, {})[status] = n
    return counts


TEST_KIND = "channel_test"


def channel_settings(user) -> dict:
    """The person's channels beside the inbox, as the page and the API show them: what they chose, whether their
    number is verified (SMS goes only to verified numbers), and which channels this deployment has."""
    return {
        "sms": user.sms_enabled,
        "push": user.push_enabled,
        "email": user.email,
        "urgent_in_quiet_hours": user.urgent_in_quiet_hours,
        "phone_verified": user.phone_verified_at is not None,
        "push_devices": db.session.execute(
            sa.select(sa.func.count()).where(PushSubscription.user_id == user.id)
        ).scalar_one(),
        "available": {channel: channel in _channels() for channel in rules.CHANNELS},
    }


def update_channels(user, *, sms: bool, push: bool, email: str | None, urgent_in_quiet_hours: bool) -> User:
    """Choose the channels beside the in-app inbox; an e-mail address is checked (none: no e-mail)."""
    values = {
        "sms_enabled": sms,
        "push_enabled": push,
        "email": rules.check_email(email),
        "urgent_in_quiet_hours": urgent_in_quiet_hours,
    }
    return atomic(_update_user, user.id, values)


def _update_user(user_id: int, values: dict) -> User:
    user = get_row(db.session, User, user_id)
    for name, value in values.items():
        setattr(user, name, value)
    return user


def send_test(user) -> Notification:
    """ "Send me a test message": a notification of its own kind over every channel the person chose (quiet hours
    still hold for SMS and push). At most CHANNEL_TEST_LIMIT_PER_USER, so the button cannot send SMS in bulk."""
    wait = limits.take("CHANNEL_TEST_LIMIT_PER_USER", f"user:{user.id}")
    if wait:
        raise DomainError(
            _l("You sent several test messages already. Try again in %(minutes)d minutes.", minutes=-(-wait // 60)),
            code="rate_limited",
            status=429,
            retry_after=wait,
        )
    note = atomic(notify, user.id, TEST_KIND)
    assert note is not None  # notify without a dedupe key always creates the notification
    return note


def last_test(user) -> tuple[Notification, list[Delivery]] | None:
    """The person's latest test message and how each channel carried it (none planned yet: an empty list)."""
    note = db.session.execute(
        sa.select(Notification)
        .where(Notification.user_id == user.id, Notification.kind == TEST_KIND)
        .order_by(Notification.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if note is None:
        return None
    deliveries = db.session.execute(
        sa.select(Delivery).where(Delivery.notification_id == note.id).order_by(Delivery.channel)
    ).scalars()
    return note, list(deliveries)


REACHED = ("sent", "delivered")  # the provider accepted it (and perhaps confirmed it arrived)
WAITING = ("queued", "sending")


def task_cause(task_id: int, *parts) -> str:
    """The cause of notifications an organizer's action on a task sent: "task:12:cancelled",
    "task:12:claim:5:removed"... The task comes first, so a task's causes share one prefix."""
    return ":".join(("task", str(task_id), *map(str, parts)))


def list_notices(task_id: int, limit: int = 10) -> list[dict]:
    """What organizers' actions on a task told people, newest first: per cause, who caused it, the kind, when,
    how many people, and per channel how many messages went out (``reached``), still wait or failed."""
    in_task = (
        Notification.actor_id.is_not(None),
        # A prefix match, not a range: PostgreSQL's non-C collations compare punctuation loosely.
        Notification.cause.startswith(task_cause(task_id, ""), autoescape=True),
        Notification.task_id == task_id,
    )
    latest = sa.func.max(Notification.created_at)
    groups = db.session.execute(
        sa.select(
            Notification.actor_id,
            Notification.cause,
            sa.func.min(Notification.kind),
            latest,
            sa.func.count(),
            sa.func.count(Notification.read_at),
        )
        .where(*in_task)
        .group_by(Notification.actor_id, Notification.cause)
        .order_by(latest.desc())
        .limit(limit)
    ).all()
    notices: dict[tuple[Any, Any], dict[str, Any]] = {
        (actor_id, cause): {
            "actor_id": actor_id,
            "cause": cause,
            "kind": kind,
            "at": at,
            "recipients": n,
            "channels": {"inbox": {"sent": n, "read": read}},
        }
        for actor_id, cause, kind, at, n, read in groups
    }
    if notices:
        for actor_id, cause, channel, status, n in db.session.execute(
            sa.select(Notification.actor_id, Notification.cause, Delivery.channel, Delivery.status, sa.func.count())
            .join(Delivery, Delivery.notification_id == Notification.id)
            .where(*in_task, Notification.cause.in_({cause for _, cause in notices}))
            .group_by(Notification.actor_id, Notification.cause, Delivery.channel, Delivery.status)
        ):
            if (actor_id, cause) in notices:
                notices[(actor_id, cause)]["channels"].setdefault(channel, {})[status] = n
    return [_with_totals(notice) for notice in notices.values()]


def _with_totals(notice: dict) -> dict:
    outside = {channel: statuses for channel, statuses in notice["channels"].items() if channel != "inbox"}
    notice["reached"] = {
        channel: sum(statuses.get(status, 0) for status in REACHED) for channel, statuses in outside.items()
    }
    notice["waiting"] = sum(statuses.get(s, 0) for statuses in outside.values() for s in WAITING)
    notice["failed"] = sum(statuses.get("failed", 0) for statuses in outside.values())
    return notice


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
    changed = updated_rows(db.session.execute(query.values(read_at=at or now())))
    db.session.commit()
    return changed


def acknowledge(user, notification_id: int) -> Notification:
    """收到: the reader confirms one of their notifications (which also marks it read); anyone else's is not found.
    Acknowledging twice keeps the first time."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_l("No such notification."))
    at = now()
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id == note.id, Notification.acked_at.is_(None))
        .values(acked_at=at, read_at=sa.func.coalesce(Notification.read_at, at))
    )
    db.session.commit()
    db.session.refresh(note)
    return note
