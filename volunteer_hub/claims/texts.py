"""The words of the notifications a volunteer gets about their claim, in the reader's language when shown."""

from typing import Any

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("claim_promoted")
def claim_promoted(p: dict[str, Any]) -> str:
    return _("A place came free: you are now confirmed for “%(task)s” on %(when)s.", **task_and_when(p))


@notification_text("claim_promoted_pending")
def claim_promoted_pending(p: dict[str, Any]) -> str:
    return _("A place came free on “%(task)s” on %(when)s; the organizer will review your request.", **task_and_when(p))


@notification_text("claim_approved")
def claim_approved(p: dict[str, Any]) -> str:
    return _("Your request for “%(task)s” on %(when)s was approved.", **task_and_when(p))


# An organizer's reason, when they gave one, ends the message (volunteer_hub.claims.rules).
@notification_text("claim_rejected")
def claim_rejected(p: dict[str, Any]) -> str:
    if p.get("reason"):
        return _(
            "Your request for “%(task)s” on %(when)s was not accepted. Reason: %(reason)s",
            reason=p["reason"],
            **task_and_when(p),
        )
    return _("Your request for “%(task)s” on %(when)s was not accepted.", **task_and_when(p))


@notification_text("claim_removed")
def claim_removed(p: dict[str, Any]) -> str:
    if p.get("reason"):
        return _(
            "The organizer removed you from “%(task)s” on %(when)s. Reason: %(reason)s",
            reason=p["reason"],
            **task_and_when(p),
        )
    return _("The organizer removed you from “%(task)s” on %(when)s.", **task_and_when(p))


# Reminders and the attendance check (volunteer_hub.claims.reminders).
@notification_text("shift_reminder")
def shift_reminder(p: dict[str, Any]) -> str:
    return _(
        "Reminder: your shift “%(task)s” is %(when)s at %(address)s.", address=p.get("address", ""), **task_and_when(p)
    )


@notification_text("attendance_check")
def attendance_check(p: dict[str, Any]) -> str:
    return _(
        "Will you come to “%(task)s” %(when)s? Please confirm, or cancel so someone else can go.", **task_and_when(p)
    )


@notification_text("claim_released")
def claim_released(p: dict[str, Any]) -> str:
    return _(
        "You did not confirm you will come to “%(task)s” %(when)s, so your place went to the waitlist.",
        **task_and_when(p),
    )


@notification_text("places_released")
def places_released(p: dict[str, Any]) -> str:
    return _("A volunteer of “%(task)s” %(when)s did not confirm; the place went to the waitlist.", **task_and_when(p))
