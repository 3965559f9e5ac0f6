"""What a claim reads of a shift and its task, in one Core query.

A claim is the busiest write (issue 6): loading the Shift and its joined Task as ORM objects cost it more than
any of its own statements. The attributes have the names of Shift's and Task's, and the derived ones are
those models' own properties, so the claim rules take either: they are typed with the protocols TaskLike and
ShiftLike, which both the stand-ins and the models keep to (mypy checks it at the end of this module).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import NotFound
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift, Task


class TaskLike(Protocol):
    """What the claim rules read of a task: a Task, or the TaskTerms of a claim."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def last_end_at(self) -> datetime | None: ...
    @property
    def requires_approval(self) -> bool: ...
    @property
    def requires_insurance(self) -> bool: ...
    @property
    def requires_qualification(self) -> str | None: ...
    @property
    def requires_health_declaration(self) -> bool: ...
    @property
    def display_status(self) -> str: ...


class ShiftLike(Protocol):
    """What the claim rules read of a shift: a Shift, or the ShiftTerms of a claim."""

    @property
    def id(self) -> int: ...
    @property
    def task_id(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def capacity(self) -> int: ...
    @property
    def confirmed(self) -> int: ...
    @property
    def lottery_until(self) -> datetime | None: ...
    @property
    def lottery_drawn_at(self) -> datetime | None: ...
    @property
    def task(self) -> TaskLike: ...
    @property
    def has_started(self) -> bool: ...
    @property
    def places_left(self) -> int: ...


@dataclass(frozen=True, slots=True)
class TaskTerms:
    id: int
    status: str
    last_end_at: datetime | None
    requires_approval: bool
    requires_insurance: bool
    requires_qualification: str | None
    requires_health_declaration: bool

    display_status = Task.display_status


@dataclass(frozen=True, slots=True)
class ShiftTerms:
    id: int
    task_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int
    lottery_until: datetime | None
    lottery_drawn_at: datetime | None
    task: TaskTerms

    has_started = Shift.has_started
    places_left = Shift.places_left


_TASK_FIELDS = [name for name in TaskTerms.__slots__ if name != "id"]
_SHIFT_FIELDS = [name for name in ShiftTerms.__slots__ if name != "task"]
_TERMS = (
    sa.select(*(Shift.__table__.c[name] for name in _SHIFT_FIELDS), *(Task.__table__.c[name] for name in _TASK_FIELDS))
    .join_from(Shift.__table__, Task.__table__, Task.__table__.c.id == Shift.__table__.c.task_id)
    .where(Shift.__table__.c.id == sa.bindparam("shift_id"))
)


def shift_terms(shift_id: object) -> ShiftTerms:
    """The shift and its task as a claim sees them; NotFound like tasks.services.get_shift."""
    row = db.session.connection().execute(_TERMS, {"shift_id": shift_id}).first() if isinstance(shift_id, int) else None
    if row is None:
        raise NotFound(_l("No such shift."))
    shift = row[: len(_SHIFT_FIELDS)]
    task = TaskTerms(shift[1], *row[len(_SHIFT_FIELDS) :])
    return ShiftTerms(*(*shift, task))


if TYPE_CHECKING:
    # The stand-ins and the models both keep to the protocols: a column renamed or retyped on one side only
    # fails mypy here.
    _TASKS: tuple[type[TaskLike], ...] = (Task, TaskTerms)
    _SHIFTS: tuple[type[ShiftLike], ...] = (Shift, ShiftTerms)
