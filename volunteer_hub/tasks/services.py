"""Task use cases: post, edit, cancel. Each is one transaction."""

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub import outbox
from volunteer_hub.accounts.models import User
from volunteer_hub.core.db import updated_rows
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks import rules
from volunteer_hub.tasks.models import GeocodeStatus, Shift, Task, TaskStatus

# Outbox jobs by name: the task's own geocoding, and matching (a package above tasks) once it has its point.
GEOCODE_TASK = "volunteer_hub.tasks.jobs.geocode_task"
MATCH_TASK = "volunteer_hub.matching.jobs.match_task"
# What claims (built on tasks) does when a task changes, in the task's transaction; registered at app creation:
# "capacity_changed"(shift) fills it from its waitlist, "shift_moved"(task, shift) tells its volunteers the new
# times, "task_cancelled"(task, reason) cancels every claim on the task; both take the organizer's actor_id.
_CLAIMS: dict[str, Callable] = {}
TASK_FIELDS = (
    "title",
    "description",
    "type",
    "lat",
    "lon",
    "address",
    "required_skills",
    "requires_approval",
    "match_radius_km",
    "urgent",
    "release_unconfirmed",
    "requires_insurance",
    "requires_qualification",
    "requires_health_declaration",
)
DEFAULTS = {
    "description": "",
    "address": "",
    "required_skills": [],
    "requires_approval": False,
    "match_radius_km": 5.0,
    "urgent": False,
    "release_unconfirmed": False,
    "requires_insurance": False,
    "requires_health_declaration": False,
}


def register_claim_reactions(*, capacity_changed: Callable, shift_moved: Callable, task_cancelled: Callable) -> None:
    """How a task's changes reach its claims (see _CLAIMS)."""
    _CLAIMS.update(capacity_changed=capacity_changed, shift_moved=shift_moved, task_cancelled=task_cancelled)


def get_task(task_id) -> Task:
    task = db.session.get(Task, task_id) if isinstance(task_id, int) else None
    if task is None:
        raise NotFound(_l("No such task."))
    return task


def get_shift(shift_id) -> Shift:
    shift = db.session.get(Shift, shift_id) if isinstance(shift_id, int) else None
    if shift is None:
        raise NotFound(_l("No such shift."))
    return shift


def post_task(
    actor: User,
    *,
    org_id,
    shifts: list[dict],
    client_token: str | None = None,
    on_publish: Callable[[Task], object] | None = None,
    **fields,
) -> Task:
    """Publish a task with its shifts for an organisation in the actor's subtree. on_publish(task) runs in the
    same transaction once the task has its id (whatever the task was made from is linked atomically)."""
    fields = {name: fields.get(name) for name in TASK_FIELDS}
    fields |= {name: default for name, default in DEFAULTS.items() if fields[name] is None}
    geocode = fields["lat"] is None and fields["lon"] is None and bool(fields["address"].strip())
    if geocode:  # an address only: the point is looked up by a job, see tasks.geocoding
        del fields["lat"], fields["lon"]
    errors: dict = {}
    rules.check_task_fields(fields, errors)
    rules.check_shift_count(len(shifts), errors)
    for index, shift in enumerate(shifts[: rules.MAX_SHIFTS_PER_TASK]):
        rules.check_shift(
            shift.get("starts_at"), shift.get("ends_at"), shift.get("capacity"), f"shifts.{index}.", errors
        )
    org = db.session.get(Organisation, org_id) if isinstance(org_id, int) else None
    if org is None:
        errors["org_id"] = _l("No such organisation.")
    if errors or org is None:
        raise ValidationError(fields=errors)
    permissions.require_manage(actor, org)
    if client_token:
        earlier = db.session.execute(
            sa.select(Task).where(Task.created_by_id == actor.id, Task.client_token == client_token)
        ).scalar_one_or_none()
        if earlier is not None:
            return earlier  # a repeated submit of the same form
    task = Task(
        org_id=org.id,
        created_by_id=actor.id,
        client_token=client_token,
        title=fields["title"].strip(),
        description=fields["description"].strip(),
        type=fields["type"],
        address=fields["address"].strip(),
        requires_approval=bool(fields["requires_approval"]),
        match_radius_km=float(fields["match_radius_km"]),
        urgent=bool(fields["urgent"]),
        release_unconfirmed=bool(fields["release_unconfirmed"]),
        requires_insurance=bool(fields["requires_insurance"]),
        requires_qualification=fields["requires_qualification"] or None,
        requires_health_declaration=bool(fields["requires_health_declaration"]),
    )
    if geocode:
        task.geocode_status = GeocodeStatus.PENDING
    else:
        task.lat, task.lon = float(fields["lat"]), float(fields["lon"])
    task.required_skills = fields["required_skills"]
    task.shifts = [Shift(starts_at=s["starts_at"], ends_at=s["ends_at"], capacity=s["capacity"]) for s in shifts]
    task.refresh_schedule()
    return atomic(_publish, task, on_publish)


def _publish(task: Task, on_publish: Callable[[Task], None] | None = None) -> Task:
    db.session.add(task)
    db.session.flush()
    if on_publish is not None:
        on_publish(task)
    if task.geocode_status == GeocodeStatus.PENDING:
        outbox.record(GEOCODE_TASK, task_id=task.id)  # matched once it has its point
    else:
        outbox.record(MATCH_TASK, task_id=task.id)
    return task


def update_task(actor: User, task_id: int, **changes) -> Task:
    """Edit task fields and shifts. Shifts with an id are changed, shifts without one are added.

    Capacity never drops below the confirmed count (checked by the database), and added places are
    filled from the waitlist in the same transaction.
    """
    task = get_task(task_id)
    permissions.require_manage(actor, task.org)
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_l("This task was cancelled and can no longer be edited."), code="task_cancelled")
    fields = {name: changes[name] for name in TASK_FIELDS if name in changes}
    if fields.get("lat") is None and fields.get("lon") is None:  # no point given: keep (or keep looking up) it
        fields.pop("lat", None), fields.pop("lon", None)
    shift_changes = changes.get("shifts") or []
    errors: dict = {}
    rules.check_task_fields(fields, errors)
    if ("lat" in fields) != ("lon" in fields):
        errors["lat" if "lon" in fields else "lon"] = _l("Give both latitude and longitude.")
    existing = {shift.id: shift for shift in task.shifts}
    added = [s for s in shift_changes if s.get("id") is None]
    if added:
        rules.check_adding_shifts(task)
    rules.check_shift_count(len(existing) + len(added), errors)
    for index, change in enumerate(shift_changes):
        prefix = f"shifts.{index}."
        shift = existing.get(change.get("id")) if change.get("id") is not None else None
        if change.get("id") is not None and shift is None:
            errors[f"{prefix}id"] = _l("This shift does not belong to the task.")
            continue
        if shift is None:
            rules.check_shift(change.get("starts_at"), change.get("ends_at"), change.get("capacity"), prefix, errors)
        else:
            moved = any(change.get(k) not in (None, getattr(shift, k)) for k in ("starts_at", "ends_at"))
            starts, ends = change.get("starts_at") or shift.starts_at, change.get("ends_at") or shift.ends_at
            rules.check_shift(starts, ends, change.get("capacity", shift.capacity), prefix, errors, new=moved)
            rules.check_shift_change(
                task,
                starts if moved else None,
                ends if moved else None,
                change.get("capacity") if change.get("capacity") != shift.capacity else None,
                prefix,
                errors,
            )
    if errors:
        raise ValidationError(fields=errors)
    return atomic(_apply_task_update, task, fields, shift_changes, actor.id)


def _apply_task_update(task: Task, fields: dict, shift_changes: list[dict], actor_id: int) -> Task:
    located = "lat" in fields and task.geocode_status != GeocodeStatus.OK  # the organizer picked the point
    if "lat" in fields:
        task.geocode_status, task.geocode_error = GeocodeStatus.OK, None
    elif "address" in fields and task.geocode_status == GeocodeStatus.FAILED:
        task.geocode_status, task.geocode_error = GeocodeStatus.PENDING, None  # a corrected address: try again
        outbox.record(GEOCODE_TASK, task_id=task.id)
    for name, value in fields.items():
        if name == "required_skills":
            task.required_skills = value or []
        elif name == "requires_qualification":
            task.requires_qualification = value or None
        elif isinstance(value, str):
            setattr(task, name, value.strip())
        else:
            setattr(task, name, value)
    grown = False
    for change in shift_changes:
        if change.get("id") is None:
            task.shifts.append(
                Shift(starts_at=change["starts_at"], ends_at=change["ends_at"], capacity=change["capacity"])
            )
            grown = True
            continue
        shift = next(s for s in task.shifts if s.id == change["id"])
        grown = grown or (change.get("capacity") or 0) > shift.capacity
        _change_shift(task, shift, change, actor_id)
    db.session.flush()
    task.refresh_schedule()
    if (grown or located) and task.lat is not None:  # matching tells more volunteers, never the same ones
        outbox.record(MATCH_TASK, task_id=task.id)
    return task


def _change_shift(task: Task, shift: Shift, change: dict, actor_id: int) -> None:
    capacity = change.get("capacity")
    if capacity is not None and capacity != shift.capacity:
        changed = updated_rows(
            db.session.execute(
                sa.update(Shift).where(Shift.id == shift.id, Shift.confirmed <= capacity).values(capacity=capacity)
            )
        )
        if not changed:
            raise Conflict(
                _l(
                    "%(n)d volunteers are already confirmed on this shift; places cannot go below that.",
                    n=shift.confirmed,
                ),
                code="capacity_below_confirmed",
            )
        db.session.refresh(shift)
        _CLAIMS["capacity_changed"](shift)
    starts, ends = change.get("starts_at") or shift.starts_at, change.get("ends_at") or shift.ends_at
    if (starts, ends) != (shift.starts_at, shift.ends_at):
        if shift.has_started:
            raise Conflict(_l("This shift has already started; its times can no longer change."), code="shift_started")
        shift.starts_at, shift.ends_at = starts, ends
        _CLAIMS["shift_moved"](task, shift, actor_id=actor_id)


def cancel_task(actor: User, task_id: int, reason: str | None = None) -> Task:
    """Cancel a task: every active claim is cancelled and its volunteer notified, with the organizer's reason
    when one is given."""
    task = get_task(task_id)
    permissions.require_manage(actor, task.org)
    reason = rules.check_organizer_reason(reason)
    if task.status == TaskStatus.CANCELLED:
        return task
    if task.display_status == TaskStatus.COMPLETED:
        raise Conflict(_l("This task is already completed."), code="task_completed")
    return atomic(_apply_cancel, task, reason, actor.id)


def _apply_cancel(task: Task, reason: str | None, actor_id: int) -> Task:
    task.status = TaskStatus.CANCELLED
    _CLAIMS["task_cancelled"](task, reason, actor_id=actor_id)
    return task
