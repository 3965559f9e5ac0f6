"""Handover entries (append-only), the supply counts and incidents they carry, and who of the next shift has
acknowledged them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class Handover(Model):
    __tablename__ = "handovers"
    __table_args__ = (
        sa.Index("ix_handovers_task_created", "task_id", "created_at"),
        # an action queued offline and sent twice records one handover
        sa.UniqueConstraint("author_id", "client_id", name="uq_handovers_author_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("handovers.id", ondelete="SET NULL"))
    client_id: Mapped[str | None] = mapped_column(sa.String(64))  # the phone's id for an action queued offline
    recorded_at: Mapped[datetime | None]  # the phone's time, for one written offline
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HandoverSupply(Model):
    """A supply count as written in the handover (the item's count is set from it)."""

    __tablename__ = "handover_supplies"

    handover_id: Mapped[int] = mapped_column(sa.ForeignKey("handovers.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("supply_items.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int]


class HandoverIncident(Model):
    __tablename__ = "handover_incidents"

    handover_id: Mapped[int] = mapped_column(sa.ForeignKey("handovers.id", ondelete="CASCADE"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)


class HandoverAck(Model):
    __tablename__ = "handover_acks"

    handover_id: Mapped[int] = mapped_column(sa.ForeignKey("handovers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    acked_at: Mapped[datetime] = mapped_column(default=utcnow)
