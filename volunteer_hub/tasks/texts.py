"""The words of the notifications about a task and its shifts, in the reader's language when shown."""

from flask_babel import gettext as _
from flask_babel import ngettext

from volunteer_hub.notifications.texts import notification_text, task_and_when


# An organizer's reason, when they gave one, ends the message (volunteer_hub.claims.rules).
@notification_text("task_cancelled")
def task_cancelled(p: dict) -> str:
    if p.get("reason"):
        return _(
            "The task “%(task)s” was cancelled by the organizer; your place on %(when)s is released. "
            "Reason: %(reason)s",
            reason=p["reason"],
            **task_and_when(p),
        )
    return _(
        "The task “%(task)s” was cancelled by the organizer; your place on %(when)s is released.", **task_and_when(p)
    )


@notification_text("shift_time_changed")
def shift_time_changed(p: dict) -> str:
    return _("The times of your shift for “%(task)s” changed: now %(when)s.", **task_and_when(p))


@notification_text("shift_underfilled", email=True)  # organizers, before the shift
def shift_underfilled(p: dict) -> str:
    return ngettext(
        "“%(task)s” %(when)s still needs %(num)d volunteer.",
        "“%(task)s” %(when)s still needs %(num)d volunteers.",
        p.get("missing", 0),
        **task_and_when(p),
    )
