"""The words of the handover notification, in the reader's language when shown."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text


@notification_text("handover_waiting")
def handover_waiting(p: dict) -> str:
    return _(
        "A handover waits for you at “%(task)s”: read it when you check in and tap “I have read it”.",
        task=p.get("task", ""),
    )
