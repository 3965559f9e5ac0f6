"""The notifications inbox; the channels beside it (SMS, push, e-mail) with a test message; this browser's Web Push
subscription (JSON, from static/js/push.js)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from volunteer_hub.core.errors import DomainError, NotFound, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.extensions import db
from volunteer_hub.notifications import services, subscriptions, texts
from volunteer_hub.notifications.forms import ChannelsForm, ChannelTestForm
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


@bp.route("/me/channels", methods=["GET", "POST"])
@login_required
def channels():
    """Choose the channels beside the inbox: SMS, push, an e-mail address, urgent calls in quiet hours."""
    user = current_user._get_current_object()
    settings = services.channel_settings(user)
    form = ChannelsForm(data=settings)
    if form.validate_on_submit():
        try:
            services.update_channels(
                user,
                sms=form.sms.data,
                push=form.push.data,
                email=form.email.data,
                urgent_in_quiet_hours=form.urgent_in_quiet_hours.data,
            )
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your channels are saved."), "success")
            return redirect(url_for("notifications.channels"))
    return _channels_page(user, form, settings, 400 if form.errors else 200)


@bp.post("/me/channels/test")
@login_required
def send_test():
    """Send me a test message over every channel I chose (a few an hour)."""
    user = current_user._get_current_object()
    if not ChannelTestForm().validate_on_submit():
        return redirect(url_for("notifications.channels"))
    try:
        services.send_test(user)
    except DomainError as exc:
        if exc.status != 429:
            raise
        flash(str(exc.message), "error")
        settings = services.channel_settings(user)  # the saved choices, not this request's (empty) form data
        page, status = _channels_page(user, ChannelsForm(formdata=None, data=settings), settings, status=429)
        return page, status, {"Retry-After": str(exc.extra["retry_after"])}
    flash(_("A test message is on its way. It also appears in your notifications."), "success")
    return redirect(url_for("notifications.channels"))


def _channels_page(user, form, settings=None, status=200):
    return (
        render_template(
            "notifications/channels.html",
            form=form,
            test_form=ChannelTestForm(),
            settings=settings or services.channel_settings(user),
            last_test=services.last_test(user),
            user=user,
        ),
        status,
    )
