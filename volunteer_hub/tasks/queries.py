"""Read-side queries for tasks: the nearby list and organizers' task lists."""

import base64
import json
import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.geo import EARTH_RADIUS_KM, bounding_box, distance_km
from volunteer_hub.core.timeutil import local_day_bounds, now
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift, Task, TaskSkill, TaskStatus

KM_PER_DEGREE = math.radians(1) * EARTH_RADIUS_KM
NEAR_TIE_MARGIN = 10  # rows read beyond a page, for tasks whose planar and exact order differ


@dataclass
class NearbyTask:
    task: Task
    distance_km: float
    upcoming: list[Shift]


def encode_cursor(distance: float, task_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([distance, task_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        distance, task_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return float(distance), int(task_id)
    except (ValueError, TypeError):
        raise ValidationError(_l("The page link is invalid; start from the first page."), code="invalid_cursor",
                              fields={"cursor": _l("Invalid cursor.")}) from None


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
            sa.exists().where(
                Shift.task_id == Task.id, Shift.starts_at >= max(start, current), Shift.starts_at < end
            )
        )
    return query


def planar_nearness(lat_col, lon_col, lat: float, lon: float):
    """Squared planar distance from (lat, lon) in degrees of latitude, for ORDER BY: at city scale it orders
    like the great-circle distance (within a fraction of a percent) without trigonometry in SQL."""
    scale = math.cos(math.radians(lat))
    return (lat_col - lat) * (lat_col - lat) + (lon_col - lon) * scale * (lon_col - lon) * scale


def nearby_tasks(lat: float, lon: float, radius_km: float, *, task_type=None, skill=None, day=None,
                 cursor: str | None = None, limit: int = 20) -> tuple[list[NearbyTask], str | None]:
    """Open tasks with a future shift within radius_km, nearest first, one page after cursor.

    The indexed bounding box narrows the candidates in SQL, which also orders them by planar distance and
    returns only the page's worth (plus a margin for near ties); exact distances are computed for those.
    """
    box = bounding_box(lat, lon, radius_km)
    nearness = planar_nearness(Task.lat, Task.lon, lat, lon)
    query = _open_task_filter(
        sa.select(Task.id, Task.lat, Task.lon).where(
            Task.lat.between(box.min_lat, box.max_lat), Task.lon.between(box.min_lon, box.max_lon)
        ),
        task_type=task_type, skill=skill, day=day,
    )
    after = decode_cursor(cursor) if cursor else None
    if after:
        # A little short of the cursor: planar and great-circle distances differ by well under 1 %.
        query = query.where(nearness >= (after[0] * 0.99 / KM_PER_DEGREE) ** 2)
    fetch = limit + 1 + NEAR_TIE_MARGIN
    while True:
        rows = db.session.execute(query.order_by(nearness, Task.id).limit(fetch)).all()
        exact = sorted((distance_km((lat, lon), (t_lat, t_lon)), task_id) for task_id, t_lat, t_lon in rows)
        ranked = [entry for entry in exact if entry[0] <= radius_km and (after is None or entry > after)]
        if len(rows) < fetch or len(ranked) > limit or exact[-1][0] > radius_km:
            break  # all read, a full page and one more, or past the radius already
        fetch *= 4  # many near ties right after the cursor: read further
    page, more = ranked[:limit], len(ranked) > limit
    tasks = _load_tasks([task_id for _, task_id in page])
    items = [NearbyTask(tasks[task_id], dist, upcoming_shifts(tasks[task_id])) for dist, task_id in page]
    return items, (encode_cursor(*page[-1]) if more and page else None)


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
        .options(selectinload(Task.shifts).lazyload(Shift.task), joinedload(Task.org),
                 selectinload(Task.skill_rows))
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
