"""The words of the notifications about lottery draws, in the reader's language when shown."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("lottery_won")
def lottery_won(p: dict) -> str:
    return _("You were drawn for “%(task)s” %(when)s: your place is confirmed.", **task_and_when(p))


@notification_text("lottery_waitlisted")
def lottery_waitlisted(p: dict) -> str:
    return _(
        "The draw for “%(task)s” %(when)s is made: you are on the waitlist, drawn number %(rank)s. "
        "You get a place automatically if one comes free.",
        rank=p.get("rank"),
        **task_and_when(p),
    )
