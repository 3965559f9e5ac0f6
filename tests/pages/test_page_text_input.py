"""Text typed into the pages' forms: control characters are refused next to their field (PostgreSQL cannot store
NUL: that was a 500) and names or titles need a visible character."""

import importlib
import pkgutil
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import wtforms

import volunteer_hub
from tests.help.conftest import tomorrow_at
from volunteer_hub.accounts.models import User
from volunteer_hub.core import forms as base_forms
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.help.models import HelpRequest
from volunteer_hub.tasks.models import Task
from volunteer_hub.teams.models import Team

MESSAGE = "Remove the invisible control characters from this text (they often come with pasted text)."
DAY_AFTER_TOMORROW = lambda: (now().astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=2)).isoformat()  # noqa: E731


@pytest.fixture
def page(app, client, login, make_user, make_org, grant, sms_code):
    """page(name) -> (url, a valid submission, a function counting what the page saves)."""

    def open_page(name):
        community = make_org("Minzhi Community")
        if name == "register":
            return (
                "/register",
                {
                    "phone": "139 1234 5678",
                    "name": "李雷",
                    "password": "Lantern-river-42",
                    "code": sms_code("13912345678"),
                },
                lambda: _count(app, User),
            )
        if name == "help":
            with app.test_request_context():
                needed_at = to_local(tomorrow_at(10)).strftime("%Y-%m-%dT%H:%M")
            data = {
                "type": "delivery",
                "description": "Buy rice\r\nand\toil.",
                "languages": ["english"],
                "needed_at": needed_at,
                "community_id": str(community.id),
                "address": "Building 5",
                "contact_name": "Anna",
                "contact_phone": "139 1234 5678",
            }
            return "/help/new", data, lambda: _count(app, HelpRequest)
        user = make_user("王书记")
        grant(user, community)
        login(user)
        if name == "profile":
            return (
                "/me/edit",
                {
                    "name": "李雷",
                    "quiet_hours": "22:00-07:00",
                    "insurance_provider": "平安",
                    "max_weekly_hours": "10",
                    "home_org_id": "",
                },
                lambda: _name(app, user),
            )
        if name == "task":
            data = {
                "org_id": str(community.id),
                "client_token": "t-1",
                "title": "东门卡口值守",
                "type": "checkpoint",
                "description": "测体温，\r\n登记出入。",
                "address": "民治街道东门",
                "lat": "22.5431",
                "lon": "114.0579",
                "submit": "Publish",
                "shifts-0-day": DAY_AFTER_TOMORROW(),
                "shifts-0-starts": "08:00",
                "shifts-0-ends": "12:00",
                "shifts-0-capacity": "5",
            }
            return "/org/tasks/new", data, lambda: _count(app, Task)
        assert name == "team"
        return (
            "/teams/new",
            {"name": "东门先锋队", "org_id": str(community.id), "description": "巡逻\r\n值守"},
            lambda: _count(app, Team),
        )

    return open_page


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _name(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).name


FIELDS = [
    ("register", "phone"),
    ("register", "name"),
    ("register", "password"),
    ("help", "description"),
    ("help", "address"),
    ("help", "contact_name"),
    ("help", "contact_phone"),
    ("profile", "name"),
    ("profile", "quiet_hours"),
    ("profile", "insurance_provider"),
    ("task", "title"),
    ("task", "description"),
    ("task", "address"),
    ("task", "client_token"),
    ("team", "name"),
    ("team", "description"),
]


@pytest.mark.parametrize("text", ["a\x00b", "a\x01b", "a\x7fb"], ids=["NUL", "SOH", "DEL"])
@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[f"{n}-{f}" for n, f in FIELDS])
def test_control_characters_are_refused_next_to_their_field(client, post, page, name, field, text):
    url, data, saved = page(name)
    before = saved()

    response = post(client, url, data | {field: text})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="#{field}"' in html and MESSAGE in html
    assert saved() == before


@pytest.mark.parametrize("name", ["help", "task", "team"])
def test_line_breaks_and_tabs_are_kept_in_a_text_area(client, post, page, name):
    url, data, saved = page(name)

    assert post(client, url, data).status_code == 302
    assert saved() == 1


@pytest.mark.parametrize(("name", "field"), [("register", "phone"), ("profile", "name"), ("task", "title")])
def test_a_single_line_field_refuses_a_line_break(client, post, page, name, field):
    url, data, _saved = page(name)

    response = post(client, url, data | {field: data[field] + "\n"})

    assert response.status_code == 400 and MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("register", "name", "Please enter your name."),
        ("help", "contact_name", "Enter a name of 1 to 50 characters."),
        ("task", "title", "Enter a title of 1 to 100 characters."),
        ("team", "name", "Give the team a name of 1 to 50 characters."),
    ],
)
def test_a_name_or_title_of_zero_width_characters_only_is_asked_for_again(client, post, page, name, field, message):
    url, data, saved = page(name)

    response = post(client, url, data | {field: "\u200b\u202e\u200b"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="#{field}"' in html and message in html
    assert saved() == 0


def _form_classes() -> set[type]:
    for module in pkgutil.walk_packages(volunteer_hub.__path__, "volunteer_hub."):
        if module.name.endswith((".forms", "views")):
            importlib.import_module(module.name)
    found, todo = set(), [wtforms.Form]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("volunteer_hub.") and subclass.__module__ != base_forms.__name__:
                found.add(subclass)
    return found


def test_every_form_of_the_pages_is_built_on_the_base_forms_that_check_text():
    """New forms too: the check lives in core.forms.Form/FlaskForm, not in each form."""
    classes = _form_classes()
    assert len(classes) > 30
    assert {cls.__qualname__ for cls in classes if not issubclass(cls, base_forms.Form | base_forms.FlaskForm)} == set()
