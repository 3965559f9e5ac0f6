"""What the development senders would have sent (SMS_SENDER=dev, EMAIL_SENDER=dev): listed at /dev/messages."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class DevMessage(Model):
    __tablename__ = "dev_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(10))  # "sms" | "email"
    to: Mapped[str] = mapped_column(sa.String(1000))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
