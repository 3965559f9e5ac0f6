"""The organizer's rotating QR code: issuing, scanning over the API and as a page, expiry and tampering."""

import re
from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from tests.attendance.helpers import at, form_post

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the configured zone of the test app


@pytest.fixture
def on_site(scene):
    """A shift that started a minute ago, so check-in is open."""
    return scene(starts_in=timedelta(hours=2))


def issue(api, s, token=None):
    return api.post(f"/shifts/{s.shift.id}/checkin-token", token=token or s.organizer_token)


def test_the_organizer_gets_a_token_its_url_and_an_svg_qr_code(api, on_site):
    with at(on_site.shift.starts_at):
        response = issue(api, on_site)

    assert response.status_code == 200
    body = response.json
    assert body["url"].endswith(f"/c/{body['token']}")
    assert body["qr_svg"].startswith("<svg") and "style" not in body["qr_svg"]
    assert body["expires_at"].endswith("+08:00")


def test_reviewers_volunteers_and_other_communities_get_no_token(api, on_site, make_user, make_org, grant, api_token):
    reviewer, other = make_user("审核员"), make_user("别的社区组织者")
    grant(reviewer, on_site.org, "reviewer")
    grant(other, make_org("民泰社区"))
    with at(on_site.shift.starts_at):
        statuses = [
            issue(api, on_site, token).status_code for token in (api_token(reviewer), api_token(other), on_site.token)
        ]

    assert statuses == [403, 403, 403]


def test_scanning_checks_in_then_out_without_a_location(api, on_site, stored, events):
    with at(on_site.shift.starts_at):
        token = issue(api, on_site).json["token"]
        first = api.post("/checkin", json={"token": token}, token=on_site.token)
    with at(on_site.shift.starts_at + timedelta(seconds=60)):
        second = api.post("/checkin", json={"token": token}, token=on_site.token)

    assert first.status_code == 200 and first.json["method"] == "qr" and first.json["distance_m"] is None
    assert second.status_code == 200 and second.json["checked_out_at"] is not None
    claim = stored(on_site.claim_id)
    assert claim.checked_in_at == on_site.shift.starts_at and claim.attendance == "present"
    assert events(on_site.claim_id) == [
        ("check_in", "qr", on_site.volunteer.id),
        ("check_out", "qr", on_site.volunteer.id),
    ]


def test_a_token_expires_after_its_lifetime(api, on_site, app, stored):
    ttl = app.config["CHECKIN_TOKEN_TTL_S"]
    with at(on_site.shift.starts_at):
        token = issue(api, on_site).json["token"]
    with at(on_site.shift.starts_at + timedelta(seconds=ttl + 1)):
        response = api.post("/checkin", json={"token": token}, token=on_site.token)

    assert response.status_code == 409 and response.json["error"]["code"] == "token_expired"
    assert stored(on_site.claim_id).checked_in_at is None


def test_a_token_is_still_good_at_the_end_of_its_lifetime(api, on_site, app):
    ttl = app.config["CHECKIN_TOKEN_TTL_S"]
    with at(on_site.shift.starts_at):
        token = issue(api, on_site).json["token"]
    with at(on_site.shift.starts_at + timedelta(seconds=ttl)):
        assert api.post("/checkin", json={"token": token}, token=on_site.token).status_code == 200


def test_a_tampered_token_is_invalid(api, on_site, make_task, stored):
    other_shift = make_task(shifts=[(timedelta(hours=2), 4, 5)]).shifts[0]
    with at(on_site.shift.starts_at):
        token = issue(api, on_site).json["token"]
        payload, timestamp, signature = token.split(".")
        # The payload of another shift with this signature, and this payload with a changed signature.
        forged = [
            f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{timestamp}.{signature}",
            f"{payload}.{timestamp}.{signature[:-2]}xx",
            "not-a-token",
            str(other_shift.id),
        ]
        responses = [api.post("/checkin", json={"token": t}, token=on_site.token) for t in forged]

    assert [(r.status_code, r.json["error"]["code"]) for r in responses] == [(400, "token_invalid")] * 4
    assert stored(on_site.claim_id).checked_in_at is None


def test_scanning_without_a_confirmed_place_there_is_refused(api, on_site, make_user, api_token):
    with at(on_site.shift.starts_at):
        token = issue(api, on_site).json["token"]
        response = api.post("/checkin", json={"token": token}, token=api_token(make_user("路人", locale="en")))

    assert response.status_code == 409 and response.json["error"]["code"] == "not_on_shift"
    assert "no confirmed place" in response.json["error"]["message"]


def test_scanning_still_respects_the_check_in_window(api, on_site):
    with at(on_site.shift.starts_at - timedelta(minutes=40)):
        token = issue(api, on_site).json["token"]
        response = api.post("/checkin", json={"token": token}, token=on_site.token)

    assert response.status_code == 409 and response.json["error"]["code"] == "outside_window"


# --- the pages ---


def scanned_url(api, s):
    return "/c/" + issue(api, s).json["token"]


def test_a_scanned_code_asks_to_log_in_first_and_comes_back(app, api, on_site):
    with at(on_site.shift.starts_at):
        url = scanned_url(api, on_site)
        response = app.test_client().get(url)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=" + quote(url, safe="")


def test_the_scan_page_checks_in_with_one_button_and_no_javascript(api, on_site, browser, stored):
    client = browser(on_site.volunteer)
    with at(on_site.shift.starts_at):
        url = scanned_url(api, on_site)
        page = client.get(url).get_data(as_text=True)
        response = form_post(client, url, {"action": "in"})
        result = client.get(response.headers["Location"]).get_data(as_text=True)

    assert page.count('type="submit"') == 2  # the language switch and "Confirm check-in"
    assert "Confirm check-in" in page and 'value="in"' in page
    assert response.status_code == 302 and response.headers["Location"] == f"/me/shifts/{on_site.claim_id}/checkin"
    local = stored(on_site.claim_id).checked_in_at.astimezone(SHANGHAI).strftime("%H:%M")
    assert f"Checked in at {local}" in result


def test_a_repeated_tap_on_confirm_check_in_does_not_check_out(api, on_site, browser, stored):
    client = browser(on_site.volunteer)
    with at(on_site.shift.starts_at):
        url = scanned_url(api, on_site)
        form_post(client, url, {"action": "in"})
        form_post(client, url, {"action": "in"})

    assert stored(on_site.claim_id).checked_out_at is None


def test_a_short_check_out_by_code_is_asked_about_then_recorded(api, on_site, browser, stored):
    client = browser(on_site.volunteer)
    with at(on_site.shift.starts_at):
        url = scanned_url(api, on_site)
        form_post(client, url, {"action": "in"})
        asked = form_post(client, url, {"action": "out"})
        assert stored(on_site.claim_id).checked_out_at is None
        done = form_post(client, url, {"action": "out", "short_confirmed": "1"})

    assert asked.status_code == 200 and "Check out now?" in asked.get_data(as_text=True)
    assert f'action="{url}"' in asked.get_data(as_text=True)
    assert done.status_code == 302 and stored(on_site.claim_id).checked_out_at is not None


def test_an_expired_code_gives_a_refusal_page_that_says_what_to_do(api, app, on_site, browser):
    client = browser(on_site.volunteer)
    with at(on_site.shift.starts_at):
        url = scanned_url(api, on_site)
    with at(on_site.shift.starts_at + timedelta(seconds=app.config["CHECKIN_TOKEN_TTL_S"] + 1)):
        response = client.get(url)

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Check-in not possible" in html and "has expired" in html and "Scan the one shown now" in html


def test_a_tampered_code_gives_a_refusal_page(api, on_site, browser):
    client = browser(on_site.volunteer)
    with at(on_site.shift.starts_at):
        response = client.get(scanned_url(api, on_site) + "x")

    assert response.status_code == 400
    assert "not a valid check-in code" in response.get_data(as_text=True)


def test_the_organizers_code_page_shows_a_large_qr_code_and_renews_itself(on_site, browser, app):
    client = browser(on_site.organizer)
    with at(on_site.shift.starts_at):
        response = client.get(f"/org/shifts/{on_site.shift.id}/checkin-code")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Refresh"] == str(app.config["CHECKIN_TOKEN_TTL_S"] // 2)
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r'<svg role="img" viewBox="[^"]+" class="qr">', html)
    assert "style=" not in html and not re.search(r'(?:src|href|action)="(?:[a-z]+:)?//', html)


def test_reviewers_cannot_open_the_code_page(on_site, browser, make_user, grant):
    reviewer = make_user("审核员")
    grant(reviewer, on_site.org, "reviewer")
    assert browser(reviewer).get(f"/org/shifts/{on_site.shift.id}/checkin-code").status_code == 403


def test_the_check_in_code_opens_the_host_the_organizer_asked(api, on_site):
    with at(on_site.shift.starts_at):
        body = api.post(
            f"/shifts/{on_site.shift.id}/checkin-token",
            token=on_site.organizer_token,
            headers={"Host": "192.168.1.20:5101"},
        ).json

    assert body["url"] == f"http://192.168.1.20:5101/c/{body['token']}"


def test_the_check_in_code_opens_the_public_address_when_one_is_configured(app, api, on_site, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhiyuan.example.cn/hub")
    with at(on_site.shift.starts_at):
        body = issue(api, on_site).json

    assert body["url"] == f"https://zhiyuan.example.cn/hub/c/{body['token']}"
