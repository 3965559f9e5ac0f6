"""The hours ledger and what surrounds it.

``hour_entries`` is append-only: the database refuses UPDATE and DELETE (triggers, see migration 0003); a
correction is a new entry with a reason that points at the entry it corrects.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class EntrySource(enum.StrEnum):
    ATTENDANCE = "attendance"  # confirmed from a check-in/check-out
    MANUAL = "manual"  # confirmed from an organizer's attendance mark (the shift length by default)
    CORRECTION = "correction"  # a later adjustment, with a reason


class HourEntry(Model):
    """One service record: who served, what, where, when, how long, recorded by which unit, confirmed by whom."""

    __tablename__ = "hour_entries"
    __table_args__ = (
        sa.Index("ix_hour_entries_volunteer_date", "volunteer_id", "service_date"),
        # Statistics read a period's ledger days per volunteer from this index alone (PostgreSQL).
        sa.Index(
            "ix_hour_entries_org_date",
            "org_id",
            "service_date",
            postgresql_include=["volunteer_id", "minutes", "corrects_id"],
        ),
        # A claim is confirmed once; later changes are corrections.
        sa.Index(
            "uq_hour_entries_claim_confirmed",
            "claim_id",
            unique=True,
            sqlite_where=sa.text("corrects_id IS NULL AND claim_id IS NOT NULL"),
            postgresql_where=sa.text("corrects_id IS NULL AND claim_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    shift_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shifts.id"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))  # the organising (recording) unit
    activity_name: Mapped[str] = mapped_column(sa.String(100))
    service_date: Mapped[date]  # local date the service started (a night shift counts on its start date)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    service_content: Mapped[str] = mapped_column(sa.String(200), default="")
    task_type: Mapped[str] = mapped_column(sa.String(32))
    leader_name: Mapped[str] = mapped_column(sa.String(50), default="")  # 活动负责人
    minutes: Mapped[int]  # signed: a correction may take time away
    source: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hour_entries.id"))
    confirmed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))  # served as part of this team

    volunteer = relationship("User", foreign_keys=[volunteer_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    org = relationship("Organisation")


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # a correction entry was written
    REFUSED = "refused"


class HourDispute(Model):
    """A volunteer questions an entry, or reports one missing (办法 §13); the recording unit answers."""

    __tablename__ = "hour_disputes"
    __table_args__ = (sa.Index("ix_hour_disputes_org_status", "org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hour_entries.id"))  # None: a missing entry
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))  # who must answer
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default=DisputeStatus.OPEN)
    response: Mapped[str | None] = mapped_column(sa.Text)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    responded_at: Mapped[datetime | None]
    correction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hour_entries.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnomalyKind(enum.StrEnum):
    OVERLAPPING_ATTENDANCE = "overlapping_attendance"
    FAR_CHECK_IN = "far_check_in"
    LONGER_THAN_SHIFT = "longer_than_shift"
    DEVICE_BURST = "device_burst"  # many check-ins from one device within minutes
    SELF_CONFIRMED = "self_confirmed"  # confirmed by someone who was also an attendee of the shift


class AnomalyFlag(Model):
    """Something a reviewer should look at. Never blocks a confirmation."""

    __tablename__ = "anomaly_flags"
    __table_args__ = (sa.Index("ix_anomaly_flags_org_created", "org_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hour_entries.id"))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(sa.String(120), unique=True)  # one flag per finding
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
