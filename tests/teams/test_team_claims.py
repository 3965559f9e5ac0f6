"""Team claims: a leader claims places for named members, all or nothing; members may decline."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Shift


def claims_on(app, shift_id):
    """(user_id, status, team_id, claimed_by_id) of every claim on the shift."""
    with app.app_context():
        return sorted(
            db.session.execute(
                sa.select(Claim.user_id, Claim.status, Claim.team_id, Claim.claimed_by_id).where(
                    Claim.shift_id == shift_id
                )
            ).all()
        )


def confirmed_count(app, shift_id):
    with app.app_context():
        return db.session.get(Shift, shift_id).confirmed


def notes(app, user_id, kind):
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
            ).scalars()
        )


def test_a_leader_claims_one_place_per_named_member(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=3)
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    named = [m.id for m in team.members[:2]]

    response = api.post(
        f"/shifts/{shift_id}/team-claims", json={"team_id": team.id, "member_ids": named}, token=api_token(team.leader)
    )

    assert response.status_code == 201
    assert sorted((c["user_id"], c["status"]) for c in response.get_json()["claims"]) == [
        (uid, "confirmed") for uid in sorted(named)
    ]
    assert claims_on(app, shift_id) == sorted((uid, "confirmed", team.id, team.leader.id) for uid in named)
    assert confirmed_count(app, shift_id) == 2


def test_each_claimed_member_is_told_once(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=2)
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    named = [team.leader.id] + [m.id for m in team.members]

    api.post(
        f"/shifts/{shift_id}/team-claims", json={"team_id": team.id, "member_ids": named}, token=api_token(team.leader)
    )

    assert [len(notes(app, m.id, "team_claim")) for m in team.members] == [1, 1]
    assert notes(app, team.leader.id, "team_claim") == []


def test_a_member_with_a_clashing_shift_blocks_the_claim_and_is_named(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=2)
    busy, free = team.members
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    clash = make_task(shifts=[(timedelta(days=1, hours=1), 2, 5)], title="消杀").shifts[0].id
    api.post(f"/shifts/{clash}/claims", token=api_token(busy))

    response = api.post(
        f"/shifts/{shift_id}/team-claims",
        json={"team_id": team.id, "member_ids": [busy.id, free.id]},
        token=api_token(team.leader),
    )

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "claim_blocked"
    assert [(b["user_id"], b["reason"]) for b in error["blocked"]] == [(busy.id, "shift_overlap")]
    assert claims_on(app, shift_id) == []
    assert confirmed_count(app, shift_id) == 0


def test_naming_someone_outside_the_team_claims_nothing(app, api, make_team, make_task, make_user, api_token):
    team, outsider = make_team(deputies=0, members=1), make_user("路人")
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id

    response = api.post(
        f"/shifts/{shift_id}/team-claims",
        json={"team_id": team.id, "member_ids": [team.members[0].id, outsider.id]},
        token=api_token(team.leader),
    )

    assert response.status_code == 409
    assert [(b["user_id"], b["reason"]) for b in response.get_json()["error"]["blocked"]] == [
        (outsider.id, "not_team_member")
    ]
    assert claims_on(app, shift_id) == []


def test_too_few_places_left_claims_nothing(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=3)
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 2)]).shifts[0].id

    response = api.post(
        f"/shifts/{shift_id}/team-claims",
        json={"team_id": team.id, "member_ids": [m.id for m in team.members]},
        token=api_token(team.leader),
    )

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_enough_places"
    assert claims_on(app, shift_id) == []


def test_an_empty_member_list_is_refused_per_field(api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=1)
    shift_id = make_task().shifts[0].id

    response = api.post(
        f"/shifts/{shift_id}/team-claims", json={"team_id": team.id, "member_ids": []}, token=api_token(team.leader)
    )

    assert response.status_code == 400
    assert "member_ids" in response.get_json()["error"]["fields"]


def test_two_leaders_racing_for_the_last_places_one_team_wins_whole(app, make_team, make_task, api_token):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 4)]).shifts[0].id
    teams = [make_team(deputies=0, members=3, name=f"先锋队{i}") for i in range(2)]
    tokens = [api_token(team.leader) for team in teams]
    barrier, results = threading.Barrier(2), {}

    def race(index):
        team = teams[index]
        barrier.wait()
        response = app.test_client().post(
            f"/api/v1/shifts/{shift_id}/team-claims",
            headers={"Authorization": f"Bearer {tokens[index]}"},
            json={"team_id": team.id, "member_ids": [m.id for m in team.members]},
        )
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=race, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in results.values()) == [201, 409]
    winner = next(i for i, (status, _) in results.items() if status == 201)
    _, loser_body = results[1 - winner]
    assert loser_body["error"]["code"] == "not_enough_places"
    assert {team_id for _, _, team_id, _ in claims_on(app, shift_id)} == {teams[winner].id}
    assert len(claims_on(app, shift_id)) == 3
    assert confirmed_count(app, shift_id) == 3


def claim_team(api, team, shift_id, members=None, *, token):
    members = members if members is not None else team.members
    response = api.post(
        f"/shifts/{shift_id}/team-claims", json={"team_id": team.id, "member_ids": [m.id for m in members]}, token=token
    )
    assert response.status_code == 201, response.get_json()


def claim_id_of(app, shift_id, user_id):
    with app.app_context():
        return db.session.execute(
            sa.select(Claim.id).where(Claim.shift_id == shift_id, Claim.user_id == user_id)
        ).scalar_one()


def test_a_member_declining_frees_the_place_and_promotes_the_waitlist(
    app, api, make_team, make_task, make_user, api_token
):
    team = make_team(deputies=0, members=2)
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 2)]).shifts[0].id
    claim_team(api, team, shift_id, token=api_token(team.leader))
    waiting = make_user("候补")
    assert api.post(f"/shifts/{shift_id}/claims", token=api_token(waiting)).get_json()["status"] == "waitlisted"
    decliner = team.members[0]
    claim_id = claim_id_of(app, shift_id, decliner.id)

    response = api.post(f"/claims/{claim_id}/decline", token=api_token(decliner))

    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert (waiting.id, "confirmed", None, None) in claims_on(app, shift_id)
    assert confirmed_count(app, shift_id) == 2
    assert len(notes(app, waiting.id, "claim_promoted")) == 1
    with app.app_context():
        assert db.session.get(Claim, claim_id).cancel_reason == "team_declined"


def test_the_leader_is_told_of_a_decline(app, api, make_team, make_task, api_token):
    team = make_team(deputies=1, members=1)
    shift_id = make_task().shifts[0].id
    claim_team(api, team, shift_id, token=api_token(team.deputies[0]))
    member = team.members[0]

    api.post(f"/claims/{claim_id_of(app, shift_id, member.id)}/decline", token=api_token(member))

    assert len(notes(app, team.leader.id, "team_claim_declined")) == 1
    assert len(notes(app, team.deputies[0].id, "team_claim_declined")) == 1  # who claimed it
    assert notes(app, member.id, "team_claim_declined") == []


def test_declining_twice_changes_nothing_more(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=1)
    shift_id = make_task().shifts[0].id
    claim_team(api, team, shift_id, token=api_token(team.leader))
    member, claim_id = team.members[0], claim_id_of(app, shift_id, team.members[0].id)
    token = api_token(member)
    api.post(f"/claims/{claim_id}/decline", token=token)

    response = api.post(f"/claims/{claim_id}/decline", token=token)

    assert response.status_code == 200
    assert len(notes(app, team.leader.id, "team_claim_declined")) == 1


def test_a_place_i_claimed_myself_cannot_be_declined_only_cancelled(app, api, make_user, make_task, api_token):
    volunteer = make_user()
    shift_id = make_task().shifts[0].id
    claim_id = api.post(f"/shifts/{shift_id}/claims", token=api_token(volunteer)).get_json()["id"]

    response = api.post(f"/claims/{claim_id}/decline", token=api_token(volunteer))

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_team_claim"


def test_nobody_declines_another_members_place(app, api, make_team, make_task, api_token):
    team = make_team(deputies=0, members=2)
    shift_id = make_task().shifts[0].id
    claim_team(api, team, shift_id, token=api_token(team.leader))

    response = api.post(
        f"/claims/{claim_id_of(app, shift_id, team.members[0].id)}/decline", token=api_token(team.members[1])
    )

    assert response.status_code == 404
    assert confirmed_count(app, shift_id) == 2
