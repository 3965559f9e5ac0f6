"""The words of each notification kind, rendered in the reader's language when shown."""

from flask_babel import gettext as _

from volunteer_hub.core.formatting import parse_iso, shift_span
from volunteer_hub.notifications.models import Notification


def render(note: Notification) -> str:
    p = note.params or {}
    task = p.get("task", "")
    starts, ends = parse_iso(p.get("starts_at")), parse_iso(p.get("ends_at"))
    when = shift_span(starts, ends) if starts and ends else ""
    match note.kind:
        case "task_cancelled":
            return _("The task “%(task)s” was cancelled by the organizer; your place on %(when)s is released.",
                     task=task, when=when)
        case "claim_promoted":
            return _("A place came free: you are now confirmed for “%(task)s” on %(when)s.", task=task, when=when)
        case "claim_promoted_pending":
            return _("A place came free on “%(task)s” on %(when)s; the organizer will review your request.",
                     task=task, when=when)
        case "claim_approved":
            return _("Your request for “%(task)s” on %(when)s was approved.", task=task, when=when)
        case "claim_rejected":
            return _("Your request for “%(task)s” on %(when)s was not accepted.", task=task, when=when)
        case "shift_time_changed":
            return _("The times of your shift for “%(task)s” changed: now %(when)s.", task=task, when=when)
        case "claim_removed":
            return _("The organizer removed you from “%(task)s” on %(when)s.", task=task, when=when)
    return _("You have a new notification.")
