"""The caller's notifications (the in-app inbox, on accounts' api_me), channels beside the inbox (SMS, Web Push,
e-mail) and a test message over them, and the Web Push subscriptions of the caller's browsers (what
PushSubscription.toJSON() gives). What an organizer's actions on a task told people is the tasks API's
(/tasks/<id>/notices, on this module's api_channels blueprint)."""

from flask import request
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from volunteer_hub.accounts.api import me_blp
from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import NotFound
from volunteer_hub.core.schemas import LocalDateTime, Schema
from volunteer_hub.extensions import db
from volunteer_hub.notifications import services, subscriptions
from volunteer_hub.notifications.models import Notification
from volunteer_hub.notifications.texts import render

channels_blp = Blueprint(
    "api_channels", __name__, description="Channels beside the inbox; delivery counts for organizers"
)


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    task_id = fields.Integer(allow_none=True)
    text = fields.String(required=True)
    created_at = LocalDateTime(required=True)
    read_at = LocalDateTime(allow_none=True)
    acked_at = LocalDateTime(allow_none=True)


class NotificationsOut(Schema):
    items = fields.List(fields.Nested(NotificationOut), required=True)
    unread = fields.Integer(required=True)


class ChannelsIn(Schema):
    sms = fields.Boolean(required=True)
    push = fields.Boolean(required=True)
    email = fields.String(required=True, allow_none=True, metadata={"description": "null or empty: no e-mail"})
    urgent_in_quiet_hours = fields.Boolean(required=True)


class ChannelsOut(Schema):
    sms = fields.Boolean(required=True)
    push = fields.Boolean(required=True)
    email = fields.String(required=True, allow_none=True)
    urgent_in_quiet_hours = fields.Boolean(required=True)
    phone_verified = fields.Boolean(required=True, metadata={"description": "SMS goes only to a verified number"})
    push_devices = fields.Integer(required=True)
    available = fields.Dict(
        keys=fields.String(), values=fields.Boolean(), metadata={"description": "channels this deployment has"}
    )


class ChannelTestOut(Schema):
    notification_id = fields.Integer(required=True)


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


@me_blp.get("/me/notifications")
@me_blp.response(200, NotificationsOut)
@me_blp.errors(401)
@auth_required
def my_notifications(user):
    """My latest notifications, newest first, and how many are unread."""
    return {
        "items": [notification_out(n) for n in services.list_for(user)],
        "unread": services.count_unread(user),
    }


@me_blp.post("/me/notifications/<int:notification_id>/read")
@me_blp.response(200, NotificationOut)
@me_blp.errors(401, 404)
@auth_required
def read_notification(notification_id, user):
    """Mark one of my notifications as read."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_l("No such notification."))
    services.mark_read(user, note.id)
    db.session.refresh(note)
    return notification_out(note)


@me_blp.post("/me/notifications/<int:notification_id>/ack")
@me_blp.response(200, NotificationOut)
@me_blp.errors(401, 404)
@auth_required
def acknowledge_notification(notification_id, user):
    """收到: confirm I have seen one of my notifications (an organizer's message or call); the sender sees it."""
    return notification_out(services.acknowledge(user, notification_id))


@channels_blp.get("/me/channels")
@channels_blp.response(200, ChannelsOut)
@channels_blp.errors(401)
@auth_required
def get_channels(user):
    """My channels: SMS, push, an e-mail address (organizers' business), urgent calls in quiet hours."""
    return services.channel_settings(user)


@channels_blp.put("/me/channels")
@channels_blp.arguments(ChannelsIn)
@channels_blp.response(200, ChannelsOut)
@channels_blp.errors(400, 401)
@auth_required
def put_channels(data, user):
    """Choose my channels (all four fields); a malformed e-mail address is a 400 with ``email`` in fields."""
    return services.channel_settings(services.update_channels(user, **data))


@channels_blp.post("/me/channels/test")
@channels_blp.response(202, ChannelTestOut)
@channels_blp.errors(401, 429)
@auth_required
def send_test(user):
    """Send me a test message over every channel I chose (a few an hour)."""
    return {"notification_id": services.send_test(user).id}


push_blp = Blueprint("api_push", __name__, description="Web Push subscriptions of the caller's browsers")


class PushKeysIn(Schema):
    p256dh = fields.String(required=True, metadata={"description": "The browser's P-256 public key, base64url."})
    auth = fields.String(required=True, metadata={"description": "The 16-byte authentication secret, base64url."})


class PushSubscriptionIn(Schema):
    endpoint = fields.String(required=True, metadata={"description": "The push service's https URL."})
    keys = fields.Nested(PushKeysIn, required=True)
    # PushSubscription.toJSON() has it; push services expire subscriptions by answering 404/410 instead.
    expirationTime = fields.Integer(allow_none=True, load_default=None, metadata={"description": "Ignored."})


class PushSubscriptionOut(Schema):
    id = fields.Integer()


@push_blp.post("/me/push-subscriptions")
@push_blp.arguments(PushSubscriptionIn)
@push_blp.response(201, PushSubscriptionOut)
@push_blp.errors(400, 401, 409)
@auth_required
def subscribe(data, user):
    """Receive notifications on this browser. Subscribing the same endpoint again refreshes its keys (same id);
    beyond 10 browsers the least recently used one is forgotten. 409 `push_unavailable`: no VAPID key here."""
    keys = data["keys"]
    subscription = subscriptions.subscribe(
        user, data["endpoint"], keys["p256dh"], keys["auth"], user_agent=request.user_agent.string
    )
    return {"id": subscription.id}


@push_blp.delete("/me/push-subscriptions/<int:subscription_id>")
@push_blp.response(204)
@push_blp.errors(401, 404)
@auth_required
def unsubscribe(subscription_id, user):
    """Stop sending to one of my browsers (someone else's answers 404)."""
    subscriptions.unsubscribe(user, subscription_id)
