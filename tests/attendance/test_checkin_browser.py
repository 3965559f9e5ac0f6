"""Check-in in a real browser at 360x740: Chromium (headless, Playwright) against the test app served in a thread.

It proves what the test client cannot: the script reads the position and posts it, the button is big enough,
nothing scrolls sideways, no other host is called, and the QR page works with JavaScript switched off.
"""

import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.attendance.helpers import point

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed: the check-in browser tests are skipped", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture
def served(app):
    """The test app on a free local port, for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, served):
    """phone(user, at_metres=None, javascript=True) -> a logged-in page at 360x740; at_metres grants the position."""
    contexts = []

    def open_as(user, at_metres=None, javascript=True):
        options = {
            "viewport": PHONE,
            "locale": "en-US",
            "is_mobile": True,
            "has_touch": True,
            "java_script_enabled": javascript,
        }
        if at_metres is not None:
            position = point(at_metres)
            options |= {
                "geolocation": {"latitude": position["lat"], "longitude": position["lon"], "accuracy": 15},
                "permissions": ["geolocation"],
            }
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(f"{served}/login")
        page.fill("#phone", user.phone[3:])
        page.fill("#password", "Volunteer2020")
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()
        page.context.add_cookies([{"name": "lang", "value": "en", "url": served}])
        return page

    yield open_as
    for context in contexts:
        context.close()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_volunteer_checks_in_from_my_shifts_with_the_phones_position(scene, phone, served, stored):
    s = scene(starts_in=timedelta(minutes=10))
    page = phone(s.volunteer, at_metres=120)

    page.goto(f"{served}/me/shifts")
    page.click(f"a[href='/me/shifts/{s.claim_id}/checkin']")
    button = page.locator("[data-checkin-button]")
    assert button.bounding_box()["height"] >= 64 and fits_the_phone(page)
    button.click()
    page.wait_for_selector("text=Checked in at")

    assert "About 100 m from the post." in page.inner_text("main")
    assert stored(s.claim_id).checked_in_at is not None
    assert all(url.startswith(served) for url in page.requests)


def test_a_refused_location_says_what_to_check_and_never_the_browsers_message(scene, phone, served, stored):
    s = scene(starts_in=timedelta(minutes=10))
    page = phone(s.volunteer)  # no permission granted: the browser denies the position

    page.goto(f"{served}/me/shifts/{s.claim_id}/checkin")
    page.click("[data-checkin-button]")
    page.wait_for_function("document.querySelector('[data-checkin-status]').textContent.includes('Check three')")

    assert page.inner_text("[data-checkin-status]").startswith("Location is blocked.")
    assert stored(s.claim_id).checked_in_at is None


def test_the_scanned_code_checks_in_without_javascript(api, scene, phone, served, stored):
    s = scene(starts_in=timedelta(minutes=10))
    token = api.post(f"/shifts/{s.shift.id}/checkin-token", token=s.organizer_token).json["token"]
    page = phone(s.volunteer, javascript=False)

    page.goto(f"{served}/c/{token}")
    assert fits_the_phone(page)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Checked in at")

    assert stored(s.claim_id).checked_in_at is not None
