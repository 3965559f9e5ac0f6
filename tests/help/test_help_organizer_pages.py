"""The organizers' pages (inbox, accept) and the job that stores the final status of finished requests."""

from datetime import timedelta

import time_machine

from tests.conftest import csrf_token
from tests.help.conftest import ADDRESS
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.help import services
from volunteer_hub.help.models import HelpRequest


def test_the_inbox_shows_open_requests_of_my_communities(app, world, ask, login):
    ask(description="Medicine from the Minzhi pharmacy")
    client = app.test_client()
    login(world.organizer, client)
    html = client.get("/org/help").get_data(as_text=True)
    assert "Medicine from the Minzhi pharmacy" in html and ADDRESS in html


def test_an_organizer_accepts_on_the_page_and_lands_on_the_new_task(app, world, ask, login):
    request_id, _ = ask()
    client = app.test_client()
    login(world.organizer, client)
    page = f"/org/help/{request_id}"
    accepted = client.post(f"{page}/accept", data={"csrf_token": csrf_token(client, page)})
    assert accepted.status_code == 302 and "/org/tasks/" in accepted.headers["Location"]
    assert ADDRESS in client.get(accepted.headers["Location"]).get_data(as_text=True)


def test_an_organizer_of_a_sibling_community_cannot_open_the_request(app, world, ask, login):
    request_id, _ = ask()
    client = app.test_client()
    login(world.sibling_organizer, client)
    assert client.get(f"/org/help/{request_id}").status_code == 403
    assert "Please buy rice" not in client.get("/org/help").get_data(as_text=True)


def test_the_job_stores_completed_once_the_task_ended(app, world, ask, accept):
    request_id, _ = ask()
    accept(world.organizer, request_id)
    with time_machine.travel(now() + timedelta(days=2), tick=False), app.test_request_context():
        assert services.close_finished_requests() == 1
        assert db.session.get(HelpRequest, request_id).status == "completed"
        assert services.close_finished_requests() == 0
