"""Read side of matching: volunteers near a task, tasks near a volunteer, and their shifts and claims in bulk.

Area searches narrow by a bounding box on the indexed lat/lon columns (or, for a rare skill, by its holders)
and let the database order the survivors by planar distance (exact enough at city scale to pick the nearest
few) under a LIMIT; exact distances, overlaps, caps and fairness are then worked out for those few only.
"""

import math
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa

from volunteer_hub.accounts.models import User, UserSkill
from volunteer_hub.catalogue import AVAILABILITY_CODES
from volunteer_hub.claims.models import ACTIVE_STATUSES, Claim, ClaimStatus
from volunteer_hub.core.geo import bounding_box, distance_km, planar_nearness
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.matching.models import MatchNotice, NoticeStatus
from volunteer_hub.matching.scoring import RECENT_DAYS, Commitments, OpenShift, Requirement
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Shift, Task, TaskSkill, TaskStatus

_users, _user_skills = User.__table__, UserSkill.__table__
# Below this many holders citywide, reading a skill's holders beats reading everyone in a full-radius box.
HOLDERS_CAP = 25_000
VOLUNTEER_COLUMNS = (
    _users.c.id,
    _users.c.lat,
    _users.c.lon,
    _users.c.max_weekly_hours,
    _users.c.notify_max_per_day,
    _users.c.quiet_start_min,
    _users.c.quiet_end_min,
    *(_users.c[f"avail_{code}"] for code in AVAILABILITY_CODES),
)


def _skill_groups(requirement: Requirement) -> list[list[str]]:
    """Each group must be met by holding one of its codes: every single required skill, and the alternatives."""
    groups = [[code] for code in sorted(requirement.all_of)]
    return [*groups, sorted(requirement.any_of)] if requirement.any_of else groups


def _could_fit(
    task_id: int, requirement: Requirement, bands: set[str], *, held: list[str] | None = None, told=None, where=()
) -> list:
    """Conditions on a volunteer row, cheapest first: active, not opted out, usually free in one of bands,
    holding the required skills (but the group ``held``, already ensured), never told about this task (or, when
    given, not ``told``: a condition on the volunteer row, such as "paged by this call-out already"), and the
    caller's own conditions ``where`` on the volunteer row."""
    if told is None:
        told = sa.exists().where(MatchNotice.task_id == task_id, MatchNotice.user_id == _users.c.id)
    return [
        _users.c.active.is_(True),
        _users.c.match_opt_out.is_(False),
        sa.or_(*(_users.c[f"avail_{band}"].is_(True) for band in sorted(bands))),
        *(
            sa.exists().where(_user_skills.c.user_id == _users.c.id, _user_skills.c.code.in_(group))
            for group in _skill_groups(requirement)
            if group != held
        ),
        ~told,
        *where,
    ]


def _nearest(conditions: list, lat: float, lon: float, limit: int) -> list[tuple[sa.Row, float]]:
    query = sa.select(*VOLUNTEER_COLUMNS).where(*conditions)
    rows = db.session.execute(query.order_by(planar_nearness(_users.c.lat, _users.c.lon, lat, lon)).limit(limit))
    return [(row, distance_km((lat, lon), (row.lat, row.lon))) for row in rows]


def _in_box(lat: float, lon: float, radius_km: float, *, indexed: bool = True) -> list:
    box = bounding_box(lat, lon, radius_km)
    # "+ 0" keeps the database off the coordinates index when another path is known to read fewer rows.
    lat_col, lon_col = (_users.c.lat, _users.c.lon) if indexed else (_users.c.lat + 0, _users.c.lon + 0)
    return [lat_col.between(box.min_lat, box.max_lat), lon_col.between(box.min_lon, box.max_lon)]


def _held_by_any(codes: list[str]):
    """The volunteer holds one of codes; written so that each database reads the holders first: SQLite does so
    for IN (subquery), PostgreSQL's planner would scan the whole users table unless given an array."""
    holders = sa.select(_user_skills.c.user_id).where(_user_skills.c.code.in_(codes))
    if db.session.get_bind().dialect.name == "postgresql":
        return _users.c.id == sa.any_(sa.func.array(holders.scalar_subquery()))
    return _users.c.id.in_(holders)


def _rarest_group(requirement: Requirement) -> tuple[int, list[str]]:
    """(holders, group) of the required group held by the fewest volunteers, counting up to HOLDERS_CAP."""
    counted = []
    for group in _skill_groups(requirement):
        holders = sa.select(sa.literal(1)).where(_user_skills.c.code.in_(group)).limit(HOLDERS_CAP).subquery()
        counted.append((db.session.execute(sa.select(sa.func.count()).select_from(holders)).scalar_one(), group))
    return min(counted)


def nearest_volunteers(
    task_id: int,
    lat: float,
    lon: float,
    radius_km: float,
    requirement: Requirement,
    bands: set[str],
    limit: int,
    *,
    told=None,
    where=(),
) -> list[tuple[sa.Row, float]]:
    """(volunteer row, exact km) of up to ``limit`` volunteers nearest (lat, lon) within radius_km who could
    fit (see _could_fit; ``told`` replaces "told about this task" by another exclusion, ``where`` adds conditions),
    nearest first.

    Reading every volunteer of a 5 km box costs tens of milliseconds in a city of a million. A task that
    needs a skill held by fewer than HOLDERS_CAP volunteers citywide reads those holders instead. Otherwise
    the search starts with a small box and widens it to the size the people found so far suggest.
    """
    if requirement.codes:
        holders, group = _rarest_group(requirement)
        if holders < HOLDERS_CAP:
            held = _held_by_any(group)
            conditions = [
                *_in_box(lat, lon, radius_km, indexed=False),
                held,
                *_could_fit(task_id, requirement, bands, held=group, told=told, where=where),
            ]
            return sorted(
                (pair for pair in _nearest(conditions, lat, lon, limit) if pair[1] <= radius_km),
                key=lambda pair: pair[1],
            )
    could_fit = _could_fit(task_id, requirement, bands, told=told, where=where)
    radius = radius_km / 8
    while True:
        found = _nearest([*_in_box(lat, lon, radius), *could_fit], lat, lon, limit)
        if radius >= radius_km or (len(found) == limit and found[-1][1] <= radius):
            break  # the nearest ``limit`` lie inside the box's inscribed circle: a wider box finds no one nearer
        radius = max(radius * 1.5, _wider(found, radius, limit))
        if radius > radius_km * 0.6:  # nearly the whole area anyway: one more box, not two
            radius = radius_km
    found.sort(key=lambda pair: pair[1])
    return [(row, km) for row, km in found if km <= radius_km]


def _wider(found: list, radius: float, limit: int) -> float:
    """The box half-width likely to hold ``limit`` people, judged by what a box of ``radius`` held."""
    if len(found) == limit:
        return max(km for _, km in found)  # everyone nearer than the farthest of these is inside that box
    if not found:
        return math.inf
    density = len(found) / (2 * radius) ** 2
    return math.sqrt(1.5 * limit / (math.pi * density))  # 1.5: room for chance in a small sample


def open_tasks_near(lat: float, lon: float, radius_km: float, limit: int) -> list[tuple[sa.Row, float]]:
    """(task row, exact km) of up to ``limit`` open tasks with a future shift nearest (lat, lon) within
    radius_km, nearest first."""
    box = bounding_box(lat, lon, radius_km)
    query = (
        sa.select(Task.id, Task.title, Task.type, Task.lat, Task.lon)
        .where(
            Task.status == TaskStatus.OPEN,
            Task.lat.between(box.min_lat, box.max_lat),
            Task.lon.between(box.min_lon, box.max_lon),
            Task.last_start_at > now(),
        )
        .order_by(planar_nearness(Task.lat, Task.lon, lat, lon))
        .limit(limit)
    )
    found = []
    for row in db.session.execute(query):
        km = distance_km((lat, lon), (row.lat, row.lon))
        if km <= radius_km:
            found.append((row, km))
    return found


def open_shifts(task_ids: list[int]) -> dict[int, list[OpenShift]]:
    """Per task: its future shifts that still have places, earliest first."""
    shifts: dict[int, list[OpenShift]] = defaultdict(list)
    if not task_ids:
        return shifts
    rows = db.session.execute(
        sa.select(Shift.id, Shift.task_id, Shift.starts_at, Shift.ends_at, Shift.capacity - Shift.confirmed)
        .where(Shift.task_id.in_(task_ids), Shift.starts_at > now(), Shift.confirmed < Shift.capacity)
        .order_by(Shift.starts_at, Shift.id)
    )
    for row in rows:
        shifts[row[1]].append(OpenShift.of(*row))
    return shifts


def required_skills(task_ids: list[int]) -> dict[int, list[str]]:
    """Per task: its required skill codes."""
    found: dict[int, list[str]] = defaultdict(list)
    if task_ids:
        for task_id, code in db.session.execute(
            sa.select(TaskSkill.task_id, TaskSkill.code).where(TaskSkill.task_id.in_(task_ids))
        ):
            found[task_id].append(code)
    return found


def skills_among(user_ids: list[int], codes) -> dict[int, frozenset[str]]:
    """Per volunteer: which of ``codes`` they have."""
    found: dict[int, set[str]] = defaultdict(set)
    if user_ids and codes:
        for user_id, code in db.session.execute(
            sa.select(UserSkill.user_id, UserSkill.code).where(
                UserSkill.user_id.in_(user_ids), UserSkill.code.in_(sorted(codes))
            )
        ):
            found[user_id].add(code)
    return {user_id: frozenset(codes) for user_id, codes in found.items()}


def commitments(user_ids: list[int], task_ids: list[int], until: datetime) -> dict[int, Commitments]:
    """Per volunteer, in one query: confirmed shifts from RECENT_DAYS ago until ``until`` (overlaps, weekly
    hours, recent hours) and active claims on any of ``task_ids``."""
    current = now()
    found: dict[int, Commitments] = defaultdict(Commitments)
    if not user_ids:
        return found
    confirmed_then = sa.and_(
        Claim.status == ClaimStatus.CONFIRMED,
        Shift.starts_at < until,
        Shift.ends_at > current - timedelta(days=RECENT_DAYS),
    )
    rows = db.session.execute(
        sa.select(Claim.user_id, Claim.status, Shift.task_id, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == Claim.shift_id)
        .where(
            Claim.user_id.in_(user_ids),
            Claim.status.in_(ACTIVE_STATUSES),
            sa.or_(Shift.task_id.in_(task_ids), confirmed_then),
        )
    )
    for user_id, status, task_id, starts_at, ends_at in rows:
        mine = found[user_id]
        if task_id in task_ids:
            mine.claimed_tasks.add(task_id)
        if status == ClaimStatus.CONFIRMED:
            mine.add_confirmed(starts_at, ends_at, current)
    return found


def count_notices(task_id: int) -> int:
    return db.session.execute(sa.select(sa.func.count()).where(MatchNotice.task_id == task_id)).scalar_one()


def sent_since(user_ids: list[int], since: datetime) -> dict[int, int]:
    """Per volunteer: match notifications sent at once (not digested) since ``since``."""
    if not user_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(MatchNotice.user_id, sa.func.count())
            .where(
                MatchNotice.user_id.in_(user_ids),
                MatchNotice.created_at >= since,
                MatchNotice.status == NoticeStatus.SENT,
            )
            .group_by(MatchNotice.user_id)
        ).all()
    )


def waiting_for_digest(dedupe_key: str) -> list[int]:
    """Volunteers with matches waiting for a digest who have not had the digest named dedupe_key yet."""
    return list(
        db.session.execute(
            sa.select(MatchNotice.user_id)
            .where(
                MatchNotice.status == NoticeStatus.DIGEST,
                ~sa.exists().where(Notification.user_id == MatchNotice.user_id, Notification.dedupe_key == dedupe_key),
            )
            .group_by(MatchNotice.user_id)
            .order_by(MatchNotice.user_id)
        ).scalars()
    )


def digest_lines(user_id: int) -> list[sa.Row[MatchNotice, Task]]:
    """The volunteer's matches waiting for a digest with their tasks, oldest first."""
    return list(
        db.session.execute(
            sa.select(MatchNotice, Task)
            .join(Task, Task.id == MatchNotice.task_id)
            .where(MatchNotice.user_id == user_id, MatchNotice.status == NoticeStatus.DIGEST)
            .order_by(MatchNotice.id)
        ).all()
    )
