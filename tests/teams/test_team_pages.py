"""The team pages a volunteer uses on the phone: my teams, founding, invites, the team page, team claims,
declining, leaving."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import csrf_token
from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.tasks.models import Shift
from volunteer_hub.teams.models import Team, TeamMember


def post_form(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client, "/teams"), **(data or {})})


def test_my_teams_is_reachable_from_my_profile(client, login, make_user):
    login(make_user())

    assert 'href="/teams"' in client.get("/me").get_data(as_text=True)


def test_my_teams_lists_my_teams_and_offers_to_found_one(client, login, make_team):
    team = make_team(deputies=0, members=1)
    login(team.members[0])

    html = client.get("/teams").get_data(as_text=True)

    assert f'href="/teams/{team.id}"' in html
    assert 'href="/teams/new"' in html


def test_founding_a_team_on_the_page_makes_me_its_leader(app, client, login, make_user, make_org):
    founder, community = make_user(), make_org("民治社区")
    login(founder)

    response = post_form(client, "/teams/new", {"name": "东门先锋队", "org_id": str(community.id)})

    assert response.status_code == 302
    with app.app_context():
        team = db.session.execute(sa.select(Team)).scalar_one()
        leader = db.session.execute(sa.select(TeamMember).where(TeamMember.team_id == team.id)).scalar_one()
        assert (team.name, leader.user_id, leader.role) == ("东门先锋队", founder.id, "leader")
    assert response.headers["Location"].endswith(f"/teams/{team.id}")


def test_the_founding_form_offers_communities_and_party_branches_only(client, login, make_user, make_org):
    make_org("民治街道", kind="street")
    make_org("民治社区")
    make_org("临时党支部", kind="party_branch")
    login(make_user())

    html = client.get("/teams/new").get_data(as_text=True)

    assert "民治社区" in html and "临时党支部" in html
    assert "民治街道" not in html


def test_a_founding_form_without_a_name_shows_the_error(client, login, make_user, make_org):
    community = make_org()
    login(make_user())

    response = post_form(client, "/teams/new", {"name": "", "org_id": str(community.id)})

    assert response.status_code == 400
    assert "Give the team a name." in response.get_data(as_text=True)


def test_the_invite_link_needs_a_login_first(client, make_team):
    team = make_team(deputies=0, members=0)

    response = client.get(f"/teams/join/{team.code}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_invite_link_shows_the_team_and_one_tap_joins_it(app, client, login, make_team, make_user):
    team, newcomer = make_team(deputies=0, members=0), make_user("新人")
    login(newcomer)

    landing = client.get(f"/teams/join/{team.code}")
    joined = post_form(client, f"/teams/join/{team.code}")

    assert "东门先锋队" in landing.get_data(as_text=True)
    assert joined.headers["Location"].endswith(f"/teams/{team.id}")
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(TeamMember.status).where(TeamMember.team_id == team.id, TeamMember.user_id == newcomer.id)
            ).scalar_one()
            == "active"
        )


def test_a_wrong_invite_link_says_so(client, login, make_user):
    login(make_user())

    response = client.get("/teams/join/not-a-code")

    assert response.status_code == 403
    assert "not valid" in response.get_data(as_text=True)


def test_the_invite_page_shows_a_qr_code_of_the_link(client, login, make_team):
    team = make_team(deputies=0, members=0)
    login(team.leader)

    html = client.get(f"/teams/{team.id}/invite").get_data(as_text=True)

    assert '<svg role="img"' in html
    assert f"/teams/join/{team.code}" in html


def test_an_outsider_asks_to_join_from_the_team_page(app, client, login, make_team, make_user):
    team, asker = make_team(deputies=0, members=0), make_user()
    login(asker)

    assert "Ask to join" in client.get(f"/teams/{team.id}").get_data(as_text=True)
    post_form(client, f"/teams/{team.id}/request")

    assert "waiting for the team leader" in client.get(f"/teams/{team.id}").get_data(as_text=True)


def test_the_party_badge_shows_only_for_members_who_opted_in(app, client, login, make_team, make_user):
    team = make_team(deputies=0, members=2)
    shown, hidden = team.members
    with app.app_context():
        db.session.get(User, shown.id).party_member = True
        db.session.get(User, shown.id).show_party_badge = True
        db.session.get(User, hidden.id).party_member = True
        db.session.commit()
    login(team.leader)

    html = client.get(f"/teams/{team.id}").get_data(as_text=True)

    assert html.count("Party member") == 1
    assert html.index(shown.name) < html.index("Party member") < html.index(hidden.name)


def test_the_task_page_offers_claim_for_my_team_to_leads_only(client, new_client, login, make_team, make_task):
    team = make_team(deputies=0, members=1)
    task = make_task()
    login(team.leader)
    assert "Claim for my team" in client.get(f"/tasks/{task.id}").get_data(as_text=True)

    member_client = login(team.members[0], new_client())
    assert "Claim for my team" not in member_client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_a_blocked_team_claim_page_names_who_blocked_and_claims_nothing(
    app, api, client, login, make_team, make_task, api_token
):
    team = make_team(deputies=0, members=2)
    busy, free = team.members
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    clash = make_task(shifts=[(timedelta(days=1, hours=1), 2, 5)], title="消杀").shifts[0].id
    api.post(f"/shifts/{clash}/claims", token=api_token(busy))
    login(team.leader)

    response = post_form(
        client, f"/shifts/{shift_id}/team-claim", {"team_id": str(team.id), "member_ids": [str(busy.id), str(free.id)]}
    )

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"{busy.name} already has “消杀”" in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).where(Claim.shift_id == shift_id)).scalar_one() == 0


def test_a_team_claim_on_the_page_shows_up_as_an_upcoming_team_shift(client, login, make_team, make_task):
    team = make_team(deputies=0, members=2)
    task = make_task(title="东门卡口值守")
    login(team.leader)

    response = post_form(
        client,
        f"/shifts/{task.shifts[0].id}/team-claim",
        {"team_id": str(team.id), "member_ids": [str(m.id) for m in team.members]},
    )

    assert response.headers["Location"].endswith(f"/teams/{team.id}")
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "东门卡口值守" in html


def test_a_member_declines_from_the_team_page(app, client, new_client, login, make_team, make_task):
    team = make_team(deputies=0, members=1)
    shift_id = make_task().shifts[0].id
    leader_client = login(team.leader, new_client())
    post_form(
        leader_client,
        f"/shifts/{shift_id}/team-claim",
        {"team_id": str(team.id), "member_ids": [str(team.members[0].id)]},
    )
    login(team.members[0])
    with app.app_context():
        claim_id = db.session.execute(sa.select(Claim.id)).scalar_one()

    assert f"/claims/{claim_id}/decline" in client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert client.get(f"/claims/{claim_id}/decline").status_code == 200
    post_form(client, f"/claims/{claim_id}/decline")

    with app.app_context():
        assert db.session.get(Claim, claim_id).status == "cancelled"


def test_the_leaders_leave_page_says_to_hand_over_first(client, login, make_team):
    team = make_team(deputies=0, members=1)
    login(team.leader)

    html = client.get(f"/teams/{team.id}/leave").get_data(as_text=True)

    assert "Hand the team over to another member first" in html
    assert "Yes, leave the team" not in html


def test_a_member_leaves_from_the_page(app, client, login, make_team):
    team = make_team(deputies=0, members=1)
    login(team.members[0])

    response = post_form(client, f"/teams/{team.id}/leave")

    assert response.headers["Location"].endswith("/teams")
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(TeamMember.status).where(TeamMember.user_id == team.members[0].id)
            ).scalar_one()
            == "left"
        )


def test_team_hours_count_entries_for_the_team_and_for_its_claims(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=1)
    task = make_task()
    member = team.members[0]
    api.post(
        f"/shifts/{task.shifts[0].id}/team-claims",
        json={"team_id": team.id, "member_ids": [member.id]},
        token=api_token(team.leader),
    )
    with app.app_context():
        claim_id = db.session.execute(sa.select(Claim.id)).scalar_one()
        common = {
            "volunteer_id": member.id,
            "org_id": task.org_id,
            "activity_name": "卡口值守",
            "service_date": date(2020, 2, 3),
            "task_type": "checkpoint",
            "source": "attendance",
            "confirmed_by_id": team.leader.id,
        }
        db.session.add_all(
            [
                HourEntry(minutes=240, claim_id=claim_id, **common),  # a team claim's record
                HourEntry(minutes=90, team_id=team.id, **common),  # marked with the team
                HourEntry(minutes=600, **common),
            ]
        )  # served alone: not the team's
        db.session.commit()

    body = api.get(f"/teams/{team.id}", token=api_token(member)).get_json()

    assert body["hours"] == 5.5


def test_a_team_shift_under_way_is_labelled_so(app, client, login, make_team, make_task):
    team = make_team(deputies=0, members=1)
    task = make_task(title="东门卡口值守")
    login(team.leader)
    post_form(
        client,
        f"/shifts/{task.shifts[0].id}/team-claim",
        {"team_id": str(team.id), "member_ids": [str(m.id) for m in team.members]},
    )
    with app.app_context():
        shift = db.session.get(Shift, task.shifts[0].id)
        shift.starts_at, shift.ends_at = now() - timedelta(hours=1), now() + timedelta(hours=3)
        db.session.commit()

    html = client.get(f"/teams/{team.id}").get_data(as_text=True)

    assert "Team shifts under way and coming up" in html
    assert '<p class="tag">Under way</p>' in html.split("东门卡口值守")[1]


def test_the_team_claim_page_checks_every_rule_for_each_member_before_ticking(
    app, api, client, login, make_team, make_task, api_token
):
    team = make_team(deputies=0, members=3)
    capped, uninsured, free = team.members
    with app.app_context():
        db.session.get(User, capped.id).max_weekly_hours = 4
        db.session.commit()
    shift_id = make_task(shifts=[(timedelta(days=2), 5, 5)], requires_insurance=True).shifts[0].id
    with app.app_context():  # insurance for two of them
        for user_id in (capped.id, free.id, team.leader.id):
            db.session.get(User, user_id).insurance_valid_until = date.today() + timedelta(days=30)
        db.session.commit()
    login(team.leader)

    html = client.get(f"/shifts/{shift_id}/team-claim").get_data(as_text=True)

    assert f"This shift is longer than the limit of 4 hours a week that {capped.name} set." in html
    assert f"This task requires accident insurance, and {uninsured.name} has none on their profile." in html
    ticks = {
        int(value): "disabled" in tag
        for tag, value in re.findall(r'(<input[^>]*value="(\d+)"[^>]*>)', html)
        if 'name="member_ids"' in tag
    }
    assert ticks == {team.leader.id: False, capped.id: True, uninsured.id: True, free.id: False}
    assert "Claim the places" in html


def test_the_team_claim_page_says_why_instead_of_a_button_when_the_task_needs_approval(
    client, login, make_team, make_task
):
    team = make_team(deputies=0, members=1)
    shift_id = make_task(requires_approval=True).shifts[0].id
    login(team.leader)

    html = client.get(f"/shifts/{shift_id}/team-claim").get_data(as_text=True)

    assert "approval for each volunteer; claim one by one." in html
    assert "Claim the places" not in html and "Choose another shift" in html
