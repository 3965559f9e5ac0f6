"""The words and links of a notification on each outside channel, handed to the senders in ``messaging``.

SMS carries a template code and its variables (``task``, ``time``, ``link``; codes carry ``code``), Web Push a
title, body and the page a tap opens, e-mail a subject and a plain-text body. Each renders in the reader's language.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from volunteer_hub.core.links import external_url
from volunteer_hub.messaging import mail, push, sms
from volunteer_hub.messaging.errors import Gone, SendFailed
from volunteer_hub.notifications.models import Notification
from volunteer_hub.notifications.texts import render, task_and_when

SMS_TASK_MAX = 20  # providers cap a variable's length (Alibaba Cloud: 35 characters); titles are cut to fit


def link(note: Notification) -> str:
    """Where a tap on the message leads: its own link when it carries one (a call-out's personal answer page),
    else the task's page, else the inbox."""
    own = (note.params or {}).get("link")
    if own:
        return own
    if note.task_id:
        return external_url("tasks.detail", task_id=note.task_id)
    return external_url("notifications.inbox")


def send_sms(note: Notification, user, *, out_id: str) -> str | None:
    """Send by SMS; returns the provider's message id, or None when the kind has no template (not sent)."""
    template = sms.template_for(note.kind)
    if template is None:
        return None
    with force_locale(_locale(user)):
        words = task_and_when(note.params or {})
        params = {"task": words["task"][:SMS_TASK_MAX], "time": words["when"], "link": link(note)}
        text = f"{render(note)} {params['link']}"
    return sms.sender().send(user.phone, template, params, text=text, out_id=out_id)


def send_push(note: Notification, user, subscriptions, *, out_id: str) -> list:
    """Send to each of the person's browsers; returns the subscriptions that are gone (to be forgotten).
    Raises the first failure when no browser took the message, with the gone ones in its ``gone``."""
    with force_locale(_locale(user)):
        payload = {"title": _("Volunteer Hub"), "body": render(note), "url": link(note), "tag": f"n{note.id}"}
    gone, accepted, failure = [], False, None
    for subscription in subscriptions:
        try:
            push.send(subscription.info, payload, urgent=note.urgent, topic=out_id)
            accepted = True
        except Gone:
            gone.append(subscription)
        except SendFailed as exc:
            failure = failure or exc
    if not accepted and failure is not None:
        failure.gone = gone  # forgotten all the same, though the message waits for a retry
        raise failure
    return gone


def send_email(note: Notification, user, *, out_id: str) -> str:
    with force_locale(_locale(user)):
        body = render(note)
        subject = _("Volunteer Hub: %(text)s", text=body if len(body) <= 60 else body[:59] + "…")
        footer = _(
            "You receive this e-mail because you gave this address to Volunteer Hub. To stop, remove it at %(url)s",
            url=external_url("notifications.channels"),
        )
        body = f"{body}\n\n{link(note)}\n\n-- \n{footer}\n"
    return mail.sender().send(user.email, subject, body, message_id=out_id)


def _locale(user) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
