"""A post's supply items and every change of their counts (a ledger: set at handover, by the organizer, or an
issue to a volunteer)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class SupplyKind(enum.StrEnum):
    MASKS = "masks"
    GLOVES = "gloves"
    GOWNS = "gowns"  # protective gowns
    SANITIZER = "sanitizer"
    THERMOMETERS = "thermometers"
    TEST_KITS = "test_kits"
    FOOD_WATER = "food_water"
    OTHER = "other"  # with a name


class MovementReason(enum.StrEnum):
    HANDOVER = "handover"  # counted at a handover
    ORGANIZER = "organizer"  # set or restocked by an organizer
    ISSUE = "issue"  # handed to a volunteer


class SupplyItem(Model):
    __tablename__ = "supply_items"
    __table_args__ = (sa.UniqueConstraint("task_id", "kind", "name", name="uq_supply_items_task_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # see SupplyKind
    name: Mapped[str] = mapped_column(sa.String(50), default="")  # for OTHER; "" otherwise
    count: Mapped[int] = mapped_column(default=0)
    low_threshold: Mapped[int | None]  # at or below it the organizers are told, once per crossing
    low_alerted: Mapped[bool] = mapped_column(default=False)  # told since the count last went above it
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class SupplyMovement(Model):
    __tablename__ = "supply_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("supply_items.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(10))  # see MovementReason
    delta: Mapped[int]
    count_after: Mapped[int]
    handover_id: Mapped[int | None] = mapped_column(sa.ForeignKey("handovers.id", ondelete="SET NULL"))
    issued_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
