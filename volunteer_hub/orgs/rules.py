"""Party identity rules: who shows the Party badge, where a temporary Party branch may sit, who may join one."""

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.orgs.models import Organisation, OrgKind

# A temporary branch (临时党支部) is set up where the work happens: a compound, a community or a street's task site.
BRANCH_SITES = (OrgKind.STREET, OrgKind.COMMUNITY, OrgKind.COMPOUND)


def shows_party_badge(user) -> bool:
    """亮身份: the badge shows only for Party members who chose to show it (rosters, team pages, exports)."""
    return bool(user is not None and getattr(user, "party_member", False) and getattr(user, "show_party_badge", False))


def check_branch_site(parent: Organisation) -> None:
    """A temporary Party branch hangs under a street, community or compound."""
    if parent.kind not in BRANCH_SITES:
        raise ValidationError(
            fields={
                "parent_id": _l("A temporary Party branch is set up under a street, community or compound, not here.")
            }
        )


def check_branch(org: Organisation) -> None:
    """Members are invited to Party branches only."""
    if org.kind != OrgKind.PARTY_BRANCH:
        raise ValidationError(fields={"org_id": _l("Members can only be added to a Party branch.")})


def check_party_member(user) -> None:
    """Only Party members (by their profile) join a Party branch: checked when the invitee accepts."""
    if not user.party_member:
        raise Conflict(
            _l(
                "Only Party members join a Party branch. If you are one, say so on your profile, then "
                "accept the invitation."
            ),
            code="not_party_member",
        )
