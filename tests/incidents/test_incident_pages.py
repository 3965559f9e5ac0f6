"""The incident pages on a phone: the report form from the check-in page and the task page (hidden client_id,
offline-ready, idempotent), the incident page with the organizers' actions, the post's list, reviewers' counts."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.attendance.helpers import at, form_post
from tests.conftest import english
from tests.incidents.conftest import body

CLIENT_ID = re.compile(r'name="client_id" type="hidden" value="([0-9a-f]{32})"')


@pytest.fixture
def volunteer_page(app, login, post):
    return english(login(post.volunteer, app.test_client()))


@pytest.fixture
def organizer_page(app, login, post):
    return english(login(post.organizer, app.test_client()))


def form_of(s, **fields) -> dict:
    local = s.moment.astimezone(ZoneInfo("Asia/Shanghai"))
    return {
        "category": "injury",
        "severity": "severe",
        "day": local.date().isoformat(),
        "at": local.strftime("%H:%M"),
        "description": "扭伤脚踝。",
        **fields,
    }


def test_the_check_in_page_offers_the_report_once_checked_in(volunteer_page, post):
    with at(post.moment):
        page = volunteer_page.get(f"/me/shifts/{post.claim_id}/checkin").get_data(as_text=True)

    assert f"/tasks/{post.task.id}/incidents/new" in page


def test_the_report_form_is_ready_for_the_offline_queue_and_a_second_send_records_once(
    volunteer_page, post, stored, notes
):
    s = post
    with at(s.moment):
        page = volunteer_page.get(f"/tasks/{s.task.id}/incidents/new")
        html = page.get_data(as_text=True)
        client_id = CLIENT_ID.search(html).group(1)
        first = form_post(volunteer_page, f"/tasks/{s.task.id}/incidents/new", form_of(s, client_id=client_id))
        again = form_post(volunteer_page, f"/tasks/{s.task.id}/incidents/new", form_of(s, client_id=client_id))

    assert page.status_code == 200 and "data-offline-form" in html
    assert "张伟" in html and "李晓明" in html  # the shift's roster to name who was involved
    assert first.status_code == 303 and again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    [incident] = stored()
    assert incident.client_id == client_id and incident.severity == "severe"
    assert len(notes()) == 1


def test_a_report_with_problems_shows_them_all_and_records_nothing(volunteer_page, post, stored):
    s = post
    with at(s.moment):
        response = form_post(
            volunteer_page, f"/tasks/{s.task.id}/incidents/new", {"day": "", "at": "", "description": ""}
        )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Choose what happened.", "Choose how serious it is.", "Enter the date.", "Say what happened."):
        assert message in html
    assert stored() == []


def test_a_volunteer_not_checked_in_cannot_open_the_form(app, login, post):
    page = english(login(post.other, app.test_client()))
    with at(post.moment):
        assert page.get(f"/tasks/{post.task.id}/incidents/new").status_code == 403


def test_the_organizer_acknowledges_follows_up_closes_and_prints_the_packet(api, organizer_page, post):
    s = post
    with at(s.moment):
        incident = api.post(
            f"/tasks/{s.task.id}/incidents", json=body(s, involved_user_ids=[s.other.id]), token=s.token
        ).json
        url = f"/incidents/{incident['id']}"
        page = organizer_page.get(url)
        html = page.get_data(as_text=True)
        ack = form_post(organizer_page, f"{url}/acknowledge")
        form_post(organizer_page, f"{url}/updates", {"text": "已送医。"})
        form_post(organizer_page, f"{url}/updates", {"text": "结案。", "close": "y"})
        closed = organizer_page.get(url).get_data(as_text=True)
        packet = organizer_page.get(f"{url}/insurance.pdf")
        listing = organizer_page.get(f"/org/tasks/{s.task.id}/incidents").get_data(as_text=True)

    assert "no-store" in page.headers["Cache-Control"]
    assert s.other.phone in html and f"{url}/insurance.pdf" in html and "Acknowledge" in html
    assert ack.status_code == 303
    assert "已送医。" in closed and "结案。" in closed and "This incident is closed." in closed
    assert "Acknowledge" not in closed and "Add the follow-up" not in closed
    assert packet.status_code == 200 and packet.mimetype == "application/pdf"
    assert url in listing


def test_the_reporter_sees_no_phone_and_no_organizer_action(api, volunteer_page, post):
    s = post
    with at(s.moment):
        incident = api.post(
            f"/tasks/{s.task.id}/incidents", json=body(s, involved_user_ids=[s.other.id]), token=s.token
        ).json
        html = volunteer_page.get(f"/incidents/{incident['id']}").get_data(as_text=True)

    assert "张伟" in html and s.other.phone not in html
    assert "insurance.pdf" not in html and "Acknowledge" not in html
    assert "Add the follow-up" in html and 'name="close"' not in html


def test_the_task_page_counts_open_incidents_and_offers_the_report(api, organizer_page, post):
    s = post
    with at(s.moment):
        api.post(f"/tasks/{s.task.id}/incidents", json=body(s), token=s.token)
        html = organizer_page.get(f"/org/tasks/{s.task.id}").get_data(as_text=True)

    assert f"/org/tasks/{s.task.id}/incidents" in html and "1 open" in html
    assert f"/tasks/{s.task.id}/incidents/new" in html


def test_the_reviewers_page_lists_the_communities(api, organizer_page, post):
    s = post
    with at(s.moment):
        api.post(f"/tasks/{s.task.id}/incidents", json=body(s), token=s.token)
        html = organizer_page.get(f"/review/{s.org.id}/incidents").get_data(as_text=True)

    assert "白石龙社区" in html and "A volunteer was injured" in html and "1 open · 0 closed" in html


def test_the_reviewers_dashboard_links_to_the_counts(organizer_page, post):
    with at(post.moment):
        html = organizer_page.get(f"/review/{post.org.id}").get_data(as_text=True)

    assert f"/review/{post.org.id}/incidents" in html


def test_the_check_in_page_stops_offering_the_report_when_reports_close(volunteer_page, post):
    with at(post.shift.ends_at + timedelta(hours=3)):
        page = volunteer_page.get(f"/me/shifts/{post.claim_id}/checkin").get_data(as_text=True)

    assert "/incidents/new" not in page
