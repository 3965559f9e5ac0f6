"""The words of the notifications about statistics, in the reader's language when shown."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text


# Reviewers and organizers ask for a large export and leave: it reaches them by e-mail too when it is ready.
@notification_text("export_ready", email=True)
def export_ready(p: dict) -> str:
    return _(
        "Your export “%(file)s” (%(rows)s rows) is ready. Download it under My exports.",
        file=p.get("file", ""),
        rows=f"{p.get('rows', 0):,}",
    )
