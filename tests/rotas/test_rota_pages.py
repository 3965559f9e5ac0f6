"""The rota pages: the organizer's series form and the leader's adopt → proposal → publish flow."""

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine
from rota_data import ADULT, NIGHTS_TOO, NOW, adopt
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token, english
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift


@time_machine.travel(NOW, tick=False)
def test_an_organizer_creates_a_series_from_the_task_page(app, client, login, make_user, make_org, make_task, grant):
    org = make_org()
    organizer = make_user("组织者")
    grant(organizer, org)
    task = make_task(org)
    login(organizer)
    assert f"/org/tasks/{task.id}/series" in client.get(f"/org/tasks/{task.id}").get_data(as_text=True)
    page = f"/org/tasks/{task.id}/series"

    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "from_date": "2026-03-03",
            "to_date": "2026-03-04",
            "daily-0-start": "08:00",
            "daily-0-end": "20:00",
            "daily-0-capacity": "2",
            "daily-1-start": "20:00",
            "daily-1-end": "08:00",
            "daily-1-capacity": "1",
        },
    )

    assert response.status_code == 302
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Shift).where(Shift.series_id.is_not(None))
            ).scalar_one()
            == 4
        )


@time_machine.travel(NOW, tick=False)
def test_a_series_row_that_would_last_23_hours_is_refused_and_shows_its_length(
    app, client, login, make_user, make_org, make_task, grant
):
    org = make_org()
    organizer = make_user("组织者")
    grant(organizer, org)
    task = make_task(org)
    login(organizer, english(client))
    page = f"/org/tasks/{task.id}/series"
    assert "Lasts 8 hours." in client.get(page).get_data(as_text=True)  # the checkpoint pattern it starts with

    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "from_date": "2026-03-03",
            "to_date": "2026-03-03",
            "daily-0-start": "08:00",
            "daily-0-end": "07:00",
            "daily-0-capacity": "2",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="daily-0-end-error"' in html and "at most 12 hours" in html
    row = html.split("data-shift-row")[1]
    assert "Lasts 23 hours." in row and "<span data-next-day>" in row and "hidden>Longer than" not in row
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Shift).where(Shift.series_id.is_not(None))
            ).scalar_one()
            == 0
        )


@time_machine.travel(NOW, tick=False)
def test_a_bad_row_is_shown_next_to_its_fields(app, client, login, make_user, make_org, make_task, grant):
    org = make_org()
    organizer = make_user("组织者")
    grant(organizer, org)
    task = make_task(org)
    login(organizer)
    page = f"/org/tasks/{task.id}/series"

    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "from_date": "2026-03-03",
            "to_date": "2026-03-03",
            "daily-2-start": "8",
            "daily-2-end": "16:00",
            "daily-2-capacity": "2",
        },
    )

    assert response.status_code == 400
    assert 'id="daily-2-start-error"' in response.get_data(as_text=True)


@time_machine.travel(NOW, tick=False)
def test_a_leader_adopts_adjusts_and_publishes_on_the_phone_pages(
    app, client, login, api, checkpoint, make_user, make_team
):
    org, _task, series = checkpoint(days=1)
    leader = make_user("队长", birth_date=ADULT, **NIGHTS_TOO)
    members = [make_user(f"队员{n}", birth_date=ADULT, **NIGHTS_TOO) for n in range(6)]
    team = make_team(org, leader, members)
    login(leader)
    home = f"/teams/{team.id}/rota"

    adopted = client.post(f"{home}/adopt", data={"csrf_token": csrf_token(client, home), "series_id": series["id"]})
    assert adopted.status_code == 302
    proposal_page = adopted.headers["Location"]
    html = client.get(proposal_page).get_data(as_text=True)
    night_id = series["shifts"][0]["id"]
    picks = {
        name: re.findall(rf'<select[^>]*name="{name}">.*?value="(\d+)" selected', html, re.S)
        for name in {f"p{s['id']}" for s in series["shifts"]}
    }
    moved = [str(members[4].id), str(members[5].id)]  # the leader puts these two on the night instead
    picks = {name: [v for v in values if v not in moved] for name, values in picks.items()} | {f"p{night_id}": moved}

    form = [("csrf_token", csrf_token(client, proposal_page))]
    form += [(name, value) for name, values in picks.items() for value in values]
    action = re.search(r'action="([^"]*/publish[^"]*)"', html)[1].replace("&amp;", "&")
    published = client.post(action, data=MultiDict(form))

    assert published.status_code == 200, published.get_data(as_text=True)[:2000]
    with app.app_context():
        night = sorted(
            db.session.execute(
                sa.select(Claim.user_id).where(Claim.shift_id == night_id, Claim.status == "confirmed")
            ).scalars()
        )
    assert night == sorted([members[4].id, members[5].id])


@time_machine.travel(NOW, tick=False)
def test_members_cannot_open_the_rota_pages_but_see_their_swaps(app, client, login, make_user, make_org, make_team):
    org = make_org()
    member = make_user("队员")
    team = make_team(org, members=[member])
    login(member)

    assert client.get(f"/teams/{team.id}/rota").status_code == 403
    assert client.get(f"/teams/{team.id}/swaps").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_refused_rota_marks_the_slot_and_names_the_member(
    app, client, login, api, api_token, checkpoint, make_user, make_team, make_task
):
    org, _task, series = checkpoint(days=1)
    leader = make_user("队长", birth_date=ADULT, **NIGHTS_TOO)
    busy = make_user("李四", birth_date=ADULT, **NIGHTS_TOO)
    team = make_team(org, leader, [busy, make_user("王五", birth_date=ADULT, **NIGHTS_TOO)])
    adoption_id = adopt(app, team, series["id"], leader)
    elsewhere = make_task(shifts=[(timedelta(days=1, hours=6), 4, 5)], title="别处")  # 3 March 15:00-19:00
    assert api.post(f"/shifts/{elsewhere.shifts[0].id}/claims", token=api_token(busy)).status_code == 201
    day_id = series["shifts"][1]["id"]  # 08:00-16:00 on 3 March
    login(leader, english(client))
    page = f"/teams/{team.id}/rota/{adoption_id}"

    response = client.post(f"{page}/publish", data={"csrf_token": csrf_token(client, page), f"p{day_id}": busy.id})

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    slot = re.search(rf'<li class="card rota-shift has-error" id="shift-{day_id}">(.*?)</li>', html, re.S)
    assert slot and "李四 already has “别处”" in slot[1]
    assert f'<a href="#shift-{day_id}">李四 already has “别处”' in html
    assert "This overlaps your shift" not in html
    assert html.count("has-error") == 1
