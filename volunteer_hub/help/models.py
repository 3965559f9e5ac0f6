"""A resident's request for help, seen only by the organizers of the resident's community."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class HelpStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # a task with one shift was made from it
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class HelpRequest(Model):
    __tablename__ = "help_requests"
    __table_args__ = (sa.Index("ix_help_requests_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the simple public form
    # A secret in the link the resident keeps when asking without an account (to follow and thank).
    access_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    type: Mapped[str] = mapped_column(sa.String(32))  # delivery, medicine, foreign_language, psychological, other
    description: Mapped[str] = mapped_column(sa.Text)
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    address: Mapped[str] = mapped_column(sa.String(200))  # exact: private (see help.rules)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    needed_at: Mapped[datetime]
    contact_name: Mapped[str] = mapped_column(sa.String(50))
    contact_phone: Mapped[str] = mapped_column(sa.String(16))  # private
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))  # whose organizers see it
    status: Mapped[str] = mapped_column(sa.String(12), default=HelpStatus.OPEN)
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    thanks: Mapped[str | None] = mapped_column(sa.String(500))  # shown in the volunteer's history
    thanked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
