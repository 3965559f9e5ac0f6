"""A notification stores its kind and parameters; the text is rendered when read, in the reader's language."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
        # Jobs run at least once: a notification with a key is created once per user however often they run.
        sa.UniqueConstraint("user_id", "dedupe_key"),
        sa.Index("ix_notifications_actor_cause", "actor_id", "cause"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]  # "收到": the reader confirmed an organizer's message or call
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120))
    # Urgent notifications may break quiet hours on the outside channels, for people who opted in to that.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Who caused it and what for ("task:12:cancelled"): the organizer sees how many were delivered, per channel.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    cause: Mapped[str | None] = mapped_column(sa.String(64))


class Delivery(Model):
    """A notification's delivery over one channel beyond the inbox (sms, push, email): one row per pair.

    status: queued (waiting, perhaps until ``not_before``), sending (claimed by a worker just before the provider
    call), sent (the provider accepted it; ``provider_id`` is its message id), delivered (a receipt said so),
    failed (given up; ``last_error``), suppressed (never sent; ``reason`` says why: opted out, quiet hours passed,
    daily cap, no template, no subscription...).
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("notification_id", "channel"),
        sa.Index("ix_deliveries_due", "status", "not_before"),
        sa.Index("ix_deliveries_user_channel_created", "user_id", "channel", "created_at"),
        sa.Index("ix_deliveries_provider_id", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    provider_id: Mapped[str | None] = mapped_column(sa.String(100))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    not_before: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(Model):
    """A browser's Web Push subscription (W3C Push API): where to post, and the keys to encrypt for it."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The login (web session or API token) that subscribed it: logging out, a password change or reset (which end
    # every login) take the subscription with them, so a shared phone stops showing the last person's notices.
    auth_token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_tokens.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    @property
    def info(self) -> dict:
        """The subscription as the browser's PushSubscription.toJSON() gives it (what pywebpush takes)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
