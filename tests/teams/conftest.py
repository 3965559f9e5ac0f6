"""Team fixtures: a team with a leader, deputies and members, built through the real services."""

from types import SimpleNamespace

import pytest

from tests.conftest import english
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db
from volunteer_hub.teams import services


@pytest.fixture
def make_team(app, make_org, make_user):
    """make_team(leader=None, org=None, deputies=1, members=2) -> namespace(id, code, org, leader, deputies,
    members): everyone joined by the invite code, deputies named by the leader."""

    def factory(leader=None, org=None, *, deputies=1, members=2, name="东门先锋队"):
        org = org or make_org()
        leader = leader or make_user("队长")
        deputy_users = [make_user(f"副队长{i}") for i in range(deputies)]
        member_users = [make_user(f"队员{i}") for i in range(members)]
        with app.test_request_context():
            lead = db.session.get(User, leader.id)
            team = services.found_team(lead, name=name, org_id=org.id)
            team_id, code = team.id, team.invite_code
            for user in deputy_users + member_users:
                services.join_by_code(db.session.get(User, user.id), services.get_team(team_id), code)
            for user in deputy_users:
                services.set_role(db.session.get(User, leader.id), services.get_team(team_id), user.id, "deputy")
            db.session.remove()
        return SimpleNamespace(
            id=team_id, code=code, org=org, leader=leader, deputies=deputy_users, members=member_users
        )

    return factory


@pytest.fixture(autouse=True)
def _english_client(client):
    english(client)
