"""Append-only audit events (the database refuses UPDATE and DELETE, like the hours ledger)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: a job
    action: Mapped[str] = mapped_column(sa.String(40))  # e.g. hours.confirmed, attendance.marked_no_show
    subject_type: Mapped[str] = mapped_column(sa.String(20))  # claim, hour_entry, dispute, certificate
    subject_id: Mapped[int]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
