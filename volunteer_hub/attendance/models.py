"""Every attendance change, kept: where the phone was, how accurate, from which device, who marked it."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class AttendanceKind(enum.StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    MARKED_PRESENT = "marked_present"
    MARKED_NO_SHOW = "marked_no_show"
    AUTO_NO_SHOW = "auto_no_show"  # the job, after a shift nobody checked in to
    NO_SHOW_REVERSED = "no_show_reversed"


class AttendanceMethod(enum.StrEnum):
    GPS = "gps"
    QR = "qr"
    MANUAL = "manual"  # an organizer on the roster (代签)
    JOB = "job"


class AttendanceEvent(Model):
    __tablename__ = "attendance_events"
    __table_args__ = (sa.Index("ix_attendance_events_device_created", "device", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    method: Mapped[str] = mapped_column(sa.String(10))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]  # from the task's point, geodesic
    device: Mapped[str | None] = mapped_column(sa.String(64))  # a hash identifying the phone, for anomaly flags
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # for one recorded offline: the phone's time
    offline: Mapped[bool] = mapped_column(default=False)  # queued on the phone without a network, sent later
    received_at: Mapped[datetime | None]  # for one recorded offline: when the server received it
