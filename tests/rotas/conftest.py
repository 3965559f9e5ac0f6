"""Rota fixtures: a team with a leader and members, and a task with an adopted checkpoint series."""

from datetime import date

import pytest
from rota_data import ADULT, CHECKPOINT, FIRST_DAY

from volunteer_hub.extensions import db
from volunteer_hub.teams.models import MemberRole, Team, TeamMember


@pytest.fixture
def make_team(app, make_user):
    """make_team(org, leader, members=[...], deputies=[...]) -> Team (committed), everyone active."""

    def factory(org, leader=None, members=(), deputies=()):
        leader = leader or make_user("队长", birth_date=ADULT)
        with app.app_context():
            team = Team(name="东门先锋队", org_id=org.id, founder_id=leader.id, invite_code=f"code{leader.id}")
            db.session.add(team)
            db.session.flush()
            rows = [(leader, MemberRole.LEADER)] + [(u, MemberRole.DEPUTY) for u in deputies]
            rows += [(u, MemberRole.MEMBER) for u in members]
            db.session.add_all(TeamMember(team_id=team.id, user_id=u.id, role=role) for u, role in rows)
            db.session.commit()
            db.session.refresh(team)
            db.session.expunge(team)
            return team

    return factory


@pytest.fixture
def checkpoint(app, api, make_user, make_org, make_task, grant, api_token):
    """checkpoint(days=2) -> (org, task, series_id): an organizer's checkpoint task with a series from FIRST_DAY
    (call under time_machine at NOW)."""

    def factory(days=2, org=None, daily=CHECKPOINT):
        org = org or make_org()
        organizer = make_user("组织者")
        grant(organizer, org)
        task = make_task(org)
        response = api.post(
            f"/tasks/{task.id}/series",
            token=api_token(organizer),
            json={
                "from_date": FIRST_DAY.isoformat(),
                "to_date": date.fromordinal(FIRST_DAY.toordinal() + days - 1).isoformat(),
                "daily": daily,
            },
        )
        assert response.status_code == 201, response.json
        return org, task, response.json

    return factory
