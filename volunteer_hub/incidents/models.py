"""Incidents on a post, the people involved and the follow-ups (append-only)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class IncidentCategory(enum.StrEnum):
    INJURY = "injury"  # a volunteer was injured
    CONFLICT = "conflict"
    SUSPECTED_CASE = "suspected_case"
    EQUIPMENT = "equipment"  # equipment or supply
    OTHER = "other"


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    SEVERE = "severe"  # the organizers are told at once (urgent)


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Incident(Model):
    __tablename__ = "incidents"
    __table_args__ = (
        # an action queued offline and sent twice records one incident
        sa.UniqueConstraint("reporter_id", "client_id", name="uq_incidents_reporter_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shifts.id", ondelete="SET NULL"))
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(sa.String(16))  # see IncidentCategory
    severity: Mapped[str] = mapped_column(sa.String(8))  # see Severity
    occurred_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default=IncidentStatus.OPEN)
    client_id: Mapped[str | None] = mapped_column(sa.String(64))  # the phone's id for an action queued offline
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentPerson(Model):
    """A volunteer involved (from the shift's roster)."""

    __tablename__ = "incident_people"

    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class IncidentUpdate(Model):
    """A follow-up by an organizer (or the reporter); ``closes`` marks the one that closed the incident."""

    __tablename__ = "incident_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    closes: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
