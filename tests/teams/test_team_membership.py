"""Founding a team and its membership through the API: invite codes, requests, approval, leaving, removal."""

import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.teams.models import TeamMember


def kinds_for(app, user_id):
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
            ).scalars()
        )


def status_of(app, team_id, user_id):
    with app.app_context():
        row = db.session.execute(
            sa.select(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
        ).scalar_one_or_none()
        return (row.status, row.role) if row else None


def test_a_volunteer_founds_a_team_under_a_community_and_leads_it(app, api, make_user, make_org, api_token):
    founder, community = make_user("王芳"), make_org("民治社区")

    response = api.post("/teams", json={"name": "东门先锋队", "org_id": community.id}, token=api_token(founder))

    assert response.status_code == 201
    body = response.get_json()
    assert (body["name"], body["org_id"], body["my_role"]) == ("东门先锋队", community.id, "leader")
    assert [(m["user_id"], m["role"]) for m in body["members"]] == [(founder.id, "leader")]
    assert status_of(app, body["id"], founder.id) == ("active", "leader")


def test_a_party_branch_can_hold_a_team(api, make_user, make_org, api_token):
    branch = make_org("临时党支部", kind="party_branch")

    response = api.post("/teams", json={"name": "党员先锋队", "org_id": branch.id}, token=api_token(make_user()))

    assert response.status_code == 201


def test_a_street_cannot_hold_a_team(api, make_user, make_org, api_token):
    street = make_org("民治街道", kind="street")

    response = api.post("/teams", json={"name": "先锋队", "org_id": street.id}, token=api_token(make_user()))

    assert response.status_code == 400
    assert "org_id" in response.get_json()["error"]["fields"]


def test_an_empty_team_name_is_refused_per_field(api, make_user, make_org, api_token):
    response = api.post("/teams", json={"name": "  ", "org_id": make_org().id}, token=api_token(make_user()))

    assert response.status_code == 400
    assert "name" in response.get_json()["error"]["fields"]


def test_the_invite_code_makes_a_volunteer_an_active_member(app, api, make_team, make_user, api_token):
    team, newcomer = make_team(members=0, deputies=0), make_user("李雷")

    response = api.post(f"/teams/{team.id}/join", json={"code": team.code}, token=api_token(newcomer))

    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["role"]) == ("active", "member")
    assert status_of(app, team.id, newcomer.id) == ("active", "member")


def test_a_wrong_invite_code_is_refused_and_admits_nobody(app, api, make_team, make_user, api_token):
    team, stranger = make_team(members=0, deputies=0), make_user()

    response = api.post(f"/teams/{team.id}/join", json={"code": "guessed-code"}, token=api_token(stranger))

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "invalid_invite_code"
    assert status_of(app, team.id, stranger.id) is None


def test_another_teams_code_does_not_open_this_team(api, make_team, make_user, api_token):
    first, second = make_team(members=0, deputies=0), make_team(members=0, deputies=0, name="西门先锋队")

    response = api.post(f"/teams/{first.id}/join", json={"code": second.code}, token=api_token(make_user()))

    assert response.get_json()["error"]["code"] == "invalid_invite_code"


def test_joining_twice_is_a_conflict(api, make_team, api_token):
    team = make_team(deputies=0, members=1)

    response = api.post(f"/teams/{team.id}/join", json={"code": team.code}, token=api_token(team.members[0]))

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_member"


def test_joining_an_unknown_team_is_not_found(api, make_user, api_token):
    response = api.post("/teams/999/join", json={"code": "x"}, token=api_token(make_user()))

    assert response.status_code == 404


def test_asking_to_join_waits_for_a_leader_and_tells_the_leads(app, api, make_team, make_user, api_token):
    team, asker = make_team(deputies=1, members=1), make_user("韩梅梅")

    response = api.post(f"/teams/{team.id}/join", token=api_token(asker))

    assert response.status_code == 200
    assert response.get_json()["status"] == "requested"
    assert "team_join_requested" in kinds_for(app, team.leader.id)
    assert "team_join_requested" in kinds_for(app, team.deputies[0].id)
    assert "team_join_requested" not in kinds_for(app, team.members[0].id)


def test_a_deputy_approves_a_request_and_the_member_is_told(app, api, make_team, make_user, api_token):
    team, asker = make_team(deputies=1, members=0), make_user()
    api.post(f"/teams/{team.id}/join", token=api_token(asker))

    response = api.post(f"/teams/{team.id}/members/{asker.id}/approve", token=api_token(team.deputies[0]))

    assert response.status_code == 200
    assert status_of(app, team.id, asker.id) == ("active", "member")
    assert "team_join_approved" in kinds_for(app, asker.id)


def test_approving_someone_who_never_asked_is_not_found(api, make_team, make_user, api_token):
    team = make_team(deputies=0, members=0)

    response = api.post(f"/teams/{team.id}/members/{make_user().id}/approve", token=api_token(team.leader))

    assert response.status_code == 404


def test_a_turned_down_request_keeps_the_person_out_even_with_the_invite_code(
    app, api, make_team, make_user, api_token
):
    team, asker = make_team(deputies=0, members=0), make_user()
    token = api_token(asker)
    api.post(f"/teams/{team.id}/join", token=token)
    api.post(f"/teams/{team.id}/members/{asker.id}/decline", token=api_token(team.leader))

    response = api.post(f"/teams/{team.id}/join", json={"code": team.code}, token=token)

    assert response.get_json()["error"]["code"] == "removed_from_team"
    assert status_of(app, team.id, asker.id) == ("removed", "member")
    assert "team_join_declined" in kinds_for(app, asker.id)


def test_a_member_leaves(app, api, make_team, api_token):
    team = make_team(deputies=0, members=1)
    member = team.members[0]

    response = api.post(f"/teams/{team.id}/leave", token=api_token(member))

    assert response.status_code == 200
    assert status_of(app, team.id, member.id) == ("left", "member")


def test_a_member_who_left_may_come_back_with_the_invite_code(app, api, make_team, api_token):
    team = make_team(deputies=0, members=1)
    token = api_token(team.members[0])
    api.post(f"/teams/{team.id}/leave", token=token)

    response = api.post(f"/teams/{team.id}/join", json={"code": team.code}, token=token)

    assert response.status_code == 200
    assert status_of(app, team.id, team.members[0].id) == ("active", "member")


def test_the_leader_cannot_leave_without_handing_over(app, api, make_team, make_user, api_token):
    team = make_team(make_user("队长", locale="en"), deputies=0, members=1)

    response = api.post(f"/teams/{team.id}/leave", token=api_token(team.leader))

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "leader_must_hand_over"
    assert "Hand the team over" in error["message"]
    assert status_of(app, team.id, team.leader.id) == ("active", "leader")


def test_after_handing_over_the_old_leader_is_a_deputy_and_may_leave(app, api, make_team, api_token):
    team = make_team(deputies=0, members=1)
    heir = team.members[0]
    leader_token = api_token(team.leader)

    handed = api.post(f"/teams/{team.id}/members/{heir.id}/role", json={"role": "leader"}, token=leader_token)
    left = api.post(f"/teams/{team.id}/leave", token=leader_token)

    assert handed.status_code == 200
    assert left.status_code == 200
    assert status_of(app, team.id, heir.id) == ("active", "leader")
    assert status_of(app, team.id, team.leader.id) == ("left", "member")


def test_the_leader_names_and_unnames_a_deputy(app, api, make_team, api_token):
    team = make_team(deputies=0, members=1)
    member, token = team.members[0], api_token(team.leader)

    api.post(f"/teams/{team.id}/members/{member.id}/role", json={"role": "deputy"}, token=token)
    assert status_of(app, team.id, member.id) == ("active", "deputy")
    api.post(f"/teams/{team.id}/members/{member.id}/role", json={"role": "member"}, token=token)
    assert status_of(app, team.id, member.id) == ("active", "member")


def test_an_unknown_role_is_refused_per_field(api, make_team, api_token):
    team = make_team(deputies=0, members=1)

    response = api.post(
        f"/teams/{team.id}/members/{team.members[0].id}/role", json={"role": "captain"}, token=api_token(team.leader)
    )

    assert response.status_code == 400
    assert "role" in response.get_json()["error"]["fields"]


def test_a_removed_member_is_told_and_cannot_rejoin_with_the_code(app, api, make_team, api_token):
    team = make_team(deputies=0, members=1)
    member = team.members[0]

    removed = api.post(f"/teams/{team.id}/members/{member.id}/remove", token=api_token(team.leader))
    rejoin = api.post(f"/teams/{team.id}/join", json={"code": team.code}, token=api_token(member))

    assert removed.status_code == 200
    assert status_of(app, team.id, member.id) == ("removed", "member")
    assert "team_member_removed" in kinds_for(app, member.id)
    assert rejoin.status_code == 403
    assert rejoin.get_json()["error"]["code"] == "removed_from_team"


def test_a_removed_member_may_ask_again_and_be_approved(app, api, make_team, api_token):
    team = make_team(deputies=0, members=1)
    member, leader_token = team.members[0], api_token(team.leader)
    api.post(f"/teams/{team.id}/members/{member.id}/remove", token=leader_token)

    asked = api.post(f"/teams/{team.id}/join", token=api_token(member))
    approved = api.post(f"/teams/{team.id}/members/{member.id}/approve", token=leader_token)

    assert asked.get_json()["status"] == "requested"
    assert approved.status_code == 200
    assert status_of(app, team.id, member.id) == ("active", "member")


def test_my_teams_lists_memberships_and_open_requests(api, make_team, make_user, api_token):
    first, second = make_team(deputies=0, members=1), make_team(deputies=0, members=0, name="西门先锋队")
    me = first.members[0]
    token = api_token(me)
    api.post(f"/teams/{second.id}/join", token=token)

    items = api.get("/teams", token=token).get_json()["items"]

    assert sorted((i["team_id"], i["status"]) for i in items) == [(first.id, "active"), (second.id, "requested")]
