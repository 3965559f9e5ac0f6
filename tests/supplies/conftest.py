"""A post with a shift under way (two volunteers checked in), the next shift starting in 20 minutes (one volunteer
confirmed), its community's organizer, a reviewer of the street, and a stranger organizer of another community."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import SHENZHEN
from volunteer_hub.accounts.models import User
from volunteer_hub.attendance import services as attendance
from volunteer_hub.claims import services as claims
from volunteer_hub.extensions import db


@dataclass
class Post:
    task_id: int
    shift_id: int  # under way: started 3 h ago, ends in 1 h
    next_shift_id: int  # starts in 20 minutes
    organizer: User
    reviewer: User
    stranger: User  # organizer of a sibling community
    on_duty: list  # two volunteers checked in to the shift under way
    claims: list  # their claim ids
    next_volunteer: User  # confirmed on the next shift
    next_claim: int
    outsider: User  # a volunteer with no place on the post


def _claim_and_check_in(app, user: User, shift_id: int, *, check_in: bool) -> int:
    with app.test_request_context():
        from volunteer_hub.tasks.services import get_shift

        person = db.session.get(User, user.id)
        claim = claims.claim_shift(person, get_shift(shift_id), under_way=True)
        if check_in:
            where = attendance.Position(SHENZHEN[0], SHENZHEN[1], 20.0)
            attendance.check_in(person, claims.get_claim(claim.id), where, device=f"phone-{user.id}")
        return claim.id


@pytest.fixture
def post(app, make_org, make_user, make_task, grant) -> Post:
    street = make_org("民治街道", kind="street")
    community = make_org("白石龙社区", parent=street)
    sibling = make_org("民泰社区", parent=street)
    organizer, reviewer, stranger = make_user("王书记"), make_user("李审核"), make_user("陈组织")
    grant(organizer, community)
    grant(reviewer, street, "reviewer")
    grant(stranger, sibling)
    quiet = {"quiet_start_min": None, "quiet_end_min": None}
    on_duty = [make_user("张志愿", **quiet), make_user("刘志愿", **quiet)]
    next_volunteer, outsider = make_user("赵接班", **quiet), make_user("路人")
    task = make_task(
        community,
        shifts=[(timedelta(hours=-3), 4, 5), (timedelta(minutes=20), 4, 5)],
        created_by=organizer,
    )
    shift, following = sorted(task.shifts, key=lambda s: s.starts_at)
    claim_ids = [_claim_and_check_in(app, person, shift.id, check_in=True) for person in on_duty]
    next_claim = _claim_and_check_in(app, next_volunteer, following.id, check_in=False)
    return Post(
        task_id=task.id,
        shift_id=shift.id,
        next_shift_id=following.id,
        organizer=organizer,
        reviewer=reviewer,
        stranger=stranger,
        on_duty=on_duty,
        claims=claim_ids,
        next_volunteer=next_volunteer,
        next_claim=next_claim,
        outsider=outsider,
    )


@pytest.fixture
def tokens(post, api_token) -> dict:
    """Bearer tokens by role."""
    return {
        "organizer": api_token(post.organizer),
        "reviewer": api_token(post.reviewer),
        "stranger": api_token(post.stranger),
        "on_duty": api_token(post.on_duty[0]),
        "colleague": api_token(post.on_duty[1]),
        "next": api_token(post.next_volunteer),
        "outsider": api_token(post.outsider),
    }
