"""Who may do what in a team, through the API and the pages: leader, deputy, member, outsider."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.teams.models import TeamMember

ACTORS = ("leader", "deputy", "member", "outsider")


@pytest.fixture
def world(make_team, make_user):
    """A team with a leader, two deputies, two members, someone asking to join, and an outsider."""
    team = make_team(deputies=2, members=2)
    team.asker, team.outsider = make_user("申请人"), make_user("路人")
    return team


def actor_of(world, who):
    return {
        "leader": world.leader,
        "deputy": world.deputies[0],
        "member": world.members[0],
        "outsider": world.outsider,
    }[who]


def row(app, team_id, user_id):
    with app.app_context():
        found = db.session.execute(
            sa.select(TeamMember.status, TeamMember.role).where(
                TeamMember.team_id == team_id, TeamMember.user_id == user_id
            )
        ).first()
        return tuple(found) if found else None


def ask_to_join(api, world, api_token):
    api.post(f"/teams/{world.id}/join", token=api_token(world.asker))


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_api_approving_a_request(app, api, world, api_token, who, allowed):
    ask_to_join(api, world, api_token)

    response = api.post(f"/teams/{world.id}/members/{world.asker.id}/approve", token=api_token(actor_of(world, who)))

    assert response.status_code == (200 if allowed else 403)
    assert row(app, world.id, world.asker.id)[0] == ("active" if allowed else "requested")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_api_turning_a_request_down(app, api, world, api_token, who, allowed):
    ask_to_join(api, world, api_token)

    response = api.post(f"/teams/{world.id}/members/{world.asker.id}/decline", token=api_token(actor_of(world, who)))

    assert response.status_code == (200 if allowed else 403)
    assert row(app, world.id, world.asker.id)[0] == ("removed" if allowed else "requested")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_api_removing_an_ordinary_member(app, api, world, api_token, who, allowed):
    target = world.members[1]

    response = api.post(f"/teams/{world.id}/members/{target.id}/remove", token=api_token(actor_of(world, who)))

    assert response.status_code == (200 if allowed else 403)
    assert row(app, world.id, target.id)[0] == ("removed" if allowed else "active")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", False), ("member", False), ("outsider", False)])
def test_api_removing_a_deputy(app, api, world, api_token, who, allowed):
    target = world.deputies[1]

    response = api.post(f"/teams/{world.id}/members/{target.id}/remove", token=api_token(actor_of(world, who)))

    assert response.status_code == (200 if allowed else 403)
    assert row(app, world.id, target.id) == (("removed", "member") if allowed else ("active", "deputy"))


@pytest.mark.parametrize("who", ["deputy", "member"])
def test_api_nobody_removes_the_leader(app, api, world, api_token, who):
    response = api.post(f"/teams/{world.id}/members/{world.leader.id}/remove", token=api_token(actor_of(world, who)))

    assert response.status_code == 403
    assert row(app, world.id, world.leader.id) == ("active", "leader")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", False), ("member", False), ("outsider", False)])
def test_api_naming_a_deputy(app, api, world, api_token, who, allowed):
    target = world.members[1]

    response = api.post(
        f"/teams/{world.id}/members/{target.id}/role", json={"role": "deputy"}, token=api_token(actor_of(world, who))
    )

    assert response.status_code == (200 if allowed else 403)
    assert row(app, world.id, target.id)[1] == ("deputy" if allowed else "member")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_api_claiming_for_the_team(app, api, world, make_task, api_token, who, allowed):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id

    response = api.post(
        f"/shifts/{shift_id}/team-claims",
        json={"team_id": world.id, "member_ids": [m.id for m in world.members]},
        token=api_token(actor_of(world, who)),
    )

    assert response.status_code == (201 if allowed else 403)
    with app.app_context():
        count = db.session.execute(sa.select(sa.func.count()).where(Claim.shift_id == shift_id)).scalar_one()
    assert count == (2 if allowed else 0)


@pytest.mark.parametrize(
    "who, status, phones",
    [("leader", 200, True), ("deputy", 200, True), ("member", 200, False), ("outsider", 403, False)],
)
def test_api_reading_the_team(api, world, api_token, who, status, phones):
    response = api.get(f"/teams/{world.id}", token=api_token(actor_of(world, who)))

    assert response.status_code == status
    if status == 200:
        members = response.get_json()["members"]
        assert len(members) == 5
        assert all(("phone" in m) == phones for m in members)
        assert ("invite_code" in response.get_json()) == phones


def test_api_organizers_of_the_teams_community_read_it_without_phones(api, world, make_user, grant, api_token):
    organizer = make_user("社区书记")
    grant(organizer, world.org)

    response = api.get(f"/teams/{world.id}", token=api_token(organizer))

    assert response.status_code == 200
    assert all("phone" not in m for m in response.get_json()["members"])


def test_api_organizers_of_another_community_cannot_read_it(api, world, make_user, make_org, grant, api_token):
    organizer = make_user("别处书记")
    grant(organizer, make_org("别的社区"))

    assert api.get(f"/teams/{world.id}", token=api_token(organizer)).status_code == 403


def test_api_without_a_token_nothing_is_shown(api, world):
    assert api.get(f"/teams/{world.id}").status_code == 401


# --- pages ---


@pytest.fixture
def page_as(new_client, login):
    """page_as(user) -> a test client logged in as user."""

    def factory(user):
        return login(user, new_client())

    return factory


def post_form(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client, "/teams"), **(data or {})})


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_page_approving_a_request(app, api, world, api_token, page_as, who, allowed):
    ask_to_join(api, world, api_token)

    response = post_form(page_as(actor_of(world, who)), f"/teams/{world.id}/members/{world.asker.id}/approve")

    assert response.status_code == 302
    assert row(app, world.id, world.asker.id)[0] == ("active" if allowed else "requested")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_page_removing_an_ordinary_member(app, world, page_as, who, allowed):
    target = world.members[1]

    post_form(page_as(actor_of(world, who)), f"/teams/{world.id}/members/{target.id}/remove")

    assert row(app, world.id, target.id)[0] == ("removed" if allowed else "active")


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", False), ("member", False), ("outsider", False)])
def test_page_naming_a_deputy(app, world, page_as, who, allowed):
    target = world.members[1]

    post_form(page_as(actor_of(world, who)), f"/teams/{world.id}/members/{target.id}/role", {"role": "deputy"})

    assert row(app, world.id, target.id)[1] == ("deputy" if allowed else "member")


@pytest.mark.parametrize("who, status", [("leader", 200), ("deputy", 200), ("member", 403), ("outsider", 403)])
def test_page_the_invite_code_is_shown_to_leads_only(world, page_as, who, status):
    response = page_as(actor_of(world, who)).get(f"/teams/{world.id}/invite")

    assert response.status_code == status
    assert (world.code in response.get_data(as_text=True)) == (status == 200)


@pytest.mark.parametrize("who, status", [("leader", 200), ("deputy", 200), ("member", 403), ("outsider", 403)])
def test_page_claim_for_my_team_is_for_leads_only(world, make_task, page_as, who, status):
    shift_id = make_task().shifts[0].id

    assert page_as(actor_of(world, who)).get(f"/shifts/{shift_id}/team-claim").status_code == status


@pytest.mark.parametrize("who, allowed", [("leader", True), ("deputy", True), ("member", False), ("outsider", False)])
def test_page_submitting_a_team_claim(app, world, make_task, page_as, who, allowed):
    shift_id = make_task().shifts[0].id

    response = post_form(
        page_as(actor_of(world, who)),
        f"/shifts/{shift_id}/team-claim",
        {"team_id": str(world.id), "member_ids": [str(m.id) for m in world.members]},
    )

    assert response.status_code == (302 if allowed else 403)
    with app.app_context():
        count = db.session.execute(sa.select(sa.func.count()).where(Claim.shift_id == shift_id)).scalar_one()
    assert count == (2 if allowed else 0)


@pytest.mark.parametrize(
    "who, sees_members, sees_phones",
    [("leader", True, True), ("deputy", True, True), ("member", True, False), ("outsider", False, False)],
)
def test_page_the_team_page_shows_members_to_members_and_phones_to_leads(
    world, page_as, who, sees_members, sees_phones
):
    html = page_as(actor_of(world, who)).get(f"/teams/{world.id}").get_data(as_text=True)

    other = world.members[1]
    assert (other.name in html) == sees_members
    assert (other.phone.removeprefix("+86") in html) == sees_phones
