"""The words of the notifications about requests for help, in the reader's language when shown: never the
resident's address or phone in a notification."""

from flask_babel import gettext as _

from volunteer_hub.core.formatting import parse_iso, when
from volunteer_hub.help.rules import type_label
from volunteer_hub.notifications.texts import notification_text
from volunteer_hub.orgs.names import localized_name


def _community(params: dict) -> str:
    """The community a help notification names, in the reader's language (older ones hold only its name)."""
    return localized_name(params.get("community", ""), params.get("community_en"))


@notification_text("help_requested", email=True)  # community organizers
def help_requested(p: dict) -> str:
    return _(
        "A resident of %(community)s asks for help (%(type)s), needed %(when)s. See Requests for help.",
        community=_community(p),
        type=type_label(p.get("type", "")),
        when=when(needed_at) if (needed_at := parse_iso(p.get("needed_at"))) else "",
    )


@notification_text("help_accepted")
def help_accepted(p: dict) -> str:
    return _("%(community)s accepted your request for help and is finding a volunteer.", community=_community(p))


@notification_text("help_declined")
def help_declined(p: dict) -> str:
    return _(
        "%(community)s cannot help with your request: %(reason)s", community=_community(p), reason=p.get("reason", "")
    )


@notification_text("help_thanks")
def help_thanks(p: dict) -> str:
    return _(
        "The resident you helped with “%(task)s” thanks you: %(message)s",
        task=p.get("task", ""),
        message=p.get("message", ""),
    )
