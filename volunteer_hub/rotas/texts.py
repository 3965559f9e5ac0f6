"""The words of the notifications about rotas and swaps, in the reader's language when shown: the first shift of a
published rota is the "when"."""

from flask_babel import gettext as _
from flask_babel import ngettext

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("rota_published")
def rota_published(p: dict) -> str:
    return ngettext(
        "The team “%(team)s” put you on %(num)d shift of “%(task)s”: %(when)s. See My shifts.",
        "The team “%(team)s” put you on %(num)d shifts of “%(task)s”, the first %(when)s. See My shifts.",
        p.get("count", 1),
        team=p.get("team", ""),
        **task_and_when(p),
    )


@notification_text("swap_accepted")
def swap_accepted(p: dict) -> str:
    return _(
        "%(name)s of the team “%(team)s” took over a swapped shift of “%(task)s” %(when)s.",
        name=p.get("name", ""),
        team=p.get("team", ""),
        **task_and_when(p),
    )


@notification_text("swap_taken")
def swap_taken(p: dict) -> str:
    return _(
        "%(name)s took over your shift of “%(task)s” %(when)s; it is no longer yours.",
        name=p.get("name", ""),
        **task_and_when(p),
    )
