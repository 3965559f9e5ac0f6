"""亮身份: a Party member's badge shows on rosters (page, CSV, API) only when they opted in on their profile."""

import csv
import io
from datetime import timedelta

import pytest

from volunteer_hub.orgs.rules import shows_party_badge


@pytest.fixture
def roster(app, make_org, make_user, make_task, grant, api_token):
    """A shift with two Party members, one showing the badge and one not, and a volunteer who ticked "show" but
    is not a Party member."""
    from volunteer_hub.claims import services as claims
    from volunteer_hub.extensions import db
    from volunteer_hub.tasks.models import Shift

    org = make_org("白石龙社区")
    organizer = make_user("王书记")
    grant(organizer, org)
    task = make_task(org, shifts=((timedelta(days=1), 4, 5),))
    people = [
        make_user("亮身份党员", party_member=True, show_party_badge=True),
        make_user("低调党员", party_member=True),
        make_user("群众", show_party_badge=True),
    ]
    with app.app_context():
        for person in people:
            claims.claim_shift(person, db.session.get(Shift, task.shifts[0].id))
    return task.shifts[0].id, organizer, api_token(organizer)


def test_the_badge_shows_only_for_party_members_who_opted_in(make_user):
    assert shows_party_badge(make_user(party_member=True, show_party_badge=True))
    assert not shows_party_badge(make_user(party_member=True))
    assert not shows_party_badge(make_user(show_party_badge=True))


def test_the_roster_page_shows_one_badge(client, login, roster):
    shift_id, organizer, _token = roster
    client.set_cookie("lang", "en")
    login(organizer)
    html = client.get(f"/org/shifts/{shift_id}/roster").get_data(as_text=True)
    assert html.count('class="chip party"') == 1
    badge_at = html.index('class="chip party"')
    names_before = {name: html.rfind(name, 0, badge_at) for name in ("亮身份党员", "低调党员", "群众")}
    assert max(names_before, key=names_before.get) == "亮身份党员"  # the badge follows that name


def test_the_roster_csv_marks_only_those_who_show_the_badge(client, login, roster):
    shift_id, organizer, _token = roster
    client.set_cookie("lang", "en")
    login(organizer)
    body = client.get(f"/org/shifts/{shift_id}/roster.csv").get_data(as_text=True)
    rows = {row[0]: row[2] for row in csv.reader(io.StringIO(body.removeprefix("\ufeff")))}
    assert (rows["亮身份党员"], rows["低调党员"], rows["群众"]) == ("Yes", "", "")


def test_the_roster_api_marks_only_those_who_show_the_badge(api, roster):
    shift_id, _organizer, token = roster
    items = api.get(f"/shifts/{shift_id}/roster", token=token).json["items"]
    assert {item["name"]: item["party_member"] for item in items} == {
        "亮身份党员": True,
        "低调党员": False,
        "群众": False,
    }
