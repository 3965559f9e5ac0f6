"""Use cases of requests for help: ask, accept (a task with one shift), decline, thank, close finished ones."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.audit.services import record as audit
from volunteer_hub.core.db import updated_rows
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.timeutil import isoformat, now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.help import queries, rules
from volunteer_hub.help.models import HelpRequest, HelpStatus
from volunteer_hub.hours.queries import organizers_to_notify
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs.models import Organisation, OrgKind
from volunteer_hub.tasks import services as task_services
from volunteer_hub.tasks.models import Task, TaskStatus
from volunteer_hub.tasks.rules import TITLE_MAX

# The task's point is the resident's location rounded to 3 decimals (about 100 m): close enough to match
# volunteers and to check in within the task's radius, too coarse to show the door.
TASK_POINT_DECIMALS = 3


def create_request(requester, *, community_id=None, **data) -> tuple[HelpRequest, str | None]:
    """Record a resident's request and tell the community's organizers. Without an account the resident gets
    a secret follow-up token (returned once; only its hash is stored)."""
    clean, community = check_request(requester, community_id=community_id, **data)
    token = None if requester is not None else secrets.token_urlsafe(32)
    request = HelpRequest(
        requester_id=requester.id if requester is not None else None,
        access_token_hash=queries.token_hash(token) if token else None,
        community_id=community.id,
        status=HelpStatus.OPEN,
        **clean,
    )
    return atomic(_save, request, community), token


def check_request(requester, *, community_id=None, **data) -> tuple[dict, Organisation]:
    """The cleaned fields and the community of a request; a ValidationError names every field's problem at once.
    Saves nothing, so a page can show these problems beside those of fields its form could not read."""
    errors: dict = {}
    if requester is not None and not data.get("contact_name"):
        data["contact_name"] = requester.name
    clean = rules.check_request_fields(data, errors)
    community = _community(community_id, clean, requester, errors)
    if errors or community is None:  # no community: errors says why
        raise ValidationError(fields=errors)
    return clean, community


def _community(community_id, clean: dict, requester, errors: dict) -> Organisation | None:
    """The chosen community; else the one nearest to the given location; else the requester's home community."""
    if community_id is not None:
        org = db.session.get(Organisation, community_id) if isinstance(community_id, int) else None
        if org is None or org.kind not in (OrgKind.COMMUNITY, OrgKind.COMPOUND):
            errors["community_id"] = _l("Choose your community from the list.")
        return org
    if clean["lat"] is not None and "lat" not in errors:
        org = queries.nearest_community(clean["lat"], clean["lon"])
        if org is None:
            errors["community_id"] = _l("No community is near this location. Choose yours from the list.")
        return org
    home = db.session.get(Organisation, requester.home_org_id) if requester and requester.home_org_id else None
    if home is None or home.kind not in (OrgKind.COMMUNITY, OrgKind.COMPOUND):
        errors["community_id"] = _l("Choose your community, or use your current location.")
    return home


def _save(request: HelpRequest, community: Organisation) -> HelpRequest:
    db.session.add(request)
    db.session.flush()
    for user_id in organizers_to_notify(community):
        notify(
            user_id,
            "help_requested",
            dedupe_key=f"help:{request.id}:new",
            **_community_names(community),
            type=request.type,
            needed_at=isoformat(request.needed_at),
        )
    return request


def _community_names(community: Organisation) -> dict:
    """Both names of the community for a notification, which is worded when read in the reader's language."""
    return {"community": community.name, "community_en": community.name_en}


def accept_request(actor, request: HelpRequest) -> Task:
    """Turn an open request into a task with one shift for one volunteer, published (and so matched) like any
    task. The request's status is taken with a conditional UPDATE first, so two organizers cannot both accept."""
    rules.require_decide(actor, request)
    rules.check_acceptable(request)
    community = queries.community_of(request)
    _take(request, HelpStatus.ACCEPTED, actor)
    try:  # post_task commits the taken status, the task and the link between them together
        return task_services.post_task(
            actor,
            org_id=community.id,
            client_token=f"help-request:{request.id}",
            on_publish=lambda task: _link_task(request, task, actor, community),
            **_task_fields(request, community),
        )
    except BaseException:
        db.session.rollback()
        raise


def _task_fields(request: HelpRequest, community: Organisation) -> dict:
    task_type = rules.TASK_TYPE[request.type]
    # The title is the resident's own words only. The kind of help and the languages asked for are the task's
    # type and required skills, which every page shows beside the title in the reader's language: a stored
    # label would be one language for every reader (or both mixed).
    short = " ".join(request.description.split())
    title = short if len(short) <= TITLE_MAX else short[: TITLE_MAX - 1] + "…"
    lat: float | None
    lon: float | None
    if request.lat is not None and request.lon is not None:  # given together (rules.check_request_fields)
        lat, lon = round(request.lat, TASK_POINT_DECIMALS), round(request.lon, TASK_POINT_DECIMALS)
    else:
        lat, lon = community.lat, community.lon
    ends = request.needed_at + timedelta(hours=rules.SHIFT_HOURS[request.type])
    return {
        "title": title,
        "description": request.description,
        "type": task_type,
        "lat": lat,
        "lon": lon,
        "address": community.name,
        "required_skills": list(request.languages),
        "shifts": [{"starts_at": request.needed_at, "ends_at": ends, "capacity": 1}],
    }


def _take(request: HelpRequest, status: str, actor, **values) -> None:
    """Move an open request on; a concurrent decision makes this a Conflict and changes nothing."""
    taken = updated_rows(
        db.session.execute(
            sa.update(HelpRequest)
            .where(HelpRequest.id == request.id, HelpRequest.status == HelpStatus.OPEN)
            .values(status=status, decided_by_id=actor.id, decided_at=now(), **values)
        )
    )
    if not taken:
        db.session.rollback()
        raise Conflict(_l("This request was already answered."), code="help_request_decided")


def _link_task(request: HelpRequest, task: Task, actor, community: Organisation) -> Task:
    db.session.refresh(request)
    request.task_id = task.id
    task.help_request_id = request.id
    task.leader_name = actor.name[:50]
    audit(actor.id, "help_request.accept", "help_request", request.id, task_id=task.id)
    if request.requester_id is not None:
        notify(
            request.requester_id,
            "help_accepted",
            task_id=None,
            dedupe_key=f"help:{request.id}:decided",
            **_community_names(community),
        )
    return task


def decline_request(actor, request: HelpRequest, reason: str | None) -> HelpRequest:
    """Decline an open request with a reason the resident reads."""
    rules.require_decide(actor, request)
    rules.check_open(request)
    reason = rules.check_reason(reason)
    return atomic(_decline, request, actor, reason)


def _decline(request: HelpRequest, actor, reason: str) -> HelpRequest:
    _take(request, HelpStatus.DECLINED, actor, decline_reason=reason)
    db.session.refresh(request)
    audit(actor.id, "help_request.decline", "help_request", request.id)
    if request.requester_id is not None:
        notify(
            request.requester_id,
            "help_declined",
            dedupe_key=f"help:{request.id}:decided",
            **_community_names(queries.community_of(request)),
            reason=reason,
        )
    return request


def thank(request: HelpRequest, message: str | None) -> HelpRequest:
    """The resident thanks the volunteers who came (once); each is notified and sees it in their history."""
    message = rules.check_thanks(request, message)
    return atomic(_thank, request, message)


def _thank(request: HelpRequest, message: str) -> HelpRequest:
    stored = updated_rows(
        db.session.execute(
            sa.update(HelpRequest)
            .where(HelpRequest.id == request.id, HelpRequest.thanked_at.is_(None))
            .values(thanks=message, thanked_at=now())
        )
    )
    if not stored:
        raise Conflict(_l("You already thanked the volunteer for this request."), code="already_thanked")
    db.session.refresh(request)
    task = queries.task_of(request)
    if task is None:  # check_thanks lets only a request that became a task be thanked
        raise NotFound()
    for user_id in sorted(queries.confirmed_volunteer_ids(task.id)):
        notify(
            user_id,
            "help_thanks",
            task_id=task.id,
            dedupe_key=f"help:{request.id}:thanks",
            task=task.title,
            message=message,
        )
    return request


def close_finished_requests() -> int:
    """Store the final status of accepted requests whose task ended (completed) or was cancelled."""
    current = now()
    ended = sa.select(Task.id).where(
        sa.or_(
            Task.status == TaskStatus.COMPLETED, sa.and_(Task.status == TaskStatus.OPEN, Task.last_end_at <= current)
        )
    )
    cancelled = sa.select(Task.id).where(Task.status == TaskStatus.CANCELLED)
    changed = 0
    for status, tasks in ((HelpStatus.COMPLETED, ended), (HelpStatus.CANCELLED, cancelled)):
        changed += updated_rows(
            db.session.execute(
                sa.update(HelpRequest)
                .where(HelpRequest.status == HelpStatus.ACCEPTED, HelpRequest.task_id.in_(tasks))
                .values(status=status)
                .execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return changed
