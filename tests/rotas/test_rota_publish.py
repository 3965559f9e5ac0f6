"""Adopting a series, proposing a rota and publishing it: all places claimed at once, or none."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine
from rota_data import ADULT, NIGHTS_TOO, NOW, adopt

from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification


def confirmed_claims(app):
    with app.app_context():
        return db.session.execute(
            sa.select(Claim.shift_id, Claim.user_id, Claim.team_id).where(Claim.status == "confirmed")
        ).all()


def team_of(make_user, make_team, org, size, **fields):
    leader = make_user("队长", birth_date=ADULT, **NIGHTS_TOO)
    members = [make_user(f"队员{n}", birth_date=ADULT, **NIGHTS_TOO, **fields) for n in range(size)]
    return make_team(org, leader, members), leader, members


@time_machine.travel(NOW, tick=False)
def test_a_leader_adopts_a_series_through_the_api(app, api, checkpoint, make_user, make_team, api_token):
    org, _task, series = checkpoint()
    team, leader, _ = team_of(make_user, make_team, org, 2)

    response = api.post(
        f"/teams/{team.id}/adoptions",
        token=api_token(leader),
        json={"series_id": series["id"], "from_date": "2026-03-04"},
    )

    assert response.status_code == 201, response.json
    assert (response.json["from_date"], response.json["to_date"]) == ("2026-03-04", "2026-03-04")


@time_machine.travel(NOW, tick=False)
def test_a_proposal_fills_every_place_and_saves_nothing(app, api, checkpoint, make_user, make_team, api_token):
    org, task, series = checkpoint(days=2)
    team, leader, _members = team_of(make_user, make_team, org, 8)
    adopt(app, team, series["id"], leader)

    response = api.post(
        f"/teams/{team.id}/rota-proposals",
        token=api_token(leader),
        json={"task_id": task.id, "from_date": "2026-03-03", "to_date": "2026-03-04"},
    )

    assert response.status_code == 200, response.json
    body = response.json
    assert [len(a["user_ids"]) for a in body["assignments"]] == [2] * 6
    assert body["unfilled"] == []
    assert sum(m["nights"] for m in body["members"]) == 4  # two 00:00-08:00 shifts of two people
    assert confirmed_claims(app) == []


@time_machine.travel(NOW, tick=False)
def test_unfilled_places_come_with_the_reason(app, api, checkpoint, make_user, make_team, api_token):
    org, task, series = checkpoint(days=1)
    leader = make_user("队长", birth_date=ADULT)  # days only, the profile's default
    team = make_team(org, leader, [make_user("白天", birth_date=ADULT)])
    adopt(app, team, series["id"], leader)

    body = api.post(
        f"/teams/{team.id}/rota-proposals",
        token=api_token(leader),
        json={"task_id": task.id, "from_date": "2026-03-03", "to_date": "2026-03-03"},
    ).json

    night = next(a for a in body["assignments"] if a["night"])
    assert [
        (u["shift_id"], u["missing"], u["reason"]) for u in body["unfilled"] if u["shift_id"] == night["shift_id"]
    ] == [(night["shift_id"], 2, "availability")]


@time_machine.travel(NOW, tick=False)
def test_publishing_claims_every_place_for_the_team_and_notifies_each_member_once(
    app, api, checkpoint, make_user, make_team, api_token
):
    org, task, series = checkpoint(days=1)
    team, leader, _members = team_of(make_user, make_team, org, 6)
    adopt(app, team, series["id"], leader)
    token = api_token(leader)
    proposed = api.post(
        f"/teams/{team.id}/rota-proposals",
        token=token,
        json={"task_id": task.id, "from_date": "2026-03-03", "to_date": "2026-03-03"},
    ).json

    response = api.post(
        f"/teams/{team.id}/rotas",
        token=token,
        json={
            "task_id": task.id,
            "assignments": [{"shift_id": a["shift_id"], "user_ids": a["user_ids"]} for a in proposed["assignments"]],
        },
    )

    assert response.status_code == 201, response.json
    claims = confirmed_claims(app)
    assert len(claims) == 6 and {c.team_id for c in claims} == {team.id}
    with app.app_context():
        kinds = db.session.execute(sa.select(Notification.user_id).where(Notification.kind == "rota_published"))
        assert sorted(kinds.scalars()) == sorted({c.user_id for c in claims})


@time_machine.travel(NOW, tick=False)
def test_one_blocked_shift_publishes_nothing_and_names_the_blocker(
    app, api, checkpoint, make_user, make_team, make_task, api_token
):
    org, task, series = checkpoint(days=1)
    team, leader, members = team_of(make_user, make_team, org, 4)
    adopt(app, team, series["id"], leader)
    busy = members[0]
    # Elsewhere, the member already works the afternoon of 3 March.
    elsewhere = make_task(shifts=[(timedelta(days=1, hours=6), 4, 5)], title="别处")
    assert api.post(f"/shifts/{elsewhere.shifts[0].id}/claims", token=api_token(busy)).status_code == 201
    night, day = series["shifts"][:2]  # 00:00-08:00 and 08:00-16:00 on 3 March
    token = api_token(leader)

    response = api.post(
        f"/teams/{team.id}/rotas",
        token=token,
        json={
            "task_id": task.id,
            "assignments": [
                {"shift_id": night["id"], "user_ids": [members[1].id, members[2].id]},
                {"shift_id": day["id"], "user_ids": [busy.id, members[3].id]},
            ],
        },
    )

    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "rota_blocked"
    assert [(b["shift_id"], b["user_id"], b["reason"]) for b in error["blocked"]] == [
        (day["id"], busy.id, "shift_overlap")
    ]
    assert [c for c in confirmed_claims(app) if c.team_id is not None] == []


@time_machine.travel(NOW, tick=False)
def test_only_leaders_propose_and_publish_and_only_members_are_assigned(
    app, api, checkpoint, make_user, make_team, api_token
):
    org, task, series = checkpoint(days=1)
    team, leader, members = team_of(make_user, make_team, org, 2)
    adopt(app, team, series["id"], leader)
    outsider = make_user("外人")
    body = {"task_id": task.id, "from_date": "2026-03-03", "to_date": "2026-03-03"}
    shift_id = series["shifts"][0]["id"]

    member_try = api.post(f"/teams/{team.id}/rota-proposals", token=api_token(members[0]), json=body)
    assignments = [{"shift_id": shift_id, "user_ids": [outsider.id]}]
    outsider_try = api.post(
        f"/teams/{team.id}/rotas", token=api_token(outsider), json={"task_id": task.id, "assignments": assignments}
    )
    stranger_assigned = api.post(
        f"/teams/{team.id}/rotas",
        token=api_token(leader),
        json={"task_id": task.id, "assignments": [{"shift_id": shift_id, "user_ids": [outsider.id]}]},
    )

    assert (member_try.status_code, outsider_try.status_code) == (403, 403)
    assert stranger_assigned.status_code == 400
    assert list(stranger_assigned.json["error"]["fields"]) == ["assignments.0.user_ids"]
    assert confirmed_claims(app) == []


@time_machine.travel(NOW, tick=False)
def test_a_team_cannot_adopt_a_series_of_another_community(
    app, api, checkpoint, make_user, make_team, make_org, api_token
):
    _, _task, series = checkpoint(days=1)
    leader = make_user("队长")
    team = make_team(make_org("别的社区"), leader)

    response = api.post(f"/teams/{team.id}/adoptions", token=api_token(leader), json={"series_id": series["id"]})

    assert response.status_code == 403
