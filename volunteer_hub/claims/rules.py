"""Claim policy as named checks. Pages use them to say why a button is unavailable; services enforce them."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core import formatting
from volunteer_hub.core.errors import Conflict
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift, Task, TaskStatus


def check_task_open(task: Task) -> None:
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_l("This task was cancelled."), code="task_cancelled")
    if task.display_status == TaskStatus.COMPLETED:
        raise Conflict(_l("This task is already completed."), code="task_completed")


def check_not_started(shift: Shift) -> None:
    if shift.has_started:
        raise Conflict(_l("This shift has already started."), code="shift_started")


@dataclass(frozen=True)
class Clash:
    """Another confirmed shift of the volunteer at the same time."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    task_title: str


_shifts, _tasks, _claims = Shift.__table__, Task.__table__, Claim.__table__


def _overlapping(*columns):
    """Confirmed claims of :user_id on shifts other than :shift_id that overlap [:starts_at, :ends_at)."""
    return (
        sa.select(*columns)
        .select_from(_claims.join(_shifts, _shifts.c.id == _claims.c.shift_id))
        .where(
            _claims.c.user_id == sa.bindparam("user_id"),
            _claims.c.status == ClaimStatus.CONFIRMED.value,
            _shifts.c.id != sa.bindparam("shift_id"),
            _shifts.c.starts_at < sa.bindparam("ends_at"),
            _shifts.c.ends_at > sa.bindparam("starts_at"),
        )
    )


# Built once: these run inside the claim transaction, where every microsecond holds SQLite's write lock.
_OVERLAP = (
    _overlapping(_shifts.c.id, _shifts.c.starts_at, _shifts.c.ends_at, _tasks.c.title)
    .join(_tasks, _tasks.c.id == _shifts.c.task_id)
    .limit(1)
)
NO_OVERLAP = ~sa.exists(_overlapping(_claims.c.id))


def find_overlap(user_id: int, shift: Shift) -> Clash | None:
    """A confirmed shift of the volunteer that overlaps shift in time (touching end to start is fine)."""
    row = db.session.connection().execute(
        _OVERLAP, {"user_id": user_id, "shift_id": shift.id, "starts_at": shift.starts_at, "ends_at": shift.ends_at}
    ).first()
    return Clash(*row) if row else None


def check_no_overlap(user_id: int, shift: Shift) -> None:
    clash = find_overlap(user_id, shift)
    if clash:
        raise Conflict(
            _l("This overlaps your shift “%(task)s” %(when)s.", task=clash.task_title,
               when=formatting.shift_span(clash.starts_at, clash.ends_at)),
            code="shift_overlap",
            other_shift_id=clash.shift_id,
        )


def check_claimable(user_id: int, shift: Shift) -> None:
    """Everything that must hold before a volunteer may claim shift."""
    check_task_open(shift.task)
    check_not_started(shift)
    check_no_overlap(user_id, shift)
