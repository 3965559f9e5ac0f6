"""Organisations' English names: readers of English see an organisation's English name where it has one, else
its Chinese name; readers of Chinese always see the Chinese name. Set when an organisation is added or later, on
the pages and over the API."""

import re
from types import SimpleNamespace

import pytest

from tests.conftest import SHENZHEN, csrf_token, english
from tests.help.conftest import tomorrow_at
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db
from volunteer_hub.help import services as help_services
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Task

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
HERE = f"lat={SHENZHEN[0]}&lon={SHENZHEN[1]}"


@pytest.fixture
def places(make_org, make_user, grant):
    """民治街道 (Minzhi Subdistrict, organizer 王书记) > 白石龙社区 (Baishilong Community) and 民泰社区, which
    has no English name."""
    street = make_org("民治街道", "street", name_en="Minzhi Subdistrict")
    community = make_org("白石龙社区", "community", street, name_en="Baishilong Community")
    plain = make_org("民泰社区", "community", street)
    organizer = make_user("王书记")
    grant(organizer, street)
    return SimpleNamespace(street=street, community=community, plain=plain, organizer=organizer)


@pytest.fixture
def en(app):
    return english(app.test_client())


@pytest.fixture
def zh(app):
    return app.test_client()  # no language asked for: Chinese


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def card_orgs(html: str) -> list[str]:
    return re.findall(r'<span class="meta">([^<]+)</span>\s*</a>', html)


def test_the_help_form_lists_communities_by_their_english_names_in_english(en, places):
    html = page(en, "/help/new")

    assert ">Baishilong Community</option>" in html and "白石龙社区" not in html
    assert ">民泰社区</option>" in html  # no English name: the Chinese one


def test_the_help_form_lists_communities_by_their_chinese_names_in_chinese(zh, places):
    html = page(zh, "/help/new")

    assert ">白石龙社区</option>" in html and "Baishilong Community" not in html


def test_a_task_page_and_its_list_card_name_the_organisation_in_english(en, places, make_task):
    task = make_task(places.community)

    assert "Organized by Baishilong Community" in page(en, f"/tasks/{task.id}")
    assert card_orgs(page(en, f"/tasks?{HERE}")) == ["Baishilong Community"]


def test_a_task_page_and_its_list_card_name_the_organisation_in_chinese(zh, places, make_task):
    task = make_task(places.community)

    html = page(zh, f"/tasks/{task.id}")
    assert "白石龙社区" in html and "Baishilong Community" not in html
    assert card_orgs(page(zh, f"/tasks?{HERE}")) == ["白石龙社区"]


def test_an_organisation_without_an_english_name_shows_its_chinese_name_in_english(en, places, make_task):
    task = make_task(places.plain)

    assert "Organized by 民泰社区" in page(en, f"/tasks/{task.id}")
    assert card_orgs(page(en, f"/tasks?{HERE}")) == ["民泰社区"]


@pytest.fixture
def help_task(app, places, make_user):
    """A resident of Baishilong asks in English for someone who speaks English; the organizer accepts.
    -> (the task's id, the resident)."""
    resident = make_user("Anna", locale="en")
    with app.test_request_context():
        request, _token = help_services.create_request(
            db.session.get(User, resident.id),
            type="foreign_language",
            description="Please explain   the quarantine notice to me.",
            languages=["english"],
            needed_at=tomorrow_at(10),
            community_id=places.community.id,
            address="Building 5, Room 1203",
            contact_name="Anna",
            contact_phone="+8613912345678",
        )
        task = help_services.accept_request(db.session.get(User, places.organizer.id), request)
        return task.id, resident


def test_a_help_task_is_titled_with_the_residents_words_only(app, help_task):
    task_id, _resident = help_task
    with app.app_context():
        assert db.session.get(Task, task_id).title == "Please explain the quarantine notice to me."


def test_a_help_task_reads_in_english_with_the_kind_of_help_beside_its_title(en, help_task):
    task_id, _resident = help_task

    html = page(en, f"/tasks/{task_id}")

    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert heading.strip() == "Please explain the quarantine notice to me."
    assert "Foreign-language help" in html and "Needs English" in html and "Organized by Baishilong Community" in html
    card = page(en, f"/tasks?{HERE}")
    assert "Please explain the quarantine notice to me." in card and not CJK.search(card_orgs(card)[0])


def test_a_help_task_reads_in_chinese_with_the_kind_of_help_in_chinese(zh, help_task):
    task_id, _resident = help_task

    html = page(zh, f"/tasks/{task_id}")

    assert "外语协助" in html and "白石龙社区" in html and "Foreign-language help" not in html


def test_the_resident_is_told_in_english_which_community_accepted(app, help_task, login):
    _task_id, resident = help_task

    html = page(login(resident, english(app.test_client())), "/me/notifications")

    assert "Baishilong Community accepted your request for help" in html


def test_an_organizer_gives_a_community_an_english_name_on_its_page(app, places, login):
    browser = login(places.organizer, english(app.test_client()))
    path = f"/org/orgs/{places.plain.id}"

    response = browser.post(
        f"{path}/english-name", data={"csrf_token": csrf_token(browser, path), "english_name": "  Mintai Community "}
    )

    assert response.status_code == 303
    assert "Mintai Community" in page(browser, "/help/new")
    with app.app_context():
        assert db.session.get(Organisation, places.plain.id).name_en == "Mintai Community"


def test_an_empty_english_name_takes_it_away(app, places, login):
    browser = login(places.organizer, english(app.test_client()))
    path = f"/org/orgs/{places.community.id}"

    browser.post(f"{path}/english-name", data={"csrf_token": csrf_token(browser, path), "english_name": ""})

    assert ">白石龙社区</option>" in page(browser, "/help/new")


def test_a_too_long_english_name_is_refused_next_to_the_field(app, places, login):
    browser = login(places.organizer, english(app.test_client()))
    path = f"/org/orgs/{places.community.id}"

    response = browser.post(
        f"{path}/english-name", data={"csrf_token": csrf_token(browser, path), "english_name": "B" * 101}
    )

    assert response.status_code == 400
    assert "Use at most 100 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, places.community.id).name_en == "Baishilong Community"


def test_a_sub_organisation_is_added_with_its_english_name(app, places, login):
    browser = login(places.organizer, english(app.test_client()))
    path = f"/org/orgs/{places.community.id}"

    response = browser.post(
        f"{path}/children",
        data={
            "csrf_token": csrf_token(browser, path),
            "name": "白石龙一区",
            "name_en": "Baishilong Zone 1",
            "kind": "compound",
        },
    )

    assert response.status_code == 302
    assert "Baishilong Zone 1 was added under Baishilong Community." in page(browser, path)


def test_the_api_adds_and_changes_an_english_name(api, places, api_token):
    token = api_token(places.organizer)

    made = api.post(
        "/orgs",
        token=token,
        json={
            "name": "白石龙一区",
            "name_en": "Baishilong Zone 1",
            "kind": "compound",
            "parent_id": places.community.id,
        },
    )
    changed = api.patch(f"/orgs/{made.json['id']}", token=token, json={"name_en": "Baishilong Area 1"})

    assert made.status_code == 201 and made.json["name_en"] == "Baishilong Zone 1"
    assert changed.status_code == 200
    assert api.get(f"/orgs/{made.json['id']}").json | {"id": 0} == {
        "id": 0,
        "name": "白石龙一区",
        "name_en": "Baishilong Area 1",
        "kind": "compound",
        "parent_id": places.community.id,
        "temporary": False,
        "lat": None,
        "lon": None,
    }


def test_the_api_refuses_a_too_long_english_name_and_a_stranger(api, places, make_user, api_token):
    too_long = api.patch(f"/orgs/{places.plain.id}", token=api_token(places.organizer), json={"name_en": "B" * 101})
    stranger = api.patch(f"/orgs/{places.community.id}", token=api_token(make_user()), json={"name_en": "X"})

    assert too_long.status_code == 400 and "name_en" in str(too_long.json["error"])
    assert stranger.status_code == 403


def test_the_task_api_gives_both_names_of_the_organisation(api, places, make_task):
    task = make_task(places.community)

    listed = api.get(f"/tasks?{HERE}").json["items"][0]["org"]
    one = api.get(f"/tasks/{task.id}").json["org"]

    assert listed == one == {"id": places.community.id, "name": "白石龙社区", "name_en": "Baishilong Community"}
