"""The caller's browsers for Web Push: subscribe one (what PushSubscription.toJSON() gives), forget one."""

from flask import request
from marshmallow import fields

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Schema
from volunteer_hub.notifications import subscriptions

blp = Blueprint("api_push", __name__, description="Web Push subscriptions of the caller's browsers")


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


@blp.post("/me/push-subscriptions")
@blp.arguments(PushSubscriptionIn)
@blp.response(201, PushSubscriptionOut)
@blp.errors(400, 401, 409)
@auth_required
def subscribe(data, user):
    """Receive notifications on this browser. Subscribing the same endpoint again refreshes its keys (same id);
    beyond 10 browsers the least recently used one is forgotten. 409 `push_unavailable`: no VAPID key here."""
    keys = data["keys"]
    subscription = subscriptions.subscribe(
        user, data["endpoint"], keys["p256dh"], keys["auth"], user_agent=request.user_agent.string
    )
    return {"id": subscription.id}


@blp.delete("/me/push-subscriptions/<int:subscription_id>")
@blp.response(204)
@blp.errors(401, 404)
@auth_required
def unsubscribe(subscription_id, user):
    """Stop sending to one of my browsers (someone else's answers 404)."""
    subscriptions.unsubscribe(user, subscription_id)
