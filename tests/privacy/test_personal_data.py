"""A volunteer's phone number and home location never reach people not entitled to them, nor the logs.

One volunteer with a distinctive number and home point claims a shift; then every GET page and every GET API
endpoint (ids filled in with the seeded objects) is fetched as another volunteer, as an organizer of a sibling
community, as a reviewer of the street and anonymously, and each answer is searched for the number and the
coordinates. The logs of the whole flow (the volunteer's and the entitled organizer's own visits included) must
hold neither. The same crawl checks that no answer holding personal data may be kept by a browser or proxy cache.
"""

import logging
import re
from datetime import date, timedelta

import pytest

from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.help import services as help_services
from volunteer_hub.orgs.models import Role

PHONE_DIGITS = "13912345678"
HOME = (22.71717, 114.17171)  # nowhere near the task (the default test point in Futian)
SECRETS = (PHONE_DIGITS, "139 1234 5678", "139-1234-5678", "22.717", "114.171")
ADULT = date(1990, 1, 1)  # night shifts need a birth date
ARGUMENT = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")
# Anonymous pages that hold personal data: a resident's request behind its secret follow-up link.
ANONYMOUS_PERSONAL = ("/help/r/",)


@pytest.fixture
def world(app, make_org, make_user, make_task, grant, api, api_token):
    street = make_org("民治街道", "street")
    community = make_org("白石龙社区", "community", street)
    sibling = make_org("民泰社区", "community", street)
    people = {
        "organizer": make_user("王书记"),
        "sibling organizer": make_user("刘主任"),
        "reviewer": make_user("陈主任"),
        "other volunteer": make_user("张伟", lat=22.6, lon=114.0, birth_date=ADULT),
    }
    grant(people["organizer"], community, Role.ORGANIZER)
    grant(people["sibling organizer"], sibling, Role.ORGANIZER)
    grant(people["reviewer"], street, Role.REVIEWER)
    volunteer = make_user(
        "李晓明", phone=f"+86{PHONE_DIGITS}", lat=HOME[0], lon=HOME[1], home_org_id=community.id, birth_date=ADULT
    )
    task = make_task(community, created_by=people["organizer"], shifts=[(timedelta(days=1), 4, 5)])
    shift_id = task.shifts[0].id
    claim = api.post(f"/shifts/{shift_id}/claims", token=api_token(volunteer))
    assert claim.status_code == 201
    other = api.post(f"/shifts/{shift_id}/claims", token=api_token(people["other volunteer"]))
    assert other.status_code == 201
    with app.test_request_context():  # the volunteer asks for help for a neighbour, without an account
        request, token = help_services.create_request(
            None,
            type="delivery",
            description="买菜",
            address="白石龙一区5栋",
            contact_name="李晓明",
            contact_phone=PHONE_DIGITS,
            needed_at=now() + timedelta(days=1),
            community_id=community.id,
        )
        request_id = request.id
        db.session.remove()
    ids = {
        "org_id": community.id,
        "task_id": task.id,
        "shift_id": shift_id,
        "claim_id": claim.json["id"],
        "branch_id": sibling.id,
        "request_id": request_id,
        "token": token,
    }
    return volunteer, people, ids


def _gettable_paths(app, ids, *, api: bool) -> list[str]:
    """Every GET route of the pages (or of the API) whose path arguments the seeded ids can fill."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "logout" in rule.rule:
            continue
        if rule.rule.startswith("/api/") != api or not set(rule.arguments) <= set(ids):
            continue
        paths.append(ARGUMENT.sub(lambda m: str(ids[m.group(1)]), rule.rule))
    return sorted(paths)


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def _crawl_pages(app, client, ids) -> dict[str, list[str]]:
    found = {}
    for path in _gettable_paths(app, ids, api=False):
        leaks = _leaks(client.get(path).get_data(as_text=True))
        if leaks:
            found[path] = leaks
    return found


def _api_paths(app, ids) -> list[str]:
    return [*_gettable_paths(app, ids, api=True), f"/api/v1/tasks?lat={HOME[0]}&lon={HOME[1]}"]


def _crawl_api(app, api, token, ids) -> dict[str, list[str]]:
    found = {}
    for path in _api_paths(app, ids):
        leaks = _leaks(api.get(path.removeprefix("/api/v1"), token=token).get_data(as_text=True))
        if leaks:
            found[path] = leaks
    return found


# The same for everyone and fetched by browsers without cookies: may be cached (as the hashed assets).
SHARED_DOCUMENTS = ("/manifest.webmanifest",)


def _cacheable(responses) -> list[str]:
    """The paths among (path, response) whose answer a cache may keep."""
    return [
        path
        for path, response in responses
        if "no-store" not in response.headers.get("Cache-Control", "") and path not in SHARED_DOCUMENTS
    ]


def test_no_one_unentitled_sees_the_phone_or_home_location(app, world, login, api, api_token):
    _, people, ids = world
    seen = {}
    for role in ("other volunteer", "sibling organizer", "reviewer"):
        client = login(people[role], app.test_client())
        seen[role] = {**_crawl_pages(app, client, ids), **_crawl_api(app, api, api_token(people[role]), ids)}
    seen["anonymous"] = {**_crawl_pages(app, app.test_client(), ids), **_crawl_api(app, api, None, ids)}

    assert seen == {"other volunteer": {}, "sibling organizer": {}, "reviewer": {}, "anonymous": {}}


def test_the_crawl_reaches_the_pages_that_are_entitled_to_the_phone(app, world, login, api, api_token):
    """The search works: the volunteer and their community's organizer do find the number where they should."""
    volunteer, people, ids = world

    own = _crawl_pages(app, login(volunteer, app.test_client()), ids)
    organizer = _crawl_api(app, api, api_token(people["organizer"]), ids)

    assert "/me" in own
    assert any(path.endswith("/roster") for path in organizer)


def test_the_logs_of_the_whole_flow_hold_no_phone_or_location(app, world, login, api, api_token, caplog):
    caplog.set_level(logging.INFO, logger="volunteer_hub")  # the app's own records, as production logs them
    volunteer, people, ids = world
    for person in (volunteer, *people.values()):
        _crawl_pages(app, login(person, app.test_client()), ids)
        _crawl_api(app, api, api_token(person), ids)
    api.post("/auth/token", json={"phone": PHONE_DIGITS, "password": "wrong password 1"})
    api.delete(f"/claims/{ids['claim_id']}", token=api_token(volunteer))

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert _leaks(logged) == []


def test_no_answer_holding_personal_data_may_be_cached(app, world, login, api, api_token):
    """Every page for a signed-in user, every API answer (with or without a token) and the anonymous pages
    behind a secret link are Cache-Control: no-store."""
    volunteer, people, ids = world
    cacheable = {}
    for person in (volunteer, people["organizer"], people["reviewer"]):
        client = login(person, app.test_client())
        token = api_token(person)
        cacheable[person.name] = _cacheable(
            [(path, client.get(path)) for path in _gettable_paths(app, ids, api=False)]
            + [(path, api.get(path.removeprefix("/api/v1"), token=token)) for path in _api_paths(app, ids)]
        )
    anonymous = app.test_client()
    cacheable["anonymous"] = _cacheable(
        [
            (path, anonymous.get(path))
            for path in _gettable_paths(app, ids, api=False)
            if path.startswith(ANONYMOUS_PERSONAL)
        ]
        + [(path, api.get(path.removeprefix("/api/v1"))) for path in _api_paths(app, ids)]
    )

    assert cacheable == {name: [] for name in cacheable}
    assert any(path.startswith(ANONYMOUS_PERSONAL) for path in _gettable_paths(app, ids, api=False))


def test_hashed_assets_and_anonymous_public_pages_stay_cacheable(app, world, login):
    client = login(world[0], app.test_client())
    asset = re.search(r'href="(/assets/[^"]+\.css)"', client.get("/me").get_data(as_text=True)).group(1)

    with client.get(asset) as response:
        assert "public" in response.headers["Cache-Control"]
    assert "no-store" not in app.test_client().get("/tasks").headers.get("Cache-Control", "")
