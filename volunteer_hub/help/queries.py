"""Reads for requests for help: one request, the organizers' inbox, my requests, who is coming, thanks."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.db import get_row
from volunteer_hub.core.geo import distance_km
from volunteer_hub.extensions import db
from volunteer_hub.help.models import HelpRequest, HelpStatus
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation, OrgKind
from volunteer_hub.tasks.models import Shift, Task

NEAREST_COMMUNITY_MAX_KM = 10.0
LIST_LIMIT = 100


def token_hash(token: str) -> str:
    """What is stored of a follow-up link's secret: its SHA-256 (hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def get_request(request_id) -> HelpRequest | None:
    return db.session.get(HelpRequest, request_id) if isinstance(request_id, int) else None


def get_by_token(token: str) -> HelpRequest | None:
    """The request a follow-up link opens, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        sa.select(HelpRequest).where(HelpRequest.access_token_hash == token_hash(token))
    ).scalar_one_or_none()


def community_of(request: HelpRequest) -> Organisation:
    return get_row(db.session, Organisation, request.community_id)


def task_of(request: HelpRequest) -> Task | None:
    return db.session.get(Task, request.task_id) if request.task_id is not None else None


def community_choices() -> list[Organisation]:
    """Communities (and compounds) a resident can ask: by name within their place in the tree."""
    return list(
        db.session.execute(
            sa.select(Organisation)
            .where(Organisation.kind.in_((OrgKind.COMMUNITY, OrgKind.COMPOUND)))
            .order_by(Organisation.path)
        ).scalars()
    )


def nearest_community(lat: float, lon: float) -> Organisation | None:
    """The community whose centre is nearest to (lat, lon), within 10 km; compounds are skipped so the request
    goes to the community's organizers, who see their compounds' requests too."""
    rows = db.session.execute(
        sa.select(Organisation).where(
            Organisation.kind == OrgKind.COMMUNITY, Organisation.lat.is_not(None), Organisation.lon.is_not(None)
        )
    ).scalars()
    best = min(
        (
            (distance_km((lat, lon), (org.lat, org.lon)), org.id, org)
            for org in rows
            if org.lat is not None and org.lon is not None  # as the query asks
        ),
        default=None,
    )
    return best[2] if best and best[0] <= NEAREST_COMMUNITY_MAX_KM else None


def confirmed_volunteer_ids(task_id: int) -> set[int]:
    """Volunteers holding a confirmed place on the task's shift."""
    return set(
        db.session.execute(
            sa.select(Claim.user_id)
            .join(Shift, Shift.id == Claim.shift_id)
            .where(Shift.task_id == task_id, Claim.status == ClaimStatus.CONFIRMED)
        ).scalars()
    )


def coming_names(request: HelpRequest) -> list[str]:
    """Names (only) of the volunteers who are coming."""
    if request.task_id is None:
        return []
    return list(
        db.session.execute(
            sa.select(User.name)
            .join(Claim, Claim.user_id == User.id)
            .join(Shift, Shift.id == Claim.shift_id)
            .where(Shift.task_id == request.task_id, Claim.status == ClaimStatus.CONFIRMED)
            .order_by(Claim.id)
        ).scalars()
    )


def inbox(user, *, limit: int = LIST_LIMIT) -> list[HelpRequest]:
    """Open requests in the communities user organizes: needed soonest first, then newest."""
    query = (
        sa.select(HelpRequest)
        .join(Organisation, Organisation.id == HelpRequest.community_id)
        .where(HelpRequest.status == HelpStatus.OPEN)
        .order_by(HelpRequest.needed_at, HelpRequest.created_at.desc(), HelpRequest.id.desc())
        .limit(limit)
    )
    scope = permissions.scope_filter(user)
    if scope is not None:
        query = query.where(scope)
    return list(db.session.execute(query).scalars())


def mine(user, *, limit: int = LIST_LIMIT) -> list[HelpRequest]:
    """The requests user asked, newest first."""
    return list(
        db.session.execute(
            sa.select(HelpRequest)
            .where(HelpRequest.requester_id == user.id)
            .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
            .limit(limit)
        ).scalars()
    )


@dataclass(frozen=True)
class Thanks:
    task_title: str
    message: str | None
    thanked_at: datetime


def thanks_for(user, *, limit: int = 50) -> list[Thanks]:
    """Residents' thanks for help the volunteer gave (a confirmed place on the request's task), newest first."""
    rows = db.session.execute(
        sa.select(Task.title, HelpRequest.thanks, HelpRequest.thanked_at)
        .join(Task, Task.id == HelpRequest.task_id)
        .join(Shift, Shift.task_id == Task.id)
        .join(Claim, Claim.shift_id == Shift.id)
        .where(Claim.user_id == user.id, Claim.status == ClaimStatus.CONFIRMED, HelpRequest.thanked_at.is_not(None))
        .order_by(HelpRequest.thanked_at.desc())
        .limit(limit)
    ).all()
    return [Thanks(title, message, at) for title, message, at in rows if at is not None]  # the query asks for it
