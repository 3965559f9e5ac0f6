"""The words of the relief alarm as organizers, the outgoing shift and the absent volunteers read them."""

from flask_babel import gettext as _

from volunteer_hub.core.formatting import clock, parse_iso
from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("relief_alarm")
def relief_alarm(p: dict) -> str:
    return _(
        "Relief missing: “%(task)s” %(when)s is short of %(missing)s people on the post. See the staffing board.",
        missing=p.get("missing", ""),
        **task_and_when(p),
    )


@notification_text("relief_stay_ask")
def relief_stay_ask(p: dict) -> str:
    until = parse_iso(p.get("until"))
    return _(
        "Your relief has not arrived at “%(task)s”: can you stay until %(until)s? Answer with one tap.",
        task=p.get("task", ""),
        until=clock(until) if until else "",
    )


@notification_text("relief_absent")
def relief_absent(p: dict) -> str:
    return _(
        "Your shift at “%(task)s” %(when)s has started and you have not checked in. "
        "If you are on your way, check in when you arrive; if you cannot come, tell the organizer now.",
        **task_and_when(p),
    )
