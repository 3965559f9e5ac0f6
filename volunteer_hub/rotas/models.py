"""Shift series (a daily pattern over a date range), the teams' adoptions of them, and swaps between members."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class ShiftSeries(Model):
    """A daily pattern of shifts over a date range (e.g. 08–16, 16–24, 00–08, two people each)."""

    __tablename__ = "shift_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    from_date: Mapped[date]
    to_date: Mapped[date]
    pattern: Mapped[list] = mapped_column(sa.JSON)  # [{"start": "08:00", "end": "16:00", "capacity": 2}, ...]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesAdoption(Model):
    """A team takes on (a date range of) a shift series and fills it with a rota."""

    __tablename__ = "series_adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("shift_series.id", ondelete="CASCADE"), index=True)
    from_date: Mapped[date]
    to_date: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SwapStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"


class ShiftSwap(Model):
    """A member offers their place on a shift; another member accepts and takes it over (atomically)."""

    __tablename__ = "shift_swaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    offered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Optional: the accepter gives back a shift of theirs in exchange.
    exchange_claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default=SwapStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
