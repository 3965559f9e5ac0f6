"""The demo's gate post: red on the board from the start, the relief alarm fires on the job's first run, a call-out
starts once auto call-out is turned on; its board shows supplies (one low), the earlier handover and an incident."""

import sqlalchemy as sa

from tests.conftest import csrf_token
from volunteer_hub import demo
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.posts import services
from volunteer_hub.tasks.models import Task


def _user(phone: str) -> User:
    return db.session.execute(sa.select(User).filter_by(phone="+86" + phone)).scalar_one()


def test_the_demo_post_is_red_and_alarms_on_the_first_run(app, api, api_token):
    with app.test_request_context():
        demo.seed()
        organizer, reviewer = _user(demo.ORGANIZER.phone), _user(demo.REVIEWER.phone)
        street = db.session.execute(sa.select(Organisation.id).filter_by(name="民治街道")).scalar_one()
        task_id = db.session.execute(sa.select(Task.id).filter_by(title=demo.RELIEF_POST)).scalar_one()
        result = services.raise_relief_alarms()
    assert result["fired"] >= 1

    rows = api.get(f"/orgs/{street}/board", token=api_token(reviewer)).get_json()["posts"]
    gate = next(r for r in rows if r["task_id"] == task_id)
    assert (gate["status"], gate["needed"], gate["confirmed"], gate["checked_in"]) == ("uncovered", 3, 1, 0)
    assert gate["alarm"] is True and gate["open_incidents"] == 2
    assert rows[0]["status"] == "uncovered"

    board = api.get(f"/tasks/{task_id}/board", token=api_token(organizer)).get_json()
    shifts = board["shifts"]  # today's and tomorrow's: the earlier night shift may have been yesterday
    index = next(i for i, s in enumerate(shifts) if s["under_way"])
    outgoing, under_way = shifts[index - 1], shifts[index]
    assert outgoing["ended"] and [v["on_post"] for v in outgoing["volunteers"]] == [True, True]
    assert under_way["alarm"]["missing"] == 3 and under_way["alarm"]["callout_id"] is None
    assert [s["kind"] for s in board["supplies"] if s["low"]] == ["gloves"]
    assert "手套" in board["latest_handover"]["notes"] and board["latest_handover"]["supplies"]
    assert board["open_incidents"] == 2


def test_turning_auto_call_out_on_for_the_demo_post_pages_for_its_free_places(app, client, login):
    with app.test_request_context():
        demo.seed()
        services.raise_relief_alarms()
        organizer = _user(demo.ORGANIZER.phone)
        task_id = db.session.execute(sa.select(Task.id).filter_by(title=demo.RELIEF_POST)).scalar_one()
    login(organizer)
    board = f"/org/tasks/{task_id}/board"

    client.post(f"/org/tasks/{task_id}/auto-callout", data={"on": "1", "csrf_token": csrf_token(client, board)})

    assert "/org/callouts/" in client.get(board).get_data(as_text=True)


def test_the_demo_posts_injury_gives_the_organizer_an_insurance_packet(app, api, api_token):
    with app.test_request_context():
        demo.seed()
        organizer = _user(demo.ORGANIZER.phone)
        task_id = db.session.execute(sa.select(Task.id).filter_by(title=demo.RELIEF_POST)).scalar_one()
    incidents = api.get(f"/tasks/{task_id}/incidents", token=api_token(organizer)).get_json()["items"]
    injury = next(i for i in incidents if i["category"] == "injury")

    packet = api.get(f"/incidents/{injury['id']}/insurance.pdf", token=api_token(organizer))

    assert packet.status_code == 200 and packet.mimetype == "application/pdf"
