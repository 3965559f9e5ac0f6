"""Matching use cases: tell the best-fitting volunteers about a task, recommend tasks to a volunteer, and send
the daily digest of matches that waited for the volunteer's budget or quiet hours."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from volunteer_hub.accounts import quiet_hours
from volunteer_hub.accounts.models import User
from volunteer_hub.catalogue import AVAILABILITY_CODES
from volunteer_hub.core.db import insert_ignoring_duplicates
from volunteer_hub.core.timeutil import local_day_bounds, now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.matching import queries
from volunteer_hub.matching.models import MatchNotice, NoticeStatus
from volunteer_hub.matching.scoring import OpenShift, Requirement, fitting_shifts, reasons, score
from volunteer_hub.notifications.services import notify, notify_many
from volunteer_hub.tasks.models import Task

# The database returns this many times N of the nearest plausible volunteers; Python checks and ranks them.
POOL_FACTOR = 2
RECOMMEND_POOL = 200  # recommendations rank the nearest this many open tasks
DIGEST_TITLES = 10
DIGEST_RUN_S = 40  # a digest run stops here (the cron job times out at 60 s); the next run goes on


@dataclass
class Candidate:
    user_id: int
    distance_km: float
    score: float
    shifts: list[OpenShift]  # the task's open shifts this volunteer fits
    reasons: list[dict]
    notify_max_per_day: int
    quiet_start_min: int | None
    quiet_end_min: int | None


@dataclass
class Recommendation:
    task_id: int
    title: str
    distance_km: float
    score: float
    reasons: list[dict]


def _bands(row) -> frozenset[str]:
    return frozenset(code for code in AVAILABILITY_CODES if getattr(row, f"avail_{code}"))


def _local_minute(at: datetime) -> int:
    local = to_local(at)
    return local.hour * 60 + local.minute


def rank_candidates(task: Task) -> list[Candidate]:
    """Whom to tell about task now, best first. Reads only.

    At most MATCH_NOTIFY_FACTOR × open places (capped by MATCH_MAX_NOTIFY) are told over all runs for a task,
    so a second run after nothing changed chooses nobody, and added places add new people only.
    """
    config = current_app.config
    shifts = queries.open_shifts([task.id]).get(task.id, [])
    places = sum(shift.places_left for shift in shifts)
    wanted = min(config["MATCH_NOTIFY_FACTOR"] * places, config["MATCH_MAX_NOTIFY"])
    if task.lat is None or task.lon is None or wanted <= 0:
        return []
    wanted -= queries.count_notices(task.id)
    if wanted <= 0:
        return []
    requirement = Requirement.of(task.type, task.required_skills)
    found = queries.nearest_volunteers(
        task.id,
        task.lat,
        task.lon,
        task.match_radius_km,
        requirement,
        {shift.band for shift in shifts},
        limit=POOL_FACTOR * wanted,
    )
    ids = [row.id for row, _ in found]
    skills = queries.skills_among(ids, requirement.codes)
    commitments = queries.commitments(ids, [task.id], until=max(s.ends_at for s in shifts) + timedelta(days=7))
    ranked = []
    for row, km in found:
        mine = commitments[row.id]
        fits = [] if task.id in mine.claimed_tasks else fitting_shifts(shifts, _bands(row), mine, row.max_weekly_hours)
        if not fits:
            continue
        held = skills.get(row.id, frozenset())
        ranked.append(
            Candidate(
                row.id,
                km,
                score(km, task.match_radius_km, requirement.fit(held), mine.recent_hours),
                fits,
                reasons(km, requirement, held, fits),
                row.notify_max_per_day,
                row.quiet_start_min,
                row.quiet_end_min,
            )
        )
    ranked.sort(key=lambda c: (-c.score, c.distance_km, c.user_id))
    return ranked[:wanted]


def match_task(task_id: int) -> int:
    """Tell the best-fitting nearby volunteers about an open task, each at most once ever: at once within
    their daily budget and outside their quiet hours (or when the task is urgent), else in the next daily
    digest. Returns how many volunteers were added; running it again adds nobody new."""
    return atomic(record_matches, task_id)


def record_matches(task_id: int) -> int:
    """match_task's work in the caller's transaction."""
    task = db.session.get(Task, task_id)
    if task is None or not task.is_open:
        return 0
    chosen = rank_candidates(task)
    if not chosen:
        return 0
    current = now()
    minute = _local_minute(current)
    sent_today = queries.sent_since([c.user_id for c in chosen], local_day_bounds(to_local(current).date())[0])
    rows = []
    for candidate in chosen:
        at_once = task.urgent or (
            sent_today.get(candidate.user_id, 0) < candidate.notify_max_per_day
            and not quiet_hours.contains(candidate.quiet_start_min, candidate.quiet_end_min, minute)
        )
        if at_once:
            sent_today[candidate.user_id] = sent_today.get(candidate.user_id, 0) + 1
        rows.append(
            {
                "task_id": task.id,
                "user_id": candidate.user_id,
                "reasons": candidate.reasons,
                "status": NoticeStatus.SENT if at_once else NoticeStatus.DIGEST,
                "created_at": current,
            }
        )
    # The unique (task, volunteer) row decides who is told: a concurrent or repeated run inserts nothing.
    inserted = set(
        db.session.execute(
            insert_ignoring_duplicates(db.session, MatchNotice, rows).returning(MatchNotice.user_id)
        ).scalars()
    )
    notify_many(
        "task_match",
        [
            {
                "user_id": candidate.user_id,
                "task_id": task.id,
                "dedupe_key": f"match:{task.id}",
                "urgent": task.urgent,
                "params": {
                    "task": task.title,
                    "starts_at": candidate.shifts[0].starts_at.isoformat(),
                    "ends_at": candidate.shifts[0].ends_at.isoformat(),
                    "distance_km": round(candidate.distance_km, 2),
                },
            }
            for candidate, row in zip(chosen, rows, strict=True)
            if candidate.user_id in inserted and row["status"] == NoticeStatus.SENT
        ],
    )
    return len(inserted)


def recommendations_for(user: User, limit: int = 20) -> list[Recommendation]:
    """Open tasks near the volunteer's saved location (MATCH_RADIUS_KM) that they fit: skills, a shift with
    places in their usual time, no clash, within their weekly hours. Ranked by the matching score among the
    RECOMMEND_POOL nearest open tasks, each with its reasons."""
    if user.lat is None or user.lon is None:  # not user.has_location
        return []
    radius = current_app.config["MATCH_RADIUS_KM"]
    near = queries.open_tasks_near(user.lat, user.lon, radius, RECOMMEND_POOL)
    ids = [row.id for row, _ in near]
    shifts = queries.open_shifts(ids)
    if not shifts:
        return []
    needs = queries.required_skills(ids)
    until = max(shift.ends_at for task_shifts in shifts.values() for shift in task_shifts) + timedelta(days=7)
    mine = queries.commitments([user.id], ids, until)[user.id]
    skills, bands = frozenset(user.skills), frozenset(user.availability)
    found = []
    for row, km in near:
        requirement = Requirement.of(row.type, needs.get(row.id, ()))
        if row.id in mine.claimed_tasks or not requirement.met_by(skills):
            continue
        fits = fitting_shifts(shifts.get(row.id, []), bands, mine, user.max_weekly_hours)
        if fits:
            found.append(
                Recommendation(
                    row.id,
                    row.title,
                    km,
                    score(km, radius, requirement.fit(skills), mine.recent_hours),
                    reasons(km, requirement, skills, fits),
                )
            )
    found.sort(key=lambda r: (-r.score, r.distance_km, r.task_id))
    return found[:limit]


def send_digests() -> int:
    """From DIGEST_HOUR local time on, give each volunteer whose matches waited (budget, quiet hours) one
    notification a day listing those tasks that are still open, and mark the matches digested.

    Returns how many digests were sent. Safe to run any number of times a day: the digest's dedupe key is
    the local date. Volunteers in their quiet hours get theirs on a later run.
    """
    current = now()
    local = to_local(current)
    if local.hour < current_app.config["DIGEST_HOUR"]:
        return 0
    key, minute = f"digest:{local.date().isoformat()}", _local_minute(current)
    deadline = time.monotonic() + DIGEST_RUN_S
    sent = 0
    for user_id in queries.waiting_for_digest(key):
        if time.monotonic() > deadline:
            break
        sent += atomic(_send_digest, user_id, key, minute)
    return sent


def _send_digest(user_id: int, key: str, minute: int) -> int:
    user = db.session.get(User, user_id)
    if user is None or quiet_hours.contains(user.quiet_start_min, user.quiet_end_min, minute):
        return 0
    lines = queries.digest_lines(user_id)
    still_open = [task for _, task in lines if task.is_open]
    wanted = bool(still_open) and user.active and not user.match_opt_out
    if (
        wanted
        and notify(
            user_id,
            "match_digest",
            task_id=still_open[0].id if len(still_open) == 1 else None,
            dedupe_key=key,
            tasks=[task.title for task in still_open[:DIGEST_TITLES]],
            count=len(still_open),
        )
        is None
    ):
        return 0  # a concurrent run sent today's digest; these lines wait for tomorrow's
    for notice, _ in lines:
        notice.status = NoticeStatus.DIGESTED
    return int(wanted)
