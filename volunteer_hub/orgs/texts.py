"""The words of the notifications about roles and Party branches, in the reader's language when shown: "org" is the
organisation's name, "until" the invitation's expiry."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import day, notification_text
from volunteer_hub.orgs.forms import role_label
from volunteer_hub.orgs.names import localized_name


@notification_text("branch_invitation")
def branch_invitation(p: dict) -> str:
    return _(
        "You are invited to join the Party branch “%(branch)s” of %(org)s. Accept or decline the "
        "invitation by %(date)s.",
        branch=localized_name(p.get("branch", ""), p.get("branch_en")),
        org=localized_name(p.get("org", ""), p.get("org_en")),
        date=day(p, "until"),
    )


# "role" is organizer or reviewer.
@notification_text("role_invitation")
def role_invitation(p: dict) -> str:
    return _(
        "You are invited to be %(role)s of %(org)s. Accept or decline the invitation by %(date)s.",
        role=role_label(p.get("role", "")),
        org=localized_name(p.get("org", ""), p.get("org_en")),
        date=day(p, "until"),
    )
