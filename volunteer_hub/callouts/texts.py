"""The words of call-outs as volunteers and organizers read them."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("callout_page")
def callout_page(p: dict) -> str:
    words = task_and_when(p)
    text = _(
        "集结令 / Call for help: %(needed)s more people are needed now for “%(task)s” %(when)s at %(address)s. "
        "Can you come? Answer with one tap.",
        needed=p.get("needed", ""),
        task=words["task"],
        when=words["when"],
        address=p.get("address", ""),
    )
    return f"{text} {p['message']}" if p.get("message") else text


@notification_text("callout_confirmed")
def callout_confirmed(p: dict) -> str:
    words = task_and_when(p)
    text = _(
        "You are on “%(task)s” %(when)s: the places are filled. Meeting point: %(address)s.",
        task=words["task"],
        when=words["when"],
        address=p.get("address", ""),
    )
    return f"{text} {p['message']}" if p.get("message") else text


@notification_text("callout_exhausted")
def callout_exhausted(p: dict) -> str:
    words = task_and_when(p)
    return _(
        "Your call-out for “%(task)s” %(when)s has paged everyone who fits: %(filled)s of %(needed)s places taken.",
        task=words["task"],
        when=words["when"],
        filled=p.get("filled", 0),
        needed=p.get("needed", 0),
    )
