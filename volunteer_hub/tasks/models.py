"""Tasks and their shifts. A shift's ``confirmed`` counter is the database-backed capacity guard."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.core.db import utcnow
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import Model

MAX_SHIFTS_PER_TASK = 200
MAX_CAPACITY = 10_000
MAX_SHIFT_HOURS = 24


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"
    # A task whose shifts have all ended shows as completed at once; a recurring job then stores it.
    COMPLETED = "completed"


class GeocodeStatus(enum.StrEnum):
    OK = "ok"
    PENDING = "pending"
    FAILED = "failed"


class Task(Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # The nearby list narrows by this index first: open tasks inside a lat/lon box.
        sa.Index("ix_tasks_status_geo", "status", "lat", "lon"),
        sa.UniqueConstraint("created_by_id", "client_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    type: Mapped[str] = mapped_column(sa.String(32))
    # WGS-84. Empty while an address-only task waits for geocoding (it is not listed nearby until then).
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    geocode_status: Mapped[str] = mapped_column(sa.String(10), default=GeocodeStatus.OK)
    geocode_error: Mapped[str | None] = mapped_column(sa.String(200))
    match_radius_km: Mapped[float] = mapped_column(default=5.0)
    urgent: Mapped[bool] = mapped_column(default=False)  # match notifications ignore quiet hours and budgets
    # Places of volunteers who did not confirm they will come by the deadline are released to the waitlist.
    release_unconfirmed: Mapped[bool] = mapped_column(default=False)
    # Risk gates (《志愿服务条例》 §16–17): claims are refused until the volunteer meets them.
    requires_insurance: Mapped[bool] = mapped_column(default=False)
    requires_qualification: Mapped[str | None] = mapped_column(sa.String(32))  # a catalogue.QUALIFICATIONS code
    requires_health_declaration: Mapped[bool] = mapped_column(default=False)
    help_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("help_requests.id", use_alter=True))
    checkin_radius_m: Mapped[int] = mapped_column(default=300)  # check-in is accepted within this of the point
    leader_name: Mapped[str] = mapped_column(sa.String(50), default="")  # 活动负责人, on every service record
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # when a shift's relief alarm fires, a call-out for the missing places starts by itself (posts.relief)
    auto_callout: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default=TaskStatus.OPEN)
    # Start of the last shift and end of the last shift: "has a future shift" and "completed" without a join.
    last_start_at: Mapped[datetime | None] = mapped_column(index=True)
    last_end_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Idempotency key of the form or request that created the task: a double submit returns the first task.
    client_token: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    org = relationship("Organisation")
    created_by = relationship("User")
    skill_rows: Mapped[list["TaskSkill"]] = relationship(cascade="all, delete-orphan", order_by="TaskSkill.code")
    shifts: Mapped[list["Shift"]] = relationship(
        back_populates="task", order_by="Shift.starts_at, Shift.id", cascade="all, delete-orphan"
    )

    @property
    def required_skills(self) -> list[str]:
        return [row.code for row in self.skill_rows]

    @required_skills.setter
    def required_skills(self, codes) -> None:
        wanted = set(codes)
        self.skill_rows = [row for row in self.skill_rows if row.code in wanted] + [
            TaskSkill(code=code) for code in sorted(wanted - set(self.required_skills))
        ]

    @property
    def display_status(self) -> str:
        if self.status == TaskStatus.OPEN and self.last_end_at and self.last_end_at <= now():
            return TaskStatus.COMPLETED
        return self.status

    @property
    def is_open(self) -> bool:
        return self.display_status == TaskStatus.OPEN

    def refresh_schedule(self) -> None:
        """Recompute the denormalized schedule columns from the shifts."""
        self.last_start_at = max((s.starts_at for s in self.shifts), default=None)
        self.last_end_at = max((s.ends_at for s in self.shifts), default=None)


class TaskSkill(Model):
    __tablename__ = "task_skills"

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True, index=True)


class Shift(Model):
    __tablename__ = "shifts"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(f"capacity BETWEEN 1 AND {MAX_CAPACITY}", name="capacity_range"),
        # The last line of defence: no code path can store more confirmed places than there are.
        sa.CheckConstraint("confirmed >= 0 AND confirmed <= capacity", name="confirmed_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    confirmed: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shift_series.id", ondelete="SET NULL"), index=True)
    # Lottery mode (volunteer_hub.lottery): sign-ups until lottery_until enter a draw; a job then confirms the
    # drawn in order.
    lottery_until: Mapped[datetime | None]
    lottery_party_first: Mapped[bool] = mapped_column(default=False)
    lottery_seed: Mapped[str | None] = mapped_column(sa.String(64))
    lottery_drawn_at: Mapped[datetime | None]

    # Loaded with the shift in one query: nearly every use of a shift needs its task.
    task: Mapped[Task] = relationship(back_populates="shifts", lazy="joined", innerjoin=True)

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= now()

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def overlaps(self, other: "Shift") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at
