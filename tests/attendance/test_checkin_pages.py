"""The volunteer's check-in page and the check-in button on My shifts (server-rendered, form posts)."""

import re
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from tests.attendance.helpers import at, form_post, point

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the configured zone of the test app


def checkin_url(s):
    return f"/me/shifts/{s.claim_id}/checkin"


def self_hosted(html: str) -> bool:
    """Nothing from other hosts, no inline style or script: what the CSP and the page budget demand."""
    scripts = re.findall(r"<script[^>]*>", html)
    return (
        not re.search(r'(?:src|href|action)="(?:[a-z]+:)?//', html)
        and "style=" not in html
        and "<style" not in html
        and len(scripts) >= 1  # app.js, and the offline queue's scripts on the check-in page
        and all(re.match(r'<script src="/assets/[^"]+" defer>', script) is not None for script in scripts)
    )


def test_my_shifts_offers_check_in_only_within_the_window(scene, browser):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at - timedelta(minutes=31)):
        early = client.get("/me/shifts").get_data(as_text=True)
    with at(s.shift.starts_at - timedelta(minutes=29)):
        open_ = client.get("/me/shifts").get_data(as_text=True)

    assert checkin_url(s) not in early
    assert f'href="{checkin_url(s)}">Check in</a>' in open_


def test_the_check_in_page_explains_before_asking_and_offers_the_other_ways(scene, browser):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at):
        response = client.get(checkin_url(s))

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "only used to confirm you are within 300 m of the post" in html
    assert 'class="btn btn-primary btn-block btn-huge" type="button" hidden data-checkin-button>Check in<' in html
    assert "Scan the post’s check-in code" in html and "mark you present" in html
    assert "<noscript>" in html
    assert self_hosted(html)


def test_posting_a_position_inside_the_radius_checks_in_and_shows_the_time(scene, browser, stored):
    s = scene()
    client = browser(s.volunteer)
    moment = s.shift.starts_at + timedelta(minutes=2)
    with at(moment):
        response = form_post(client, checkin_url(s), {"action": "in", "device": "abc", **point(80)})
        page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302 and response.headers["Location"] == checkin_url(s)
    assert stored(s.claim_id).checked_in_at == moment
    assert f"Checked in at {moment.astimezone(SHANGHAI):%H:%M}" in page
    assert "About 100 m from the post." in page
    assert '<input type="hidden" name="action" value="out">' in page  # the same page now offers check-out


def test_a_position_outside_the_radius_shows_the_distance_and_the_alternatives(scene, browser, stored):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at):
        response = form_post(client, checkin_url(s), {"action": "in", **point(850, accuracy_m=60)})
        page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert 'role="alert"' in page
    assert "You are about 850 m from the post (location accurate to about ±60 m); you need to be within 300 m." in page
    assert "Other ways to check in" in page
    assert stored(s.claim_id).checked_in_at is None


def test_a_post_without_a_position_asks_to_try_again(scene, browser, stored):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at):
        response = form_post(client, checkin_url(s), {"action": "in", "lat": "nan", "lon": "114", "accuracy_m": ""})
        page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Your location did not reach us" in page
    assert stored(s.claim_id).checked_in_at is None


def test_checking_out_on_the_page_shows_the_time_on_site(scene, browser):
    s = scene()
    client = browser(s.volunteer)
    with at(s.shift.starts_at):
        form_post(client, checkin_url(s), {"action": "in", **point(10)})
    with at(s.shift.starts_at + timedelta(hours=3, minutes=42)):
        form_post(client, checkin_url(s), {"action": "out", **point(10)})
        page = client.get(checkin_url(s)).get_data(as_text=True)

    assert "on site for 3 h 42 min" in page and "data-checkin-button" not in page


def check_out_after(s, client, on_site: timedelta, **extra):
    """Check in at the shift's start, then post a check-out on_site later; returns the check-out's response."""
    with at(s.shift.starts_at):
        form_post(client, checkin_url(s), {"action": "in", **point(10)})
    with at(s.shift.starts_at + on_site):
        return form_post(client, checkin_url(s), {"action": "out", **point(10), **extra})


def test_a_check_out_soon_after_check_in_is_asked_about_first(scene, browser, stored):
    s = scene()
    response = check_out_after(s, browser(s.volunteer), timedelta(minutes=1))
    html = response.get_data(as_text=True)

    assert response.status_code == 200 and "Check out now?" in html
    assert "Checking out now records 1 minute of this 4 h 0 min shift." in html
    assert 'name="short_confirmed" value="1"' in html and 'name="lat" value="' in html
    assert f'href="{checkin_url(s)}"' in html  # "No, I am staying"
    assert stored(s.claim_id).checked_out_at is None


def test_a_confirmed_short_check_out_is_recorded(scene, browser, stored):
    s = scene()
    response = check_out_after(s, browser(s.volunteer), timedelta(minutes=1), short_confirmed="1")

    assert response.status_code == 302 and stored(s.claim_id).checked_out_at is not None


def test_a_check_out_after_half_the_shift_is_not_asked_about(scene, browser, stored):
    s = scene()
    response = check_out_after(s, browser(s.volunteer), timedelta(hours=2))

    assert response.status_code == 302 and stored(s.claim_id).checked_out_at is not None


def test_the_organizer_sees_a_short_record_flagged_and_can_change_its_hours(scene, browser):
    s = scene()
    check_out_after(s, browser(s.volunteer), timedelta(minutes=1), short_confirmed="1")
    organizer = browser(s.organizer)
    with at(s.shift.starts_at + timedelta(minutes=2)):
        roster = organizer.get(f"/org/shifts/{s.shift.id}/roster").get_data(as_text=True)
        hours = organizer.get(f"/org/shifts/{s.shift.id}/hours").get_data(as_text=True)

    assert "short record: check the hours" in roster
    assert "Short record: on site 1 minute of a 4 h 0 min shift." in hours
    assert f'action="/org/claims/{s.claim_id}/hours/confirm"' in hours  # confirm, or change the hours with a reason


def test_before_the_window_the_page_says_when_check_in_opens(scene, browser):
    s = scene(starts_in=timedelta(days=1))
    client = browser(s.volunteer)
    opens = (s.shift.starts_at - timedelta(minutes=30)).astimezone(SHANGHAI)
    with at(s.shift.starts_at - timedelta(hours=3)):
        page = client.get(checkin_url(s)).get_data(as_text=True)

    assert f"Check-in opens Today {opens:%H:%M}" in page or f"Check-in opens Tomorrow {opens:%H:%M}" in page
    # The form is there for the phone to use offline once the window opens (js/offline.js), hidden until then.
    form = re.search(r"<form class=\"checkin\"[^>]*>", page).group(0)
    assert " hidden " in form and f'data-opens-at="{opens.astimezone(UTC).isoformat()}"' in form


def test_someone_elses_check_in_page_is_not_found(scene, browser, make_user):
    s = scene()
    client = browser(make_user("路人"))
    with at(s.shift.starts_at):
        assert client.get(checkin_url(s)).status_code == 404
        assert form_post(client, checkin_url(s), {"action": "in", **point(10)}).status_code == 404
