"""Who sees a resident's exact address and phone: before acceptance, once a volunteer is confirmed, after the
task ended. Checked through the API (`contact`) and the task page, which both ask help.rules."""

from datetime import timedelta

import pytest
import time_machine

from tests.help.conftest import ADDRESS, PHONE
from volunteer_hub.core.timeutil import now

NATIONAL = PHONE.removeprefix("+86")


@pytest.fixture
def people(world, make_user):
    """Everyone of the matrix, by role."""
    return {
        "organizer": world.organizer,
        "sibling organizer": world.sibling_organizer,
        "confirmed volunteer": make_user("Li Confirmed", skills=["english"]),
        "waitlisted volunteer": make_user("Chen Waitlisted"),
        "other volunteer": make_user("Sun Other"),
    }


@pytest.fixture
def accepted(ask, accept, claim, people):
    """An accepted request whose one place is taken (the second volunteer waits): (request id, task id, token)."""
    request_id, token = ask()
    task_id = accept(people["organizer"], request_id)
    assert claim(people["confirmed volunteer"], task_id) == "confirmed"
    assert claim(people["waitlisted volunteer"], task_id) == "waitlisted"
    return request_id, task_id, token


def _api_contact(api, api_token, user, request_id):
    reply = api.get(f"/help-requests/{request_id}", token=api_token(user))
    return reply.status_code, (reply.json.get("contact") if reply.status_code == 200 else None)


@pytest.mark.parametrize(
    "role, status",
    [("organizer", 200), ("sibling organizer", 404), ("confirmed volunteer", 404), ("other volunteer", 404)],
)
def test_before_acceptance_only_the_communitys_organizers_see_the_contact(api, api_token, ask, people, role, status):
    request_id, _ = ask()
    code, contact = _api_contact(api, api_token, people[role], request_id)
    assert code == status
    if role == "organizer":
        assert contact == {"name": "Anna", "phone": PHONE, "address": ADDRESS, "lat": None, "lon": None}


@pytest.mark.parametrize(
    "role, sees",
    [
        ("organizer", True),
        ("confirmed volunteer", True),
        ("waitlisted volunteer", False),
        ("other volunteer", False),
        ("sibling organizer", False),
    ],
)
def test_once_confirmed_the_volunteer_and_the_organizers_see_the_contact_on_the_task_page(
    app, login, accepted, people, role, sees
):
    _, task_id, _ = accepted
    client = app.test_client()
    login(people[role], client)
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert (NATIONAL in html and ADDRESS in html) is sees
    assert "Minzhi Community" in html  # the approximate area everyone sees


def test_the_task_page_shows_no_contact_to_anonymous_visitors(client, accepted):
    _, task_id, _ = accepted
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert NATIONAL not in html and ADDRESS not in html


def test_the_residents_follow_up_page_never_shows_the_address_or_phone(client, accepted):
    _, _, token = accepted
    html = client.get(f"/help/r/{token}").get_data(as_text=True)
    assert "Li Confirmed" in html
    assert NATIONAL not in html and ADDRESS not in html


def test_the_confirmed_volunteer_reads_the_contact_through_the_api(api, api_token, accepted, people):
    request_id, _, _ = accepted
    assert _api_contact(api, api_token, people["confirmed volunteer"], request_id)[1]["phone"] == PHONE
    assert _api_contact(api, api_token, people["waitlisted volunteer"], request_id) == (404, None)


@pytest.mark.parametrize("role", ["organizer", "confirmed volunteer"])
def test_after_the_task_ended_nobody_sees_the_contact(app, api, api_token, login, accepted, people, role):
    request_id, task_id, _ = accepted
    client = app.test_client()
    login(people[role], client)
    token = api_token(people[role])
    with time_machine.travel(now() + timedelta(days=2), tick=False):
        html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
        reply = api.get(f"/help-requests/{request_id}", token=token)
    assert NATIONAL not in html and ADDRESS not in html
    assert reply.json["status"] == "completed" and reply.json["contact"] is None


def test_the_task_made_from_a_request_shows_only_the_community_and_a_rounded_point(
    api, api_token, ask, accept, world, make_user
):
    request_id, _ = ask(lat=22.543123, lon=114.057891)
    task_id = accept(world.organizer, request_id)
    task = api.get(f"/tasks/{task_id}", token=api_token(make_user())).json
    assert task["address"] == "Minzhi Community" and ADDRESS not in str(task) and NATIONAL not in str(task)
    assert (task["lat"], task["lon"]) == (22.543, 114.058)
