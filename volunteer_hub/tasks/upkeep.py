"""Recurring care of tasks: close the finished ones, warn organizers about shifts still short of people."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer_hub.core.db import updated_rows
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs.models import Role, RoleGrant
from volunteer_hub.tasks.models import Shift, Task, TaskStatus


def close_expired_tasks() -> int:
    """Store 'completed' on open tasks whose last shift has ended (they already show as completed)."""
    closed = updated_rows(
        db.session.execute(
            sa.update(Task)
            .where(Task.status == TaskStatus.OPEN, Task.last_end_at <= now())
            .values(status=TaskStatus.COMPLETED)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    return closed


def alert_underfilled() -> int:
    """Tell a task's organizers (those holding the role on its organisation, else whoever posted it) about
    each shift still short of people UNDERFILLED_ALERT_HOURS before it starts, once per shift."""
    horizon = now() + timedelta(hours=current_app.config["UNDERFILLED_ALERT_HOURS"])
    shifts = (
        db.session.execute(
            sa.select(Shift)
            .join(Shift.task)
            .where(
                Task.status == TaskStatus.OPEN,
                Shift.starts_at > now(),
                Shift.starts_at <= horizon,
                Shift.confirmed < Shift.capacity,
            )
        )
        .scalars()
        .all()
    )
    return sum(atomic(_alert, shift) for shift in shifts)


def _alert(shift: Shift) -> int:
    task = shift.task
    organizers = db.session.execute(
        sa.select(RoleGrant.user_id).where(RoleGrant.org_id == task.org_id, RoleGrant.role == Role.ORGANIZER)
    ).scalars().all() or [task.created_by_id]
    created = 0
    for user_id in organizers:
        created += (
            notify(
                user_id,
                "shift_underfilled",
                task_id=task.id,
                dedupe_key=f"underfilled:shift:{shift.id}",
                task=task.title,
                starts_at=shift.starts_at.isoformat(),
                ends_at=shift.ends_at.isoformat(),
                missing=shift.capacity - shift.confirmed,
                shift_id=shift.id,
            )
            is not None
        )
    return created
