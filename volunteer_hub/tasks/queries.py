"""Read-side queries for tasks: the list without a location and organizers' task lists (nearby: see nearby.py)."""

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from volunteer_hub.core.timeutil import local_day_bounds, now
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift, Task, TaskSkill, TaskStatus

# What the task pages show of claims (built on tasks), registered at app creation: "states"(user, task), "counts"
# (shift_ids) and "active"(task), read by the three functions below.
_CLAIMS: dict[str, Callable] = {}


def register_claim_reads(*, states: Callable, counts: Callable, active: Callable) -> None:
    """How the task pages read claims (see _CLAIMS)."""
    _CLAIMS.update(states=states, counts=counts, active=active)


def claim_states(user, task: Task) -> dict:
    """mine, positions, clashes and problems per shift of task, for the volunteer's page (claims.rules.shift_states)."""
    return _CLAIMS["states"](user, task)


def claim_counts(shift_ids: list[int]) -> dict[int, dict[str, int]]:
    """{shift_id: {status: number of claims}}, for the organizer's page."""
    return _CLAIMS["counts"](shift_ids)


def count_active_claims(task: Task) -> int:
    """The claims a cancellation of task would cancel."""
    return _CLAIMS["active"](task)


def list_open_tasks_under(org: Organisation, limit: int) -> list[Task]:
    """Open tasks of org's subtree, newest first (what a temporary Party branch may be set up for)."""
    return list(
        db.session.execute(
            sa.select(Task)
            .join(Organisation, Organisation.id == Task.org_id)
            .where(Organisation.path.startswith(org.path, autoescape=True), Task.status == TaskStatus.OPEN)
            .order_by(Task.id.desc())
            .limit(limit)
        ).scalars()
    )


def _open_task_filter(query, *, task_type=None, skill=None, day: date | None = None):
    current = now()
    query = query.where(Task.status == TaskStatus.OPEN, Task.last_start_at > current)
    if task_type:
        query = query.where(Task.type == task_type)
    if skill:
        query = query.where(sa.exists().where(TaskSkill.task_id == Task.id, TaskSkill.code == skill))
    if day:
        start, end = local_day_bounds(day)
        query = query.where(
            sa.exists().where(Shift.task_id == Task.id, Shift.starts_at >= max(start, current), Shift.starts_at < end)
        )
    return query


def upcoming_tasks(*, task_type=None, skill=None, day=None, offset: int = 0, limit: int = 20) -> list[Task]:
    """Open tasks with a future shift, soonest last shift first: the list for visitors without a location."""
    query = _open_task_filter(sa.select(Task.id), task_type=task_type, skill=skill, day=day)
    ids = list(db.session.execute(query.order_by(Task.last_start_at, Task.id).offset(offset).limit(limit)).scalars())
    tasks = _load_tasks(ids)
    return [tasks[task_id] for task_id in ids]


def _load_tasks(ids: list[int]) -> dict[int, Task]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Task)
        .where(Task.id.in_(ids))
        # Not Shift.task's own joined load: it would read every task's columns again for each of its shifts,
        # and the shifts' task is the one just loaded (taken from the session, no query).
        .options(selectinload(Task.shifts).lazyload(Shift.task), joinedload(Task.org), selectinload(Task.skill_rows))
    ).scalars()
    return {task.id: task for task in rows}


def upcoming_shifts(task: Task) -> list[Shift]:
    current = now()
    return [shift for shift in task.shifts if shift.starts_at > current]


def tasks_for_organizer(user, *, include_past: bool = False, limit: int = 50, offset: int = 0) -> list[Task]:
    """Tasks of the organisations the user organizes or reviews, newest first."""
    query = sa.select(Task).join(Organisation, Organisation.id == Task.org_id)
    condition = permissions.scope_filter(user, permissions.READ_ROLES)
    if condition is not None:
        query = query.where(condition)
    if not include_past:
        query = query.where(Task.status == TaskStatus.OPEN, Task.last_end_at > now())
    query = query.options(selectinload(Task.shifts), selectinload(Task.org))
    return list(db.session.execute(query.order_by(Task.created_at.desc()).offset(offset).limit(limit)).scalars())
