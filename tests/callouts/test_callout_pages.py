"""The organizer calls for help from the roster and watches the answers; the volunteer answers with one tap."""

import re
from urllib.parse import urlsplit

from tests.callouts.conftest import pages
from tests.conftest import csrf_token, english


def test_an_organizer_calls_for_help_from_the_roster_and_a_volunteer_answers_without_logging_in(
    app, client, new_client, login, short, near
):
    person = near(0.5, name="张三")
    english(client)
    login(short["organizer"])
    roster = client.get(f"/org/shifts/{short['shift_id']}/roster").get_data(as_text=True)
    form = f"/org/shifts/{short['shift_id']}/callouts/new"
    assert form in roster

    too_many = client.post(form, data={"needed": "9", "csrf_token": csrf_token(client, form)})
    started = client.post(form, data={"needed": "1", "message": "东门集合", "csrf_token": csrf_token(client, form)})

    assert too_many.status_code == 200 and "There is a problem" in too_many.get_data(as_text=True)
    assert started.status_code == 303
    watch = urlsplit(started.headers["Location"]).path
    page = client.get(watch).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page and 'data-callout-status="paging"' in page

    volunteer = english(new_client())
    answer_page = f"/callouts/answer/{pages(app, int(watch.rsplit('/', 1)[1]))[person.id]}"
    shown = volunteer.get(answer_page).get_data(as_text=True)
    assert "I can come" in shown and "I can’t" in shown and "东门集合" in shown
    said = volunteer.post(answer_page, data={"answer": "yes", "csrf_token": csrf_token(volunteer, answer_page)})
    assert said.status_code == 200 and "You are confirmed" in said.get_data(as_text=True)

    after = client.get(watch).get_data(as_text=True)
    assert 'data-callout-status="filled"' in after and "http-equiv" not in after


def test_the_page_reaches_the_inbox_with_its_answer_link(app, client, login, short, near, api):
    person = near(0.5)
    api.post(f"/shifts/{short['shift_id']}/callouts", json={"needed": 1}, token=short["token"])

    login(person)
    inbox = client.get("/me/notifications").get_data(as_text=True)

    (link,) = re.findall(r'href="(http[^"]*/callouts/answer/[^"]+)"', inbox)
    assert client.get(urlsplit(link).path).status_code == 200


def test_a_forged_answer_link_is_not_found_and_a_volunteer_cannot_call_for_help(client, login, short, near):
    assert client.get("/callouts/answer/forged.token.here").status_code == 404
    login(near(0.5))
    assert client.get(f"/org/shifts/{short['shift_id']}/callouts/new").status_code == 403
