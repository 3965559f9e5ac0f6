"""The notifications inbox; this browser's Web Push subscription (JSON, from static/js/push.js)."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from volunteer_hub.core.errors import NotFound
from volunteer_hub.extensions import db
from volunteer_hub.notifications import services, subscriptions, texts
from volunteer_hub.notifications.models import Notification
from volunteer_hub.notifications.texts import render

bp = Blueprint("notifications", __name__)


@bp.get("/me/notifications")
@login_required
def inbox():
    """My latest notifications, newest first, each with a link to its task."""
    notes = services.list_for(current_user)
    return render_template(
        "notifications/inbox.html", notes=[(note, render(note)) for note in notes], ack_kinds=texts.ACK_KINDS
    )


@bp.post("/me/notifications/read")
@login_required
def read_all():
    """Mark all my notifications as read."""
    services.mark_read(current_user)
    return redirect(url_for("notifications.inbox"))


@bp.post("/me/notifications/<int:notification_id>/read")
@login_required
def read_one(notification_id: int):
    """Mark one of my notifications as read; anyone else's answers 404, as in the API."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        raise NotFound(_l("No such notification."))
    services.mark_read(current_user, notification_id)
    return redirect(url_for("notifications.inbox"))


@bp.post("/me/notifications/<int:notification_id>/ack")
@login_required
def ack(notification_id: int):
    """收到: confirm I have seen an organizer's message; the sender sees it."""
    services.acknowledge(current_user, notification_id)
    return redirect(url_for("notifications.inbox"))


@bp.post("/me/push-subscriptions")
@login_required
def subscribe_push():
    """Receive notifications on this browser: its PushSubscription.toJSON(), with the CSRF token in the
    X-CSRFToken header (the page's own session, unlike the API's bearer tokens). 201 {id}; a refusal answers
    with the API's status codes (400, 409)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        body = {"keys": {}}
    keys = body["keys"]
    subscription = subscriptions.subscribe(
        current_user,
        body.get("endpoint"),
        keys.get("p256dh"),
        keys.get("auth"),
        user_agent=request.user_agent.string,
    )
    return {"id": subscription.id}, 201


@bp.delete("/me/push-subscriptions/<int:subscription_id>")
@login_required
def unsubscribe_push(subscription_id: int):
    """Stop sending to one of my browsers; anyone else's answers 404."""
    subscriptions.unsubscribe(current_user, subscription_id)
    return "", 204
