"""The caller's own profile, claims and notifications; the skills catalogue."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts import services as accounts
from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.api.schemas import (
    MeOut,
    MePatch,
    MyClaimsOut,
    NotificationOut,
    NotificationsOut,
    PhoneChangeIn,
    RecommendationsOut,
    SkillsOut,
)
from volunteer_hub.catalogue import SKILLS
from volunteer_hub.claims.queries import claims_of, waitlist_position
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import NotFound
from volunteer_hub.extensions import db
from volunteer_hub.matching import services as matching
from volunteer_hub.matching.texts import with_texts
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Notification
from volunteer_hub.notifications.texts import render
from volunteer_hub.orgs.models import Organisation, RoleGrant

blp = Blueprint("api_me", __name__, description="The caller's profile, claims and notifications")


def me_out(user) -> dict:
    roles = db.session.execute(
        sa.select(RoleGrant.org_id, Organisation.name, RoleGrant.role)
        .join(Organisation, Organisation.id == RoleGrant.org_id)
        .where(RoleGrant.user_id == user.id)
        .order_by(RoleGrant.id)
    ).all()
    data = {name: getattr(user, name) for name in MeOut().fields if hasattr(user, name)}
    data["roles"] = [{"org_id": org_id, "org_name": name, "role": role} for org_id, name, role in roles]
    data["qualifications"] = [
        {"code": row.code, "issuer": row.issuer, "valid_until": row.valid_until}
        for row in accounts.list_qualifications(user)
    ]
    return data


@blp.get("/me")
@blp.response(200, MeOut)
@blp.errors(401)
@auth_required
def get_me(user):
    """My profile."""
    return me_out(user)


@blp.patch("/me")
@blp.arguments(MePatch)
@blp.response(200, MeOut)
@blp.errors(400, 401)
@auth_required
def patch_me(data, user):
    """Change my profile: any subset of the fields."""
    return me_out(accounts.update_profile(user, **data))


@blp.get("/me/recommendations")
@blp.response(200, RecommendationsOut)
@blp.errors(401)
@auth_required
def my_recommendations(user):
    """Open tasks near my saved location that fit my skills and usual times, best first, each with why."""
    if not user.has_location:
        return {"items": [], "hint": _l("Save your location in your profile to get recommendations.")}
    return {
        "items": [
            {
                "task_id": item.task_id,
                "title": item.title,
                "distance_km": round(item.distance_km, 3),
                "reasons": with_texts(item.reasons),
            }
            for item in matching.recommendations_for(user)
        ]
    }


@blp.get("/skills")
@blp.response(200, SkillsOut)
def list_skills():
    """The skills and languages catalogue with Chinese and English names."""
    return {"items": [{"code": e.code, "kind": e.kind, "zh": e.zh, "en": e.en} for e in SKILLS]}


@blp.get("/me/claims")
@blp.response(200, MyClaimsOut)
@blp.errors(401)
@auth_required
def my_claims(user):
    """All my claims, latest shift first."""
    items = []
    for claim in claims_of(user):
        shift, task = claim.shift, claim.shift.task
        items.append(
            {
                "id": claim.id,
                "status": claim.status,
                "shift_id": shift.id,
                "created_at": claim.created_at,
                "waitlist_position": waitlist_position(claim),
                "shift": shift,
                "task": task,
                "organizer_reason": claim.organizer_reason,
            }
        )
    return {"items": items}


def notification_out(note: Notification) -> dict:
    return {
        "id": note.id,
        "kind": note.kind,
        "task_id": note.task_id,
        "text": render(note),
        "created_at": note.created_at,
        "read_at": note.read_at,
        "acked_at": note.acked_at,
    }


@blp.get("/me/notifications")
@blp.response(200, NotificationsOut)
@blp.errors(401)
@auth_required
def my_notifications(user):
    """My latest notifications, newest first, and how many are unread."""
    return {
        "items": [notification_out(n) for n in notifications.list_for(user)],
        "unread": notifications.count_unread(user),
    }


@blp.post("/me/notifications/<int:notification_id>/read")
@blp.response(200, NotificationOut)
@blp.errors(401, 404)
@auth_required
def read_notification(notification_id, user):
    """Mark one of my notifications as read."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_l("No such notification."))
    notifications.mark_read(user, note.id)
    db.session.refresh(note)
    return notification_out(note)


@blp.post("/me/notifications/<int:notification_id>/ack")
@blp.response(200, NotificationOut)
@blp.errors(401, 404)
@auth_required
def acknowledge_notification(notification_id, user):
    """收到: confirm I have seen one of my notifications (an organizer's message or call); the sender sees it."""
    return notification_out(notifications.acknowledge(user, notification_id))


@blp.post("/me/phone")
@blp.arguments(PhoneChangeIn)
@blp.response(200, MeOut)
@blp.errors(400, 401, 409)
@auth_required
def change_phone(data, user):
    """Change my number to one proved by its change_phone code (POST /auth/verification-codes to the new number);
    my own number with its code confirms it. A wrong code: 400 invalid_code; a number of another account: 409."""
    return me_out(accounts.change_phone(user, data["phone"], data.get("code")))
