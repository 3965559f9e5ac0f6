"""The words of the notifications about teams, in the reader's language when shown: "team" is the team's name,
"name" the person who acted."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text, task_and_when


@notification_text("team_join_requested")
def team_join_requested(p: dict) -> str:
    return _("%(name)s asks to join your team “%(team)s”.", name=p.get("name", ""), team=p.get("team", ""))


@notification_text("team_join_approved")
def team_join_approved(p: dict) -> str:
    return _("You are now a member of the team “%(team)s”.", team=p.get("team", ""))


@notification_text("team_join_declined")
def team_join_declined(p: dict) -> str:
    return _("Your request to join the team “%(team)s” was not accepted.", team=p.get("team", ""))


@notification_text("team_member_removed")
def team_member_removed(p: dict) -> str:
    return _("You were removed from the team “%(team)s”.", team=p.get("team", ""))


@notification_text("team_role_changed")
def team_role_changed(p: dict) -> str:
    if p.get("role") == "leader":
        return _("You now lead the team “%(team)s”.", team=p.get("team", ""))
    if p.get("role") == "deputy":
        return _("You are now a deputy of the team “%(team)s”.", team=p.get("team", ""))
    return _("You are no longer a deputy of the team “%(team)s”.", team=p.get("team", ""))


@notification_text("team_claim")
def team_claim(p: dict) -> str:
    return _(
        "%(name)s signed you up with the team “%(team)s” for “%(task)s” %(when)s. If you cannot go, "
        "decline on the team page so someone else can take the place.",
        name=p.get("name", ""),
        team=p.get("team", ""),
        **task_and_when(p),
    )


@notification_text("team_claim_declined")
def team_claim_declined(p: dict) -> str:
    return _(
        "%(name)s declined the place on “%(task)s” %(when)s that was claimed for the team “%(team)s”.",
        name=p.get("name", ""),
        team=p.get("team", ""),
        **task_and_when(p),
    )
