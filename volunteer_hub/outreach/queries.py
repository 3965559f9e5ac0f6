"""Who a message reaches."""

import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift
from volunteer_hub.teams.models import MemberStatus, TeamMember


def shift_recipients(shift_ids: list[int], *, include_waitlisted: bool) -> list[int]:
    """The user ids holding a place on these shifts (and waiting for one, when asked), each once."""
    statuses = [ClaimStatus.CONFIRMED] + ([ClaimStatus.WAITLISTED] if include_waitlisted else [])
    return list(
        db.session.execute(
            sa.select(Claim.user_id)
            .where(Claim.shift_id.in_(shift_ids), Claim.status.in_(statuses))
            .distinct()
            .order_by(Claim.user_id)
        ).scalars()
    )


def live_shift_ids(task_id: int) -> list[int]:
    """The task's shifts that have not ended."""
    return list(
        db.session.execute(sa.select(Shift.id).where(Shift.task_id == task_id, Shift.ends_at > now())).scalars()
    )


def team_recipients(team_id: int) -> list[int]:
    return list(
        db.session.execute(
            sa.select(TeamMember.user_id)
            .where(TeamMember.team_id == team_id, TeamMember.status == MemberStatus.ACTIVE)
            .order_by(TeamMember.user_id)
        ).scalars()
    )


def names(user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all())
