"""A record that a volunteer was told about (or queued a digest line for) a task: never twice."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class NoticeStatus(enum.StrEnum):
    SENT = "sent"  # an in-app notification was created
    DIGEST = "digest"  # over budget or in quiet hours: waits for the daily digest
    DIGESTED = "digested"  # included in a digest


class MatchNotice(Model):
    __tablename__ = "match_notices"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "user_id"),
        sa.Index("ix_match_notices_user_created", "user_id", "created_at"),
        # The digest job looks only at notices still waiting.
        sa.Index(
            "ix_match_notices_waiting",
            "user_id",
            sqlite_where=sa.text("status = 'digest'"),
            postgresql_where=sa.text("status = 'digest'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(10))
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
