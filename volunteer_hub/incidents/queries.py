"""Read-side selects of incidents: a post's reports, who was involved, the follow-ups, counts for the board and
for reviewers."""

from collections import defaultdict

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.extensions import db
from volunteer_hub.incidents.models import Incident, IncidentPerson, IncidentStatus, IncidentUpdate
from volunteer_hub.orgs.models import Organisation, OrgKind
from volunteer_hub.tasks.models import Shift, Task


def open_counts(task_ids) -> dict[int, int]:
    """{task id: incidents not yet closed} for the staffing board (tasks without any are left out)."""
    ids = list(task_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Incident.task_id, sa.func.count())
        .where(Incident.task_id.in_(ids), Incident.status != IncidentStatus.CLOSED)
        .group_by(Incident.task_id)
    ).all()
    return {task_id: count for task_id, count in rows}


def by_client_id(reporter_id: int, client_id: str) -> Incident | None:
    return db.session.execute(
        sa.select(Incident).where(Incident.reporter_id == reporter_id, Incident.client_id == client_id)
    ).scalar_one_or_none()


def checked_in_shifts(user_id: int, task_id: int) -> list[Shift]:
    """The task's shifts on which user holds a confirmed place and checked in (latest first)."""
    return list(
        db.session.execute(
            sa.select(Shift)
            .join(Claim, Claim.shift_id == Shift.id)
            .where(
                Shift.task_id == task_id,
                Claim.user_id == user_id,
                Claim.status == ClaimStatus.CONFIRMED,
                Claim.checked_in_at.is_not(None),
                sa.or_(Claim.attendance.is_(None), Claim.attendance != Attendance.NO_SHOW),
            )
            .order_by(Shift.starts_at.desc())
        ).scalars()
    )


def task_shifts(task_id: int) -> list[Shift]:
    return list(
        db.session.execute(sa.select(Shift).where(Shift.task_id == task_id).order_by(Shift.starts_at.desc())).scalars()
    )


def roster_ids(shift_id: int) -> set[int]:
    """Who holds a confirmed place on the shift."""
    return set(
        db.session.execute(
            sa.select(Claim.user_id).where(Claim.shift_id == shift_id, Claim.status == ClaimStatus.CONFIRMED)
        ).scalars()
    )


def roster_people(shift_id: int) -> list[User]:
    return list(
        db.session.execute(
            sa.select(User)
            .join(Claim, Claim.user_id == User.id)
            .where(Claim.shift_id == shift_id, Claim.status == ClaimStatus.CONFIRMED)
            .order_by(User.name, User.id)
        ).scalars()
    )


def incidents_of_task(task_id: int, *, reporter_id: int | None = None, limit: int = 200) -> list[Incident]:
    """The post's incidents, newest first; with reporter_id only those that person reported."""
    query = sa.select(Incident).where(Incident.task_id == task_id)
    if reporter_id is not None:
        query = query.where(Incident.reporter_id == reporter_id)
    return list(
        db.session.execute(query.order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(limit)).scalars()
    )


def people_of(incident_ids) -> dict[int, list[User]]:
    """{incident id: the people involved}."""
    ids = list(incident_ids)
    found: dict[int, list[User]] = defaultdict(list)
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(IncidentPerson.incident_id, User)
        .join(User, User.id == IncidentPerson.user_id)
        .where(IncidentPerson.incident_id.in_(ids))
        .order_by(User.name, User.id)
    ).all()
    for incident_id, user in rows:
        found[incident_id].append(user)
    return found


def updates_of(incident_id: int) -> list[IncidentUpdate]:
    return list(
        db.session.execute(
            sa.select(IncidentUpdate).where(IncidentUpdate.incident_id == incident_id).order_by(IncidentUpdate.id)
        ).scalars()
    )


def claims_on_shift(shift_id: int, user_ids) -> list[Claim]:
    """The confirmed claims of these people on the shift."""
    return list(
        db.session.execute(
            sa.select(Claim).where(
                Claim.shift_id == shift_id, Claim.user_id.in_(list(user_ids)), Claim.status == ClaimStatus.CONFIRMED
            )
        ).scalars()
    )


def attendance_events(claim_ids) -> dict[int, list[AttendanceEvent]]:
    ids = list(claim_ids)
    found: dict[int, list[AttendanceEvent]] = defaultdict(list)
    if not ids:
        return found
    for event in db.session.execute(
        sa.select(AttendanceEvent)
        .where(AttendanceEvent.claim_id.in_(ids))
        .order_by(AttendanceEvent.created_at, AttendanceEvent.id)
    ).scalars():
        found[event.claim_id].append(event)
    return found


def summary_rows(org: Organisation) -> list[tuple[int, str, str, str, int]]:
    """(org id of the task, category, severity, status, count) for incidents on tasks in org's subtree."""
    return [
        (row[0], row[1], row[2], row[3], row[4])
        for row in db.session.execute(
            sa.select(Task.org_id, Incident.category, Incident.severity, Incident.status, sa.func.count())
            .join(Task, Task.id == Incident.task_id)
            .join(Organisation, Organisation.id == Task.org_id)
            .where(Organisation.path.startswith(org.path, autoescape=True))
            .group_by(Task.org_id, Incident.category, Incident.severity, Incident.status)
        ).all()
    ]


def communities_in(org: Organisation) -> list[Organisation]:
    """The communities of org's subtree (org itself when it is one), by name."""
    return list(
        db.session.execute(
            sa.select(Organisation)
            .where(Organisation.path.startswith(org.path, autoescape=True), Organisation.kind == OrgKind.COMMUNITY)
            .order_by(Organisation.name, Organisation.id)
        ).scalars()
    )


def orgs_by_id(ids) -> dict[int, Organisation]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {o.id: o for o in db.session.execute(sa.select(Organisation).where(Organisation.id.in_(wanted))).scalars()}
