"""The resident's flow on the pages, in English: the public form, the private follow-up link, the thanks;
validation errors, and the per-address throttle of requests sent without an account."""

import re
from datetime import timedelta

import pytest
import time_machine

from tests.conftest import csrf_token
from tests.help.conftest import ADDRESS, tomorrow_at
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.help.models import HelpRequest
from volunteer_hub.notifications.models import Notification

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LANGUAGE_SWITCH = {"中", "文"}  # the button that switches to Chinese is labelled in Chinese on purpose


@pytest.fixture
def english(app):
    """A visitor without an account who chose English."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def after_the_errand(app):
    """An hour after the two-hour errand that ask() requests for tomorrow at 10:00 has ended."""
    with app.app_context():
        return tomorrow_at(13)


def assert_english(html: str) -> None:
    assert set(CJK.findall(html)) <= LANGUAGE_SWITCH, sorted(set(CJK.findall(html)))


def _form(app, client, world, **changes) -> dict:
    with app.test_request_context():
        needed = to_local(tomorrow_at(10)).strftime("%Y-%m-%dT%H:%M")
    return {
        "csrf_token": csrf_token(client, "/help/new"),
        "type": "foreign_language",
        "description": "I need someone to explain the quarantine notice.",
        "languages": ["english"],
        "needed_at": needed,
        "community_id": str(world.community.id),
        "address": ADDRESS,
        "contact_name": "Anna",
        "contact_phone": "139 1234 5678",
    } | changes


def test_the_public_form_is_in_english_with_a_language_switch(english, world):
    response = english.get("/help/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_english(html)
    assert 'name="lang" value="zh"' in html and "Foreign-language help" in html and "Minzhi Community" in html


def test_an_anonymous_request_leads_to_an_english_follow_up_link(app, english, world):
    response = english.post("/help/new", data=_form(app, english, world))
    assert response.status_code == 302
    follow_up = response.headers["Location"]
    html = english.get(follow_up).get_data(as_text=True)
    assert_english(html)
    assert "Keep this link" in html and "Waiting for the community" in html and "Minzhi Community" in html
    with app.app_context():
        stored = db.session.query(HelpRequest).one()
        token = re.search(r"/help/r/([^?]+)", follow_up).group(1)
        assert stored.requester_id is None and stored.access_token_hash != token and len(stored.access_token_hash) == 64
        assert stored.contact_phone == "+8613912345678" and stored.languages == ["english"]


def test_the_follow_up_link_shows_the_decline_reason(app, english, ask, world, login):
    request_id, token = ask()
    organizer = app.test_client()
    login(world.organizer, organizer)
    page = f"/org/help/{request_id}"
    declined = organizer.post(
        f"{page}/decline",
        data={"csrf_token": csrf_token(organizer, page), "reason": "No volunteers that evening; call 12345."},
    )
    assert declined.status_code == 302
    html = english.get(f"/help/r/{token}").get_data(as_text=True)
    assert "No volunteers that evening; call 12345." in html and "Declined" in html
    assert_english(html)


def test_a_wrong_follow_up_link_is_not_found(english, ask):
    ask()
    assert english.get("/help/r/not-the-token").status_code == 404


def test_the_resident_thanks_the_volunteer_who_came_and_it_shows_in_their_hours(
    app, english, ask, accept, claim, world, make_user, login
):
    request_id, token = ask()
    volunteer = make_user("Li Volunteer")
    task_id = accept(world.organizer, request_id)
    claim(volunteer, task_id)
    with time_machine.travel(after_the_errand(app), tick=False):
        page = english.get(f"/help/r/{token}").get_data(as_text=True)
        assert "Li Volunteer" in page and "Thank the volunteer" in page
        assert_english(page)
        thanked = english.post(
            f"/help/r/{token}/thanks",
            data={"csrf_token": csrf_token(english, f"/help/r/{token}"), "message": "Thank you, Li!"},
        )
        assert thanked.status_code == 302
        assert "Thank you, Li!" in english.get(f"/help/r/{token}").get_data(as_text=True)
        mine = app.test_client()
        login(volunteer, mine)
        assert "Thank you, Li!" in mine.get("/me/hours").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Notification.kind).filter_by(user_id=volunteer.id, kind="help_thanks").count() == 1


def test_thanks_longer_than_200_characters_are_refused_on_the_form(app, english, ask, accept, claim, world, make_user):
    request_id, token = ask()
    claim(make_user(), accept(world.organizer, request_id))
    with time_machine.travel(after_the_errand(app), tick=False):
        response = english.post(
            f"/help/r/{token}/thanks",
            data={"csrf_token": csrf_token(english, f"/help/r/{token}"), "message": "x" * 201},
        )
    assert response.status_code == 400 and "Write 1 to 200 characters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"languages": []}, "languages", "Choose the language you would like help in."),
        ({"contact_phone": "12345"}, "contact_phone", "Enter an 11-digit mainland China mobile number."),
        ({"contact_name": ""}, "contact_name", "Enter a name of 1 to 50 characters."),
        ({"address": ""}, "address", "Enter the address where help is needed"),
    ],
)
def test_the_form_shows_what_is_wrong(app, english, world, changes, field, message):
    response = english.post("/help/new", data=_form(app, english, world, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="#{field}"' in html and message in html
    assert_english(html)


@pytest.mark.parametrize("needed_at", ["", "not a time"])
def test_the_form_shows_every_problem_at_once(app, english, world, needed_at):
    response = english.post(
        "/help/new",
        data=_form(app, english, world, needed_at=needed_at, address="", contact_phone="12345", lat="north", lon="1"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("needed_at", "address", "contact_phone", "lat"):
        assert f'href="#{field}"' in html, field


def test_a_time_in_the_past_or_beyond_14_days_is_refused(app, english, world):
    with app.test_request_context():
        past = to_local(now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        late = to_local(now() + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M")
    assert "Choose a time in the future." in english.post(
        "/help/new", data=_form(app, english, world, needed_at=past)
    ).get_data(as_text=True)
    assert "Choose a time within the next 14 days." in english.post(
        "/help/new", data=_form(app, english, world, needed_at=late)
    ).get_data(as_text=True)


def test_the_form_refuses_a_post_without_its_csrf_token(app, english, world):
    assert english.post("/help/new", data=_form(app, english, world, csrf_token="")).status_code == 400


def test_requests_without_an_account_are_throttled_per_address(app, english, world, monkeypatch):
    monkeypatch.setitem(app.config, "HELP_REQUEST_LIMIT_PER_IP", "2/hour")
    statuses = [english.post("/help/new", data=_form(app, english, world)).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_invalid_attempts_do_not_use_up_the_throttle(app, english, world, monkeypatch):
    monkeypatch.setitem(app.config, "HELP_REQUEST_LIMIT_PER_IP", "1/hour")
    assert english.post("/help/new", data=_form(app, english, world, address="")).status_code == 400
    assert english.post("/help/new", data=_form(app, english, world)).status_code == 302


def test_a_signed_in_resident_is_throttled_per_account_on_the_page_and_the_api_together(
    app, world, make_user, login, api, api_token, monkeypatch
):
    monkeypatch.setitem(app.config, "HELP_REQUEST_LIMIT_PER_ACCOUNT", "2/hour")
    resident = make_user("Resident Anna", locale="en")
    client = login(resident, app.test_client())
    with app.test_request_context():
        needed = tomorrow_at(10).isoformat()
    by_api = api.post(
        "/help-requests",
        token=api_token(resident),
        json={
            "type": "delivery",
            "description": "Rice, please.",
            "address": ADDRESS,
            "needed_at": needed,
            "contact_phone": "13912345678",
            "community_id": world.community.id,
        },
    )

    statuses = [client.post("/help/new", data=_form(app, client, world)).status_code for _ in range(2)]
    neighbour = login(make_user("Neighbour Li"), app.test_client())  # the same address, another account

    assert by_api.status_code == 201 and statuses == [302, 429]
    assert neighbour.post("/help/new", data=_form(app, neighbour, world)).status_code == 302


def test_a_logged_in_resident_finds_the_request_under_my_requests(app, world, make_user, login):
    resident = make_user("Resident Anna", locale="en")
    client = app.test_client()
    login(resident, client)
    form = client.get("/help/new").get_data(as_text=True)
    assert 'value="Resident Anna"' in form
    sent = client.post("/help/new", data=_form(app, client, world, contact_name="", type="delivery", languages=[]))
    assert sent.status_code == 302 and "/help/requests/" in sent.headers["Location"]
    mine = client.get("/help/mine").get_data(as_text=True)
    assert "I need someone to explain" in mine
    assert_english(mine)
