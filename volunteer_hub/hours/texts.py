"""The words of the notifications about service hours, in the reader's language when shown: "date" is the ISO
service date, minutes are ledger minutes."""

from flask_babel import gettext as _
from flask_babel import ngettext

from volunteer_hub.core.formatting import service_hours
from volunteer_hub.notifications.texts import day, notification_text, task_and_when


@notification_text("hours_confirmed")
def hours_confirmed(p: dict) -> str:
    return _(
        "%(hours)s hours for “%(task)s” on %(date)s are confirmed and recorded.",
        hours=service_hours(p.get("minutes", 0)),
        task=p.get("task", ""),
        date=day(p),
    )


@notification_text("hours_corrected")
def hours_corrected(p: dict) -> str:
    return _(
        "Your hours for “%(task)s” on %(date)s were corrected to %(hours)s: %(reason)s",
        task=p.get("task", ""),
        date=day(p),
        hours=service_hours(p.get("total", 0)),
        reason=p.get("reason", ""),
    )


@notification_text("hours_unconfirmed", email=True)  # organizers: the 10-working-day deadline
def hours_unconfirmed(p: dict) -> str:
    return ngettext(
        "%(num)d volunteer of “%(task)s” %(when)s still waits for confirmed hours; please confirm by %(date)s.",
        "%(num)d volunteers of “%(task)s” %(when)s still wait for confirmed hours; please confirm by %(date)s.",
        p.get("waiting", 0),
        date=day(p, "due"),
        **task_and_when(p),
    )


@notification_text("hours_disputed", email=True)  # organizers: a correction to review
def hours_disputed(p: dict) -> str:
    return _(
        "%(name)s asks for a correction of their hours for “%(task)s” on %(date)s.",
        name=p.get("name", ""),
        task=p.get("task", ""),
        date=day(p),
    )


@notification_text("hours_missing_reported", email=True)  # organizers
def hours_missing_reported(p: dict) -> str:
    return _(
        "%(name)s reports hours missing for “%(task)s” on %(date)s.",
        name=p.get("name", ""),
        task=p.get("task", ""),
        date=day(p),
    )


@notification_text("hours_dispute_accepted")
def hours_dispute_accepted(p: dict) -> str:
    return _(
        "Your correction request for “%(task)s” on %(date)s was accepted: the record now counts %(hours)s hours.",
        task=p.get("task", ""),
        date=day(p),
        hours=service_hours(p.get("total", 0)),
    )


@notification_text("hours_dispute_refused")
def hours_dispute_refused(p: dict) -> str:
    return _(
        "Your correction request for “%(task)s” on %(date)s was not accepted: %(response)s",
        task=p.get("task", ""),
        date=day(p),
        response=p.get("response", ""),
    )
