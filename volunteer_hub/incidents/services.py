"""Incident reports: report one (idempotent by the phone's client_id), read them as one's role allows,
acknowledge, follow up and close them, count them for reviewers, and gather the facts of the insurance packet.

Who sees what: the reporter sees their own reports; organizers and reviewers of the task's subtree see all of the
post's; phone numbers and identity details reach organizers only (``describe(..., personal=True)``)."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from volunteer_hub.accounts.models import User
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.hours.queries import entries_of_claims, organizers_to_notify, users_by_id
from volunteer_hub.incidents import queries, rules
from volunteer_hub.incidents.models import Incident, IncidentPerson, IncidentStatus, IncidentUpdate, Severity
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.orgs.names import org_name
from volunteer_hub.tasks.models import Shift, Task
from volunteer_hub.tasks.services import get_shift, get_task

KIND = "incident_reported"


@dataclass
class Report:
    category: str
    severity: str
    occurred_at: datetime
    description: str
    involved_user_ids: list[int] = field(default_factory=list)
    client_id: str | None = None
    shift_id: int | None = None


# --- reading ---


def get_incident(actor, incident_id) -> Incident:
    """An incident its reporter or the organizers/reviewers of its task's subtree may read; else not found."""
    incident = db.session.get(Incident, incident_id) if isinstance(incident_id, int) else None
    if incident is None or not can_read(actor, incident):
        raise NotFound(_l("No such incident."))
    return incident


def can_read(actor, incident: Incident) -> bool:
    return incident.reporter_id == actor.id or permissions.can_review(actor, get_task(incident.task_id).org)


def can_manage(actor, incident: Incident) -> bool:
    return organizes(actor, get_task(incident.task_id))


def organizes(actor, task: Task) -> bool:
    """Organizer of the task's subtree: handles its incidents and sees the phones of the people in them."""
    return permissions.can_manage(actor, task.org)


def incidents_for(actor, task: Task) -> list[Incident]:
    """All the post's incidents for its organizers and reviewers; the ones they reported for anyone else."""
    if permissions.can_review(actor, task.org):
        return queries.incidents_of_task(task.id)
    return queries.incidents_of_task(task.id, reporter_id=actor.id)


def _person(user: User, personal: bool) -> dict:
    person = {"user_id": user.id, "name": user.name, "volunteer_no": user.volunteer_no}
    if personal:
        person["phone"] = user.phone
    return person


def describe_many(incidents: list[Incident], *, personal: bool, with_updates: bool = False) -> list[dict]:
    """Incidents as the API and the pages show them; phones only with personal=True (organizers)."""
    people = queries.people_of(i.id for i in incidents)
    updates = {i.id: queries.updates_of(i.id) for i in incidents} if with_updates else {}
    authors = users_by_id([i.reporter_id for i in incidents] + [u.author_id for rows in updates.values() for u in rows])
    return [
        {
            "id": incident.id,
            "task_id": incident.task_id,
            "shift_id": incident.shift_id,
            "category": incident.category,
            "severity": incident.severity,
            "status": incident.status,
            "occurred_at": incident.occurred_at,
            "description": incident.description,
            "reporter": _person(authors[incident.reporter_id], personal),
            "involved": [_person(user, personal) for user in people[incident.id]],
            "acknowledged_at": incident.acknowledged_at,
            "closed_at": incident.closed_at,
            "created_at": incident.created_at,
            "updates": [
                {
                    "id": update.id,
                    "author": authors[update.author_id].name,
                    "text": update.text,
                    "closes": update.closes,
                    "created_at": update.created_at,
                }
                for update in updates.get(incident.id, [])
            ],
        }
        for incident in incidents
    ]


def describe(actor, incident: Incident) -> dict:
    return describe_many([incident], personal=can_manage(actor, incident), with_updates=True)[0]


# --- reporting ---


def report(actor, task: Task, data: Report) -> tuple[Incident, bool]:
    """Record an incident on the post (checked-in volunteers of the occurrence's shift, the task's organizers).
    Returns (incident, created): the same reporter's client_id again returns the first one and records nothing."""
    if data.client_id:
        existing = queries.by_client_id(actor.id, data.client_id)
        if existing is not None:
            return _same_report(existing, task)
    shift = _reporting_shift(actor, task, data)
    _check_fields(data, shift)
    try:
        return atomic(_record, actor, task, shift, data), True
    except IntegrityError:  # the same queued report, sent twice at once: the first one won
        existing = queries.by_client_id(actor.id, data.client_id) if data.client_id else None
        if existing is None:
            raise
        return _same_report(existing, task)


def _same_report(existing: Incident, task: Task) -> tuple[Incident, bool]:
    if existing.task_id != task.id:
        raise Conflict(_l("This report was already sent for another post."), code="client_id_reused")
    return existing, False


def _reporting_shift(actor, task: Task, data: Report) -> Shift | None:
    """The shift the incident belongs to; refuses people who are neither on duty nor organizers of the task."""
    if permissions.can_manage(actor, task.org):
        if data.shift_id is not None:
            shift = db.session.get(Shift, data.shift_id)
            if shift is None or shift.task_id != task.id:
                raise ValidationError(fields={"shift_id": _l("Choose a shift of this post.")})
            return shift
        return next(
            (s for s in queries.task_shifts(task.id) if _within(s, data.occurred_at)),
            None,
        )
    current = now()
    for shift in queries.checked_in_shifts(actor.id, task.id):
        if data.shift_id in (None, shift.id) and rules.on_duty(
            shift.starts_at, shift.ends_at, data.occurred_at, current
        ):
            return shift
    raise rules.not_on_duty()


def _within(shift: Shift, moment: datetime) -> bool:
    opens, closes = rules.report_window(shift.starts_at, shift.ends_at)
    return opens <= moment <= closes


def _check_fields(data: Report, shift: Shift | None) -> None:
    """Every field problem the database is needed for, at once (the schema and the form check the shape)."""
    problems = {}
    time_error = rules.occurred_at_error(data.occurred_at, now())
    if time_error:
        problems["occurred_at"] = time_error
    roster = queries.roster_ids(shift.id) if shift else None
    people_error = rules.involved_error(set(data.involved_user_ids), roster)
    if people_error:
        problems["involved_user_ids"] = people_error
    if problems:
        raise ValidationError(fields=problems)


def _record(actor, task: Task, shift: Shift | None, data: Report) -> Incident:
    incident = Incident(
        task_id=task.id,
        shift_id=shift.id if shift else None,
        reporter_id=actor.id,
        category=data.category,
        severity=data.severity,
        occurred_at=data.occurred_at,
        description=data.description,
        status=IncidentStatus.OPEN,
        client_id=data.client_id or None,
    )
    db.session.add(incident)
    db.session.flush()
    for user_id in sorted(set(data.involved_user_ids)):
        db.session.add(IncidentPerson(incident_id=incident.id, user_id=user_id))
    _tell_organizers(actor, task, shift, incident)
    return incident


def _tell_organizers(actor, task: Task, shift: Shift | None, incident: Incident) -> None:
    """Every report reaches the organizers closest to the post; a severe one urgently (it may break quiet
    hours for those who allowed it). Once per incident and organizer (dedupe key)."""
    link = external_url("incidents.show", incident_id=incident.id)
    for organizer_id in organizers_to_notify(task.org):
        if organizer_id == actor.id:
            continue
        notify(
            organizer_id,
            KIND,
            task_id=task.id,
            dedupe_key=f"incident:{incident.id}",
            urgent=incident.severity == Severity.SEVERE,
            actor_id=actor.id,
            cause=f"incident:{incident.id}",
            task=task.title,
            category=incident.category,
            severity=incident.severity,
            reporter=actor.name,
            starts_at=shift.starts_at.isoformat() if shift else None,
            ends_at=shift.ends_at.isoformat() if shift else None,
            link=link,
        )


# --- organizers' handling ---


def acknowledge(actor, incident: Incident) -> Incident:
    """An organizer of the task has seen it (open -> acknowledged); again, or once closed, changes nothing."""
    permissions.require_manage(actor, get_task(incident.task_id).org)
    return atomic(_acknowledge, actor, incident.id)


def _acknowledge(actor, incident_id: int) -> Incident:
    # one conditional UPDATE: an acknowledgement racing a close never reopens the incident
    db.session.execute(
        sa.update(Incident)
        .where(Incident.id == incident_id, Incident.status == IncidentStatus.OPEN)
        .values(status=IncidentStatus.ACKNOWLEDGED, acknowledged_at=now(), acknowledged_by_id=actor.id)
    )
    incident = db.session.get_one(Incident, incident_id)
    db.session.refresh(incident)
    return incident


def add_update(actor, incident: Incident, text: str, *, close: bool = False) -> IncidentUpdate:
    """A follow-up by an organizer of the task or by the reporter; close=True (organizers only) closes it."""
    organizer = can_manage(actor, incident)
    if not organizer and incident.reporter_id != actor.id:
        permissions.require_manage(actor, get_task(incident.task_id).org)
    if close:
        rules.check_may_close(organizer)
    rules.check_open(incident)
    if not text.strip():
        raise ValidationError(fields={"text": _l("This field is required.")})
    return atomic(_add_update, actor, incident.id, text.strip(), close)


def _add_update(actor, incident_id: int, text: str, close: bool) -> IncidentUpdate:
    # The first statement is a conditional UPDATE of the incident: it locks the row (PostgreSQL) or takes the write
    # lock (SQLite) and tells whether it was still open, so two closes, or a follow-up racing a close, cannot both
    # pass: the loser gets 409 incident_closed.
    values: dict = {"status": Incident.status}
    if close:
        current = now()
        values = {
            "status": IncidentStatus.CLOSED,
            "closed_at": current,
            "acknowledged_at": sa.func.coalesce(Incident.acknowledged_at, current),
            "acknowledged_by_id": sa.func.coalesce(Incident.acknowledged_by_id, actor.id),
        }
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        sa.update(Incident)
        .where(Incident.id == incident_id, Incident.status != IncidentStatus.CLOSED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        raise rules.incident_closed()
    update = IncidentUpdate(incident_id=incident_id, author_id=actor.id, text=text, closes=close)
    db.session.add(update)
    db.session.flush()
    db.session.expire(db.session.get_one(Incident, incident_id))
    return update


# --- reviewers ---


def summary(actor, org: Organisation) -> dict:
    """Open and closed incidents per community of org's subtree, by category and severity (reviewers and
    organizers of org). A task above any community counts under its own organisation."""
    permissions.require_review(actor, org)
    communities = queries.communities_in(org)
    rows = queries.summary_rows(org)
    task_orgs = queries.orgs_by_id({row[0] for row in rows})
    buckets: dict[int, dict] = {}

    def bucket(of: Organisation) -> dict:
        return buckets.setdefault(
            of.id,
            {"org_id": of.id, "name": org_name(of), "open": 0, "closed": 0, "by_category": {}, "by_severity": {}},
        )

    for community in communities:
        bucket(community)
    for task_org_id, category, severity, status, count in rows:
        task_org = task_orgs[task_org_id]
        home = next((c for c in communities if task_org.path.startswith(c.path)), task_org)
        entry = bucket(home)
        state = "closed" if status == IncidentStatus.CLOSED else "open"
        entry[state] += count
        for key, value in (("by_category", category), ("by_severity", severity)):
            counts = entry[key].setdefault(value, {"open": 0, "closed": 0})
            counts[state] += count
    return {"org_id": org.id, "name": org_name(org), "communities": list(buckets.values())}


# --- the insurance packet ---


def insurance_facts(actor, incident: Incident) -> dict:
    """What an insurer asks for the same day (organizers of the task, injuries only): the incident and its
    follow-ups, each injured volunteer's identity as the platform holds it, the shift, their attendance records
    and confirmed minutes, the organisation and the person in charge."""
    task = get_task(incident.task_id)
    permissions.require_manage(actor, task.org)
    rules.check_injury(incident)
    injured = queries.people_of([incident.id])[incident.id]
    shift = get_shift(incident.shift_id) if incident.shift_id else None
    if not injured and shift and incident.reporter_id in queries.roster_ids(shift.id):
        injured = [db.session.get_one(User, incident.reporter_id)]  # a volunteer reporting their own injury
    rules.check_injured_named(injured)
    claims = queries.claims_on_shift(shift.id, [u.id for u in injured]) if shift else []
    claim_of = {claim.user_id: claim for claim in claims}
    events = queries.attendance_events(claim.id for claim in claims)
    records = entries_of_claims(claims)
    users = users_by_id([incident.reporter_id, incident.acknowledged_by_id])
    return {
        "incident": incident,
        "reporter": users[incident.reporter_id],
        "updates": describe_many([incident], personal=True, with_updates=True)[0]["updates"],
        "task": task,
        "org": task.org,
        "shift": shift,
        "organizers": users_by_id(organizers_to_notify(task.org)).values(),
        "people": [
            {
                "user": user,
                "claim": claim_of.get(user.id),
                "events": events.get(claim_of[user.id].id, []) if user.id in claim_of else [],
                "minutes": records[claim_of[user.id].id].minutes
                if user.id in claim_of and claim_of[user.id].id in records
                else None,
            }
            for user in injured
        ],
        "generated_at": now(),
    }


# --- the report form ---


def form_shift(actor, task: Task, shift_id: int | None = None) -> Shift | None:
    """The shift the report form is for, now: the volunteer's shift under way (refused when there is none), or
    for organizers the one they chose, else the shift under way or the latest that started."""
    if permissions.can_manage(actor, task.org) and shift_id is None:
        current = now()
        shifts = queries.task_shifts(task.id)
        return next((s for s in shifts if _within(s, current)), None) or next(
            (s for s in shifts if s.starts_at <= current), None
        )
    return _reporting_shift(actor, task, Report("", "", now(), "", shift_id=shift_id))


def roster(shift: Shift | None) -> list[User]:
    return queries.roster_people(shift.id) if shift else []
