"""The words of each notification kind, rendered in the reader's language when shown."""

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from volunteer_hub.core.formatting import distance, parse_iso, shift_span
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
        case "shift_reminder":
            return _("Reminder: your shift “%(task)s” is %(when)s at %(address)s.", task=task, when=when,
                     address=p.get("address", ""))
        case "attendance_check":
            return _("Will you come to “%(task)s” %(when)s? Please confirm, or cancel so someone else can go.",
                     task=task, when=when)
        case "claim_released":
            return _("You did not confirm you will come to “%(task)s” %(when)s, so your place went to the waitlist.",
                     task=task, when=when)
        case "places_released":
            return _("A volunteer of “%(task)s” %(when)s did not confirm; the place went to the waitlist.",
                     task=task, when=when)
        case "shift_underfilled":
            return ngettext("“%(task)s” %(when)s still needs %(num)d volunteer.",
                            "“%(task)s” %(when)s still needs %(num)d volunteers.",
                            p.get("missing", 0), task=task, when=when)
        case "task_match":
            return _("A task %(distance)s from you needs volunteers: “%(task)s”, %(when)s.",
                     distance=distance(p.get("distance_km", 0)), task=task, when=when)
        case "match_digest":
            titles = format_list([f"“{title}”" for title in p.get("tasks", [])], locale=str(get_locale() or "zh"))
            return ngettext("%(num)d task near you is still looking for volunteers: %(tasks)s.",
                            "%(num)d tasks near you are still looking for volunteers: %(tasks)s.",
                            p.get("count", 0), tasks=titles)
    return _("You have a new notification.")
