"""The words of each notification kind, rendered in the reader's language when shown."""

from datetime import date

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from volunteer_hub.core.formatting import calendar_date, distance, parse_iso, service_hours, shift_span
from volunteer_hub.core.formatting import when as format_when
from volunteer_hub.help.rules import type_label as help_type_label
from volunteer_hub.notifications.models import Notification
from volunteer_hub.orgs.names import localized_name


def render(note: Notification) -> str:
    p = note.params or {}
    task = p.get("task", "")
    starts, ends = parse_iso(p.get("starts_at")), parse_iso(p.get("ends_at"))
    when = shift_span(starts, ends) if starts and ends else ""
    match note.kind:
        # An organizer's reason, when they gave one, ends the message (volunteer_hub.claims.rules).
        case "task_cancelled" if p.get("reason"):
            return _("The task “%(task)s” was cancelled by the organizer; your place on %(when)s is released. "
                     "Reason: %(reason)s", task=task, when=when, reason=p["reason"])
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
        case "claim_rejected" if p.get("reason"):
            return _("Your request for “%(task)s” on %(when)s was not accepted. Reason: %(reason)s", task=task,
                     when=when, reason=p["reason"])
        case "claim_rejected":
            return _("Your request for “%(task)s” on %(when)s was not accepted.", task=task, when=when)
        case "shift_time_changed":
            return _("The times of your shift for “%(task)s” changed: now %(when)s.", task=task, when=when)
        case "claim_removed" if p.get("reason"):
            return _("The organizer removed you from “%(task)s” on %(when)s. Reason: %(reason)s", task=task,
                     when=when, reason=p["reason"])
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
        # Teams (volunteer_hub.teams): "team" is the team's name, "name" the person who acted.
        case "team_join_requested":
            return _("%(name)s asks to join your team “%(team)s”.", name=p.get("name", ""), team=p.get("team", ""))
        case "team_join_approved":
            return _("You are now a member of the team “%(team)s”.", team=p.get("team", ""))
        case "team_join_declined":
            return _("Your request to join the team “%(team)s” was not accepted.", team=p.get("team", ""))
        case "team_member_removed":
            return _("You were removed from the team “%(team)s”.", team=p.get("team", ""))
        case "team_role_changed" if p.get("role") == "leader":
            return _("You now lead the team “%(team)s”.", team=p.get("team", ""))
        case "team_role_changed" if p.get("role") == "deputy":
            return _("You are now a deputy of the team “%(team)s”.", team=p.get("team", ""))
        case "team_role_changed":
            return _("You are no longer a deputy of the team “%(team)s”.", team=p.get("team", ""))
        case "team_claim":
            return _("%(name)s signed you up with the team “%(team)s” for “%(task)s” %(when)s. If you cannot go, "
                     "decline on the team page so someone else can take the place.", name=p.get("name", ""),
                     team=p.get("team", ""), task=task, when=when)
        case "team_claim_declined":
            return _("%(name)s declined the place on “%(task)s” %(when)s that was claimed for the team “%(team)s”.",
                     name=p.get("name", ""), task=task, when=when, team=p.get("team", ""))
        # Rotas and swaps (volunteer_hub.rotas): the first shift of a published rota is the "when".
        case "rota_published":
            return ngettext("The team “%(team)s” put you on %(num)d shift of “%(task)s”: %(when)s. See My shifts.",
                            "The team “%(team)s” put you on %(num)d shifts of “%(task)s”, the first %(when)s. "
                            "See My shifts.", p.get("count", 1), team=p.get("team", ""), task=task, when=when)
        case "swap_accepted":
            return _("%(name)s of the team “%(team)s” took over a swapped shift of “%(task)s” %(when)s.",
                     name=p.get("name", ""), team=p.get("team", ""), task=task, when=when)
        case "swap_taken":
            return _("%(name)s took over your shift of “%(task)s” %(when)s; it is no longer yours.",
                     name=p.get("name", ""), task=task, when=when)
        # Requests for help (volunteer_hub.help): never the resident's address or phone in a notification.
        case "help_requested":
            return _("A resident of %(community)s asks for help (%(type)s), needed %(when)s. See Requests for help.",
                     community=_community(p), type=help_type_label(p.get("type", "")),
                     when=format_when(parse_iso(p.get("needed_at"))) if p.get("needed_at") else "")
        case "help_accepted":
            return _("%(community)s accepted your request for help and is finding a volunteer.",
                     community=_community(p))
        case "help_declined":
            return _("%(community)s cannot help with your request: %(reason)s", community=_community(p),
                     reason=p.get("reason", ""))
        case "help_thanks":
            return _("The resident you helped with “%(task)s” thanks you: %(message)s", task=task,
                     message=p.get("message", ""))
        # Party branches (volunteer_hub.orgs): "branch" is its name, "org" where it is set up, "until" the expiry.
        case "branch_invitation":
            return _("You are invited to join the Party branch “%(branch)s” of %(org)s. Accept or decline the "
                     "invitation by %(date)s.", branch=localized_name(p.get("branch", ""), p.get("branch_en")),
                     org=localized_name(p.get("org", ""), p.get("org_en")),
                     date=_service_day(p, "until"))
        # Roles (volunteer_hub.orgs): "role" is organizer or reviewer, "org" the organisation's name.
        case "role_invitation":
            from volunteer_hub.orgs.forms import role_label  # orgs.services notifies: import when shown

            return _("You are invited to be %(role)s of %(org)s. Accept or decline the invitation by %(date)s.",
                     role=role_label(p.get("role", "")), org=localized_name(p.get("org", ""), p.get("org_en")),
                     date=_service_day(p, "until"))
        # Lottery draws (volunteer_hub.lottery).
        case "lottery_won":
            return _("You were drawn for “%(task)s” %(when)s: your place is confirmed.", task=task, when=when)
        case "lottery_waitlisted":
            return _("The draw for “%(task)s” %(when)s is made: you are on the waitlist, drawn number %(rank)s. "
                     "You get a place automatically if one comes free.", task=task, when=when, rank=p.get("rank"))
    return _("You have a new notification.")


def _community(params: dict) -> str:
    """The community a help notification names, in the reader's language (older ones hold only its name)."""
    return localized_name(params.get("community", ""), params.get("community_en"))


def _service_day(params: dict, key: str = "date") -> str:
    """An ISO date parameter (a service date, a deadline) in the reader's language."""
    return calendar_date(date.fromisoformat(params[key])) if params.get(key) else ""
