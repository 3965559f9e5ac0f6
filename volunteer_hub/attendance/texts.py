"""The words of the notifications about attendance, in the reader's language when shown."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("marked_no_show")
def marked_no_show(p: dict) -> str:
    return _(
        "You were recorded as absent from “%(task)s” %(when)s because you did not check in. If you "
        "were there, ask the organizer to mark you present.",
        **task_and_when(p),
    )
