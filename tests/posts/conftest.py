"""A gate post of a community at 14:00 on a working day: the morning shift (08:00-14:00) still on the post, the
afternoon shift (14:00-20:00, 3 places) started 15 minutes ago with nobody checked in, and the evening shift."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Shift

NOW = "2026-03-10 14:15 +08:00"  # a Tuesday afternoon: nobody's quiet hours


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def place(app, shift_id: int, user, *, present: bool = False, checked_out: bool = False) -> int:
    """Give user a confirmed place on the shift (on the post when present); returns the claim id."""
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        claim = Claim(shift_id=shift_id, user_id=user.id, status=ClaimStatus.CONFIRMED)
        if present:
            claim.attendance = Attendance.PRESENT
            claim.checked_in_at = shift.starts_at
        if checked_out:
            claim.checked_out_at = now()
        shift.confirmed += 1
        db.session.add(claim)
        db.session.commit()
        return claim.id


def check_in(app, claim_id: int) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Claim).where(Claim.id == claim_id).values(attendance=Attendance.PRESENT, checked_in_at=now())
        )
        db.session.commit()


def notes(app, kind: str) -> list[tuple[int, bool]]:
    """(user id, urgent) of the notifications of a kind."""
    with app.app_context():
        return sorted(
            tuple(row)
            for row in db.session.execute(
                sa.select(Notification.user_id, Notification.urgent).where(Notification.kind == kind)
            ).all()
        )


@dataclass
class Post:
    org: object
    sibling: object
    task: object
    organizer: object
    reviewer: object
    stranger_organizer: object
    morning: int
    afternoon: int
    evening: int
    morning_crew: list
    afternoon_crew: list
    morning_claims: list
    afternoon_claims: list


@pytest.fixture
def post(clock, app, make_org, make_user, make_task, grant):
    street = make_org("民治街道", kind="street")
    org = make_org("白石龙社区", parent=street)
    sibling = make_org("民泰社区", parent=street)
    organizer, reviewer, stranger = make_user("王书记"), make_user("陈主任"), make_user("李主任")
    grant(organizer, org)
    grant(reviewer, street, "reviewer")
    grant(stranger, sibling)
    task = make_task(
        org,
        title="梅花山庄北门卡口值守",
        created_by=organizer,
        shifts=[
            (timedelta(hours=-6, minutes=-15), 6, 2),
            (timedelta(minutes=-15), 6, 3),
            (timedelta(hours=5, minutes=45), 6, 2),
        ],
    )
    morning, afternoon, evening = (s.id for s in task.shifts)
    morning_crew = [make_user("早班甲"), make_user("早班乙")]
    afternoon_crew = [make_user("午班甲")]
    return Post(
        org=org,
        sibling=sibling,
        task=task,
        organizer=organizer,
        reviewer=reviewer,
        stranger_organizer=stranger,
        morning=morning,
        afternoon=afternoon,
        evening=evening,
        morning_crew=morning_crew,
        afternoon_crew=afternoon_crew,
        morning_claims=[place(app, morning, u, present=True) for u in morning_crew],
        afternoon_claims=[place(app, afternoon, u) for u in afternoon_crew],
    )
