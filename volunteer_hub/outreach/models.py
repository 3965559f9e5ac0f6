"""One message an organizer (or a team's leader) sent to the people of a shift, a task or a team."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class Scope(enum.StrEnum):
    SHIFT = "shift"  # the shift's confirmed volunteers (and its waitlist, when asked)
    TASK = "task"  # the same, over every shift of the task that has not ended
    TEAM = "team"  # the team's active members


class OrganizerMessage(Model):
    __tablename__ = "organizer_messages"
    __table_args__ = (sa.Index("ix_organizer_messages_scope", "scope", "scope_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(sa.String(10))
    scope_id: Mapped[int]
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    include_waitlisted: Mapped[bool] = mapped_column(default=False)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def cause(self) -> str:
        """How the notifications it created are found again (notifications.cause)."""
        return f"message:{self.id}"
