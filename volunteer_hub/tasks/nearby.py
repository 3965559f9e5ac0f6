"""The nearby list: open tasks with a future shift near a point, nearest first.

It is the busiest read of an emergency (every volunteer's phone asks for it on every visit), so each web
process keeps the open tasks of the map tiles it was asked about in memory for NEARBY_CACHE_SECONDS and
answers from there: no database round trip for most requests. The price is that a list may show places left
(and a task just posted or cancelled) that far behind the database; the task page and the claim itself always
read the database, so nobody is ever placed on a full shift.
"""

import base64
import json
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any, Protocol, cast

import sqlalchemy as sa
from cachetools import TTLCache
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.geo import BoundingBox, bounding_box, distance_km
from volunteer_hub.core.timeutil import isoformat, local_day_bounds, now
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift, Task, TaskSkill, TaskStatus

TILE_DEGREES = 0.05  # about 5.5 km north-south: the default 5 km radius reads 3x3 tiles
MAX_TILES = 20_000  # per process; a tile of a busy city holds a few dozen tasks
MAX_CACHED_PER_REQUEST = 400  # a wider box (a 50 km radius near the poles) is read from the database uncached


class CardOrg(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...


class CardTask(Protocol):
    """What a list card (templates/macros/tasks.html task_card) shows of a task: a Task, or a ListedTask."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def requires_approval(self) -> bool: ...
    @property
    def required_skills(self) -> Sequence[str]: ...
    @property
    def org(self) -> CardOrg: ...


class CardShift(Protocol):
    """What a list card shows of a shift: a Shift, or a ListedShift."""

    @property
    def id(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def capacity(self) -> int: ...
    @property
    def confirmed(self) -> int: ...
    @property
    def places_left(self) -> int: ...


@dataclass(frozen=True, slots=True)
class OrgRef:
    id: int
    name: str
    name_en: str | None


@dataclass(frozen=True, slots=True)
class ListedShift:
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int
    api: dict[str, Any] = field(compare=False, repr=False)  # as GET /api/v1/tasks answers it, prepared once

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


@dataclass(frozen=True, slots=True)
class ListedTask:
    """What a list card shows of a task: the same attribute names as Task, so templates take either."""

    id: int
    title: str
    type: str
    lat: float
    lon: float
    address: str
    org: OrgRef
    requires_approval: bool
    required_skills: tuple[str, ...]
    shifts: tuple[ListedShift, ...]  # those starting after the tile was read, soonest first
    api: dict[str, Any] = field(compare=False, repr=False)  # without distance and shifts, prepared once


@dataclass
class TaskCard:
    """One card of the task list: a task and its shifts still to start, with its distance when known."""

    task: CardTask
    distance_km: float | None
    upcoming: Sequence[CardShift]


@dataclass
class NearbyTask(TaskCard):
    """A card of the nearby list, read from the tile cache."""

    task: ListedTask
    distance_km: float
    upcoming: list[ListedShift]


if TYPE_CHECKING:
    # The stand-ins and the models both keep to the card's protocols (mypy checks it here).
    _TASKS: tuple[type[CardTask], ...] = (Task, ListedTask)
    _SHIFTS: tuple[type[CardShift], ...] = (Shift, ListedShift)


def encode_cursor(distance: float, task_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([distance, task_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        distance, task_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return float(distance), int(task_id)
    except (ValueError, TypeError):
        raise ValidationError(
            _l("The page link is invalid; start from the first page."),
            code="invalid_cursor",
            fields={"cursor": _l("Invalid cursor.")},
        ) from None


def nearby_tasks(
    lat: float,
    lon: float,
    radius_km: float,
    *,
    task_type=None,
    skill=None,
    day: date | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[NearbyTask], str | None]:
    """Open tasks with a future shift within radius_km, nearest first (ties by id), one page after cursor."""
    box = bounding_box(lat, lon, radius_km)
    after = decode_cursor(cursor) if cursor else None
    current = now()
    window = local_day_bounds(day) if day else None
    found = []
    for task in current_app.extensions["nearby_tiles"].tasks_in(box):
        if not (box.min_lat <= task.lat <= box.max_lat and box.min_lon <= task.lon <= box.max_lon):
            continue
        if (task_type and task.type != task_type) or (skill and skill not in task.required_skills):
            continue
        upcoming = [shift for shift in task.shifts if shift.starts_at > current]
        if not upcoming or (window and not any(window[0] <= s.starts_at < window[1] for s in upcoming)):
            continue
        key = (distance_km((lat, lon), (task.lat, task.lon)), task.id)
        if key[0] <= radius_km and (after is None or key > after):
            found.append((key, task, upcoming))
    found.sort(key=lambda entry: entry[0])
    page = [NearbyTask(task, key[0], upcoming) for key, task, upcoming in found[:limit]]
    more = len(found) > limit
    return page, (encode_cursor(page[-1].distance_km, page[-1].task.id) if more else None)


class TileCache:
    """Each tile's open tasks for `seconds` (0: read every time), per process; safe across threads."""

    def __init__(self, seconds: float, timer: Any = None) -> None:
        self._tiles = TTLCache(MAX_TILES, seconds, **({"timer": timer} if timer else {})) if seconds > 0 else None
        self._lock = threading.Lock()

    def tasks_in(self, box: BoundingBox) -> Iterator[ListedTask]:
        rows, cols = _tile_range(box.min_lat, box.max_lat), _tile_range(box.min_lon, box.max_lon)
        if self._tiles is None or len(rows) * len(cols) > MAX_CACHED_PER_REQUEST:
            return chain.from_iterable(_read_tiles(rows, cols).values())
        keys = [(row, col) for row in rows for col in cols]
        with self._lock:
            tiles: dict[tuple[int, int], Sequence[ListedTask] | None] = {key: self._tiles.get(key) for key in keys}
        missing = [key for key, tasks in tiles.items() if tasks is None]
        if missing:
            rows = range(min(r for r, _ in missing), max(r for r, _ in missing) + 1)
            cols = range(min(c for _, c in missing), max(c for _, c in missing) + 1)
            fresh = _read_tiles(rows, cols)
            with self._lock:
                for key in ((row, col) for row in rows for col in cols):  # empty tiles are cached too
                    self._tiles[key] = fresh.get(key, ())
            tiles.update((key, fresh.get(key, ())) for key in missing)
        # every missing tile was filled just above
        return chain.from_iterable(cast(dict[tuple[int, int], Sequence[ListedTask]], tiles).values())


def _tile(degrees: float) -> int:
    return math.floor(degrees / TILE_DEGREES)


def _tile_range(low: float, high: float) -> range:
    return range(_tile(low), _tile(high) + 1)


def _read_tiles(rows: range, cols: range) -> dict[tuple[int, int], list[ListedTask]]:
    """The open tasks of the tiles in rows x cols with their future shifts, by tile (empty tiles absent)."""
    current = now()
    edge = 1e-9  # a little beyond the rectangle; each task is then filed under the tile its coordinates give
    in_rect = sa.and_(
        Task.status == TaskStatus.OPEN,
        Task.last_start_at > current,
        Task.lat.between(rows.start * TILE_DEGREES - edge, rows.stop * TILE_DEGREES + edge),
        Task.lon.between(cols.start * TILE_DEGREES - edge, cols.stop * TILE_DEGREES + edge),
    )
    shifts: dict[int, list[ListedShift]] = {}
    for shift_row in db.session.execute(
        sa.select(Shift.id, Shift.task_id, Shift.starts_at, Shift.ends_at, Shift.capacity, Shift.confirmed)
        .join(Task, Task.id == Shift.task_id)
        .where(in_rect, Shift.starts_at > current)
        .order_by(Shift.starts_at, Shift.id)
    ):
        shift = ListedShift(
            shift_row.id, shift_row.starts_at, shift_row.ends_at, shift_row.capacity, shift_row.confirmed, api={}
        )
        shift.api.update(
            id=shift_row.id,
            starts_at=isoformat(shift_row.starts_at),
            ends_at=isoformat(shift_row.ends_at),
            capacity=shift_row.capacity,
            confirmed=shift_row.confirmed,
            places_left=shift.places_left,
        )
        shifts.setdefault(shift_row.task_id, []).append(shift)
    skills: dict[int, list[str]] = {}
    for task_id, code in db.session.execute(
        sa.select(TaskSkill.task_id, TaskSkill.code)
        .join(Task, Task.id == TaskSkill.task_id)
        .where(in_rect)
        .order_by(TaskSkill.code)
    ):
        skills.setdefault(task_id, []).append(code)
    tiles: dict[tuple[int, int], list[ListedTask]] = {}
    for row in db.session.execute(
        sa.select(
            Task.id,
            Task.title,
            Task.type,
            Task.lat,
            Task.lon,
            Task.address,
            Task.requires_approval,
            Organisation.id.label("org_id"),
            Organisation.name.label("org_name"),
            Organisation.name_en.label("org_name_en"),
        )
        .join(Organisation, Organisation.id == Task.org_id)
        .where(in_rect)
    ):
        key = (_tile(row.lat), _tile(row.lon))
        if key[0] not in rows or key[1] not in cols or row.id not in shifts:
            continue
        required = tuple(skills.get(row.id, ()))
        org = OrgRef(row.org_id, row.org_name, row.org_name_en)
        api = {
            "id": row.id,
            "title": row.title,
            "type": row.type,
            "address": row.address,
            "org": {"id": org.id, "name": org.name, "name_en": org.name_en},
            "requires_approval": row.requires_approval,
            "required_skills": list(required),
        }
        tiles.setdefault(key, []).append(
            ListedTask(
                row.id,
                row.title,
                row.type,
                row.lat,
                row.lon,
                row.address,
                org,
                row.requires_approval,
                required,
                tuple(shifts[row.id]),
                api,
            )
        )
    return tiles
