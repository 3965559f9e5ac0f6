"""A call-out for one shift, and the volunteers it paged with their answers."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class CalloutStatus(enum.StrEnum):
    PAGING = "paging"  # waves go out; "yes" answers claim places
    FILLED = "filled"  # the places asked for are taken (or the shift is full): no more pages, no more claims
    EXHAUSTED = "exhausted"  # nobody is left to page; answers of those already paged still count
    CANCELLED = "cancelled"


OPEN_STATUSES = (CalloutStatus.PAGING, CalloutStatus.EXHAUSTED)  # a "yes" may still take a place


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"


class Callout(Model):
    __tablename__ = "callouts"
    __table_args__ = (
        # One call-out paging per shift: a second organizer's insert meets this index and gets the first one.
        sa.Index(
            "uq_callouts_paging_shift",
            "shift_id",
            unique=True,
            sqlite_where=sa.text("status = 'paging'"),
            postgresql_where=sa.text("status = 'paging'"),
        ),
        sa.Index("ix_callouts_due", "status", "next_wave_at"),
        sa.CheckConstraint("filled >= 0 AND filled <= needed", name="filled_within_needed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    needed: Mapped[int]
    filled: Mapped[int] = mapped_column(default=0)  # places taken through this call-out (reserved, then claimed)
    radius_km: Mapped[float]
    wave_size: Mapped[int | None]  # None: 3 × the places still needed
    wave_minutes: Mapped[int]
    message: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default=CalloutStatus.PAGING)
    next_wave_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filled_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]  # filled, exhausted or cancelled

    shift = relationship("Shift")

    @property
    def cause(self) -> str:
        """How the notifications it created are found again (notifications.cause)."""
        return f"callout:{self.id}"


class CalloutPage(Model):
    """One volunteer paged by a call-out: at most once per call-out (the unique pair is the memory)."""

    __tablename__ = "callout_pages"
    __table_args__ = (sa.UniqueConstraint("callout_id", "user_id", name="uq_callout_pages_callout_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    callout_id: Mapped[int] = mapped_column(sa.ForeignKey("callouts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    wave: Mapped[int]
    paged_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(sa.String(3))  # see Answer
    answered_at: Mapped[datetime | None]
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id", ondelete="SET NULL"))
