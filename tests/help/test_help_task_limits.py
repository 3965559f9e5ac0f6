"""A task made from a resident's request stays the few places around the time they asked for (its confirmed
volunteers get the resident's address and phone), on the edit page, through the API and as a shift series; and
the confirmed volunteer's app reads the same contact as the task page."""

from datetime import timedelta

import pytest

from tests.conftest import csrf_token
from tests.help.conftest import ADDRESS, PHONE, tomorrow_at
from volunteer_hub.core.timeutil import to_local
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Task


@pytest.fixture
def help_task(ask, accept, world):
    """The id of the task of an accepted request for tomorrow 10:00 (one shift, one place)."""
    request_id, _ = ask()
    return accept(world.organizer, request_id)


def _shift(app, task_id):
    with app.app_context():
        shift = db.session.get(Task, task_id).shifts[0]
        return shift.id, shift.capacity, shift.starts_at


def test_the_api_refuses_more_places_than_a_request_needs(app, api, api_token, world, help_task):
    task_id = help_task
    shift_id, _, _ = _shift(app, task_id)
    token = api_token(world.organizer)

    wide = api.patch(f"/tasks/{task_id}", json={"shifts": [{"id": shift_id, "capacity": 50}]}, token=token)
    few = api.patch(f"/tasks/{task_id}", json={"shifts": [{"id": shift_id, "capacity": 3}]}, token=token)

    assert wide.status_code == 400 and "shifts.0.capacity" in wide.json["error"]["fields"]
    assert few.status_code == 200 and few.json["shifts"][0]["capacity"] == 3


def test_the_api_adds_no_shift_to_a_requests_task(app, api, api_token, world, help_task):
    task_id = help_task
    with app.app_context():
        later = tomorrow_at(10) + timedelta(days=13)
    reply = api.patch(
        f"/tasks/{task_id}",
        token=api_token(world.organizer),
        json={
            "shifts": [
                {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat(), "capacity": 1}
            ]
        },
    )

    assert reply.status_code == 409 and reply.json["error"]["code"] == "help_task_fixed"
    assert len(api.get(f"/tasks/{task_id}").json["shifts"]) == 1


def test_the_shift_moves_only_within_12_hours_of_the_time_asked_for(app, api, api_token, world, help_task):
    task_id = help_task
    shift_id, _, starts = _shift(app, task_id)
    token = api_token(world.organizer)

    def move(by):
        moved = starts + by
        return api.patch(
            f"/tasks/{task_id}",
            token=token,
            json={
                "shifts": [
                    {
                        "id": shift_id,
                        "starts_at": moved.isoformat(),
                        "ends_at": (moved + timedelta(hours=2)).isoformat(),
                    }
                ]
            },
        )

    far = move(timedelta(days=13))
    near = move(timedelta(hours=4))

    assert far.status_code == 400 and "shifts.0.starts_at" in far.json["error"]["fields"]
    assert near.status_code == 200


def test_no_shift_series_is_laid_over_a_requests_task(app, api, api_token, world, help_task):
    task_id = help_task
    with app.app_context():
        day = to_local(tomorrow_at(10)).date()
    reply = api.post(
        f"/tasks/{task_id}/series",
        token=api_token(world.organizer),
        json={
            "from_date": (day + timedelta(days=1)).isoformat(),
            "to_date": (day + timedelta(days=13)).isoformat(),
            "daily": [{"start": "10:00", "end": "12:00", "capacity": 50}],
        },
    )

    assert reply.status_code == 409 and reply.json["error"]["code"] == "help_task_fixed"


def test_the_edit_page_says_why_and_refuses_more_places(app, login, world, help_task):
    task_id = help_task
    shift_id, _, starts = _shift(app, task_id)
    client = login(world.organizer, app.test_client())
    client.set_cookie("lang", "en")
    url = f"/org/tasks/{task_id}/edit"
    form = client.get(url).get_data(as_text=True)
    with app.app_context():
        local = to_local(starts)
        task = db.session.get(Task, task_id)
        data = {
            "csrf_token": csrf_token(client, url),
            "title": task.title,
            "type": task.type,
            "description": task.description,
            "address": task.address,
            "lat": str(task.lat),
            "lon": str(task.lon),
            "match_radius_km": "5",
            "shifts-0-id": str(shift_id),
            "shifts-0-day": local.date().isoformat(),
            "shifts-0-starts": local.strftime("%H:%M"),
            "shifts-0-ends": "12:00",
            "shifts-0-capacity": "50",
            "submit": "Save changes",
        }

    page = client.post(url, data=data)

    assert "keeps its one shift, with at most 3 places" in form and "Add a shift row" not in form
    assert page.status_code == 400
    assert "at most 3 places" in page.get_data(as_text=True)
    assert _shift(app, task_id)[1] == 1


def test_an_ordinary_task_still_grows(api, api_token, make_org, make_user, make_task, grant):
    org = make_org()
    organizer = make_user()
    grant(organizer, org)
    task = make_task(org)
    reply = api.patch(
        f"/tasks/{task.id}", token=api_token(organizer), json={"shifts": [{"id": task.shifts[0].id, "capacity": 50}]}
    )
    assert reply.status_code == 200


@pytest.mark.parametrize(
    "who, sees", [("confirmed", True), ("waitlisted", False), ("other", False), ("anonymous", False)]
)
def test_the_task_api_gives_the_confirmed_volunteer_the_contact_the_page_shows(
    api, api_token, make_user, claim, help_task, who, sees
):
    task_id = help_task
    people = {
        "confirmed": make_user("Li Confirmed"),
        "waitlisted": make_user("Chen Waitlisted"),
        "other": make_user("Sun Other"),
    }
    assert claim(people["confirmed"], task_id) == "confirmed"
    assert claim(people["waitlisted"], task_id) == "waitlisted"

    token = api_token(people[who]) if who in people else None
    contact = api.get(f"/tasks/{task_id}", token=token).json["contact"]

    if sees:
        assert contact == {"name": "Anna", "phone": PHONE, "address": ADDRESS, "lat": None, "lon": None}
    else:
        assert contact is None
