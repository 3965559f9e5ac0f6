"""The words of an organizer's message as its recipients read it."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("organizer_message", ack=True)
def organizer_message(p: dict) -> str:
    if p.get("team"):
        return _("%(sender)s to team %(team)s: %(text)s", sender=p.get("sender", ""), team=p["team"], text=p["text"])
    words = task_and_when(p)
    where = f"{words['task']} {words['when']}".strip()
    return _("%(sender)s about “%(where)s”: %(text)s", sender=p.get("sender", ""), where=where, text=p.get("text", ""))
