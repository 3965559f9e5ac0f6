"""The words of each notification kind, rendered in the reader's language when shown."""

from datetime import date

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from volunteer_hub.core.formatting import calendar_date, distance, parse_iso, service_hours, shift_span
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
        case "marked_no_show":
            return _("You were recorded as absent from “%(task)s” %(when)s because you did not check in. If you "
                     "were there, ask the organizer to mark you present.", task=task, when=when)
        case "certificate_revoked":
            return _("Your certificate %(code)s was revoked by an issuing organisation: %(reason)s",
                     code=p.get("code", ""), reason=p.get("reason", ""))
        # Service hours (volunteer_hub.hours): "date" is the ISO service date, minutes are ledger minutes.
        case "hours_confirmed":
            return _("%(hours)s hours for “%(task)s” on %(date)s are confirmed and recorded.",
                     hours=service_hours(p.get("minutes", 0)), task=task, date=_service_day(p))
        case "hours_corrected":
            return _("Your hours for “%(task)s” on %(date)s were corrected to %(hours)s: %(reason)s",
                     task=task, date=_service_day(p), hours=service_hours(p.get("total", 0)),
                     reason=p.get("reason", ""))
        case "hours_unconfirmed":
            return ngettext("%(num)d volunteer of “%(task)s” %(when)s still waits for confirmed hours; please "
                            "confirm by %(date)s.",
                            "%(num)d volunteers of “%(task)s” %(when)s still wait for confirmed hours; please "
                            "confirm by %(date)s.",
                            p.get("waiting", 0), task=task, when=when, date=_service_day(p, "due"))
        case "hours_disputed":
            return _("%(name)s asks for a correction of their hours for “%(task)s” on %(date)s.",
                     name=p.get("name", ""), task=task, date=_service_day(p))
        case "hours_missing_reported":
            return _("%(name)s reports hours missing for “%(task)s” on %(date)s.", name=p.get("name", ""),
                     task=task, date=_service_day(p))
        case "hours_dispute_accepted":
            return _("Your correction request for “%(task)s” on %(date)s was accepted: the record now counts "
                     "%(hours)s hours.", task=task, date=_service_day(p), hours=service_hours(p.get("total", 0)))
        case "hours_dispute_refused":
            return _("Your correction request for “%(task)s” on %(date)s was not accepted: %(response)s",
                     task=task, date=_service_day(p), response=p.get("response", ""))
    return _("You have a new notification.")


def _service_day(params: dict, key: str = "date") -> str:
    """An ISO date parameter (a service date, a deadline) in the reader's language."""
    return calendar_date(date.fromisoformat(params[key])) if params.get(key) else ""
