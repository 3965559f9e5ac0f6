"""A claim links a volunteer to a shift and moves through a small set of states."""

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.core.db import utcnow
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import Model


class ClaimStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for an organizer's approval; holds no place
    CONFIRMED = "confirmed"  # holds one of the shift's places
    WAITLISTED = "waitlisted"  # the shift was full; promoted in order when a place frees up
    LOTTERY = "lottery"  # entered in a shift's draw during its sign-up window; holds no place until drawn
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    PRESENT = "present"  # checked in, or marked present by an organizer
    NO_SHOW = "no_show"  # marked by an organizer, or by the job after a shift nobody checked in to


class CancelReason(enum.StrEnum):
    VOLUNTEER = "volunteer"
    TASK_CANCELLED = "task_cancelled"
    UNCONFIRMED = "unconfirmed"  # released: the volunteer did not confirm attendance by the deadline
    TEAM_DECLINED = "team_declined"  # a member declined a place their team leader claimed for them


ACTIVE_STATUSES = (ClaimStatus.PENDING, ClaimStatus.CONFIRMED, ClaimStatus.WAITLISTED, ClaimStatus.LOTTERY)
_ACTIVE_SQL = "status IN ('pending', 'confirmed', 'waitlisted', 'lottery')"


class Claim(Model):
    __tablename__ = "claims"
    __table_args__ = (
        # At most one active claim per volunteer per shift, enforced by the database.
        sa.Index(
            "uq_claims_active_shift_user",
            "shift_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text(_ACTIVE_SQL),
            postgresql_where=sa.text(_ACTIVE_SQL),
        ),
        sa.Index("ix_claims_user_status", "user_id", "status"),
        sa.Index("ix_claims_shift_status_created", "shift_id", "status", "created_at"),
        # Attended claims whose hours nobody confirmed yet: a small set, for the deadline monitor.
        sa.Index(
            "ix_claims_hours_to_confirm",
            "shift_id",
            sqlite_where=sa.text("attendance = 'present' AND hours_confirmed_at IS NULL"),
            postgresql_where=sa.text("attendance = 'present' AND hours_confirmed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(20))  # see CancelReason
    # What the organizer told the volunteer when rejecting or removing them, or when cancelling the task.
    organizer_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # The volunteer answered "yes, I will come" to the day-before check.
    attendance_confirmed_at: Mapped[datetime | None]
    # On-site attendance (the history of every change is in attendance_events).
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    attendance: Mapped[str | None] = mapped_column(sa.String(10))  # see Attendance
    # Set when the claim's service record is written: attended claims without it are the hours still to confirm.
    hours_confirmed_at: Mapped[datetime | None]
    # Claimed by a team leader for this member (the member may decline), or through a published rota.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    health_declared_at: Mapped[datetime | None]  # the volunteer's health self-declaration, when the task asks
    lottery_rank: Mapped[int | None]  # place in a shift's draw (1 = drawn first)

    shift = relationship("Shift")
    user = relationship("User", foreign_keys=[user_id])
    team = relationship("Team")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def awaits_attendance_answer(self) -> bool:
        """A confirmed place in a shift starting within a day and a half that the volunteer has not yet
        confirmed they will come to (the day-before check)."""
        starts = self.shift.starts_at
        return (
            self.status == ClaimStatus.CONFIRMED
            and self.attendance_confirmed_at is None
            and now() < starts < now() + timedelta(hours=36)
        )
