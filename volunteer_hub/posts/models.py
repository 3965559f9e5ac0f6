"""The relief alarm of a shift (at most one per shift) and who of the previous shift said they would stay."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class ReliefAlarm(Model):
    __tablename__ = "relief_alarms"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"), unique=True)
    missing: Mapped[int]  # places without a check-in when it fired
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]  # when check-ins reached the places
    callout_id: Mapped[int | None] = mapped_column(sa.ForeignKey("callouts.id", ondelete="SET NULL"))


class ReliefStay(Model):
    """A volunteer of the previous shift, still on the post, answered "I'll stay" until a time."""

    __tablename__ = "relief_stays"
    __table_args__ = (sa.UniqueConstraint("alarm_id", "claim_id", name="uq_relief_stays_alarm_claim"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alarm_id: Mapped[int] = mapped_column(sa.ForeignKey("relief_alarms.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    until: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
