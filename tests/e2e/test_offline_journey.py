"""Check-in without a network, in Chromium: a volunteer opens today's shift with a network (the service worker
keeps the page), the gate has no signal, she taps 签到 - it waits on the phone (等待发送), still there after a
reload - and when the network returns it is sent by itself and recorded once, marked as recorded offline.

The shift is posted through the API for this test (starting in ten minutes at the phone's position), so it does
not depend on what other journeys did to the demo's shifts."""

import json
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import SHENZHEN_BAISHILONG

ORGANIZER = "13800138001"  # 王书记, organizer of 白石龙社区
VOLUNTEER = "13900139011"  # registered by its test (new_volunteer): no other journey claims for them
SECOND_VOLUNTEER = "13900139012"  # likewise
PASSWORD = "Volunteer2020"
PAGES_CACHE = "vh-offline-pages-v1"  # static/sw.js


def call(base: str, method: str, path: str, body=None, token: str | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:  # say why (a refusal's code and message), not only the status
        raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()}") from None


def token_of(base: str, phone: str) -> str:
    return call(base, "POST", "/auth/token", {"phone": phone, "password": PASSWORD})["token"]


def new_volunteer(base: str, phone: str, name: str) -> None:
    """A volunteer of this test's own, registered with the code /dev/messages shows: no other journey's claims
    (a call-out's "yes" among the demo's team) can overlap theirs."""
    call(base, "POST", "/auth/verification-codes", {"phone": phone, "purpose": "register"})
    deadline, code = time.monotonic() + 20, None
    while code is None:
        assert time.monotonic() < deadline, "no register code reached /dev/messages"
        with urllib.request.urlopen(f"{base}/dev/messages.json", timeout=10) as response:
            texts = [item["text"] for item in json.loads(response.read())["items"] if item["to"].endswith(phone)]
        found = [re.search(r"\b(\d{6})\b", text) for text in texts]
        code = next((match.group(1) for match in found if match), None)
        if code is None:
            time.sleep(0.3)
    call(base, "POST", "/auth/register", {"phone": phone, "password": PASSWORD, "name": name, "code": code})
    call(base, "PATCH", "/me", {"birth_date": "1996-05-04"}, token=token_of(base, phone))  # nights: adults only


def shift_starting_soon(base: str, volunteer: str = VOLUNTEER) -> tuple[int, int]:
    """(shift id, claim id): a post at the phone's position, a shift starting in 10 minutes, the volunteer on it."""
    organizer = token_of(base, ORGANIZER)
    org_id = next(role["org_id"] for role in call(base, "GET", "/me", token=organizer)["roles"])
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=10)
    task = call(
        base,
        "POST",
        "/tasks",
        {
            "org_id": org_id,
            "title": "白石龙一区东门值守（离线签到）",
            "type": "checkpoint",
            "description": "小区东门登记测温。",
            "address": "白石龙一区东门",
            "lat": SHENZHEN_BAISHILONG["latitude"],
            "lon": SHENZHEN_BAISHILONG["longitude"],
            "shifts": [
                {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 2}
            ],
        },
        token=organizer,
    )
    shift_id = task["shifts"][0]["id"]
    claim = call(base, "POST", f"/shifts/{shift_id}/claims", token=token_of(base, volunteer))
    assert claim["status"] == "confirmed", claim
    return shift_id, claim["id"]


def wait_until_kept(page, url: str, timeout_s: float = 15) -> None:
    """Until the service worker holds the page in its cache (registering and fetching it take a moment)."""
    deadline = time.monotonic() + timeout_s
    check = "async ([name, url]) => !!(await (await caches.open(name)).match(url))"
    while not page.evaluate(check, [PAGES_CACHE, url]):
        assert time.monotonic() < deadline, "the service worker did not keep the check-in page"
        time.sleep(0.2)


def test_a_check_in_without_a_network_waits_on_the_phone_and_is_recorded_once_when_it_returns(phone, live_server):
    new_volunteer(live_server, VOLUNTEER, "卫东")
    shift_id, claim_id = shift_starting_soon(live_server)
    volunteer = phone()
    volunteer.login(VOLUNTEER)
    page = volunteer.page
    url = f"/me/shifts/{claim_id}/checkin"

    # With a network: the page registers the service worker, which keeps this page (today's shift) for later.
    volunteer.go(url)
    wait_until_kept(page, volunteer.base + url)

    # At the gate without a signal: the tap is saved on the phone with its time and position.
    volunteer.context.set_offline(True)
    page.click("[data-checkin-button]")
    waiting = page.locator("[data-offline-item=waiting]")
    expect(waiting).to_have_count(1, timeout=15_000)
    expect(page.locator("[data-offline-queue]")).to_contain_text("等待发送")
    expect(page.locator("[data-checkin-status]")).to_contain_text("没有网络")
    expect(page.locator("[data-checkin-button]")).to_have_text("签退")  # the next thing to do, also offline

    # Reloading without a network: the kept page, and the check-in still waiting on it.
    page.reload()
    expect(page.locator("[data-offline-item=waiting]")).to_have_count(1, timeout=15_000)
    expect(page.locator("[data-offline-queue]")).to_contain_text("等待发送")
    expect(page.locator(".result-title")).to_have_count(0)

    # The network returns: sent by itself, and the page shows the server's record.
    volunteer.context.set_offline(False)
    expect(page.locator(".result-title").first).to_contain_text("签到", timeout=20_000)
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    expect(page.locator(".offline-note")).to_have_count(1)
    expect(page.locator(".offline-note")).to_contain_text("离线记录")

    # Recorded once, as recorded offline: the organizer's roster lists one offline record (the check-in).
    organizer = phone()
    organizer.login(ORGANIZER)
    organizer.go(f"/org/shifts/{shift_id}/roster")
    notes = organizer.page.locator(".offline-note")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text("签到")
    # Sending the queue again changes nothing: the phone's page, reloaded, still shows one offline record.
    page.reload()
    expect(page.locator(".offline-note")).to_have_count(1)
    organizer.page.reload()
    expect(organizer.page.locator(".offline-note")).to_have_count(1)


# A form another package marks data-offline-form (the handover and incident forms): here the language switch, put on
# the kept check-in page as such a form. Offline it waits; online it is posted with the page's CSRF token.
MARK_FORM = """() => {
  const form = document.querySelector('form.lang');
  form.setAttribute('data-offline-form', '');
  form.setAttribute('data-offline-label', 'Switch language');
}"""


def test_a_form_marked_for_offline_waits_and_is_posted_when_the_network_returns(phone, live_server):
    new_volunteer(live_server, SECOND_VOLUNTEER, "褚建国")
    _, claim_id = shift_starting_soon(live_server, SECOND_VOLUNTEER)
    volunteer = phone()
    volunteer.login(SECOND_VOLUNTEER)
    page = volunteer.page
    url = f"/me/shifts/{claim_id}/checkin"
    volunteer.go(url)
    wait_until_kept(page, volunteer.base + url)

    volunteer.context.set_offline(True)
    page.evaluate(MARK_FORM)
    page.click("form.lang button[type=submit]")
    item = page.locator("[data-offline-item=waiting]")
    expect(item).to_have_count(1, timeout=15_000)
    expect(item).to_contain_text("Switch language")
    expect(item).to_contain_text("等待发送")
    assert page.get_attribute("html", "lang") == "zh-CN"  # nothing was sent

    volunteer.context.set_offline(False)
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=20_000)  # posted, and the page reloaded
    expect(page.locator("[data-offline-item]")).to_have_count(0)


def test_a_shared_phone_keeps_ones_queued_check_in_from_the_next_person_until_one_signs_in_again(phone, live_server):
    """Queued actions belong to whoever took them: the next person on the phone neither sees nor sends them."""
    first, second = "13900139001", "13900139002"
    new_volunteer(live_server, first, "秦岚")
    new_volunteer(live_server, second, "许诺")
    shift_id, claim_id = shift_starting_soon(live_server, first)
    _, other_claim = shift_starting_soon(live_server, second)
    device = phone()
    page = device.page
    device.login(first)
    url = f"/me/shifts/{claim_id}/checkin"
    device.go(url)
    wait_until_kept(page, device.base + url)

    # Tapped without a network; when it returns the server is unreachable for a while, so the tap still waits.
    page.route("**/checkin/offline", lambda route: route.fulfill(status=503, body="down"))
    device.context.set_offline(True)
    page.click("[data-checkin-button]")
    expect(page.locator("[data-offline-item=waiting]")).to_have_count(1, timeout=15_000)
    device.context.set_offline(False)
    page.reload()
    expect(page.locator("[data-offline-item=waiting]")).to_have_count(1, timeout=15_000)

    # She signs out; the next person on this phone sees nothing of hers on their own check-in page.
    device.go("/me")
    page.click("form[action$='/logout'] button")
    device.login(second)
    device.go(f"/me/shifts/{other_claim}/checkin")
    page.wait_for_timeout(1500)  # the page has read the queue
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    page.unroute("**/checkin/offline")
    device.go("/me")
    page.click("form[action$='/logout'] button")

    # Back on her phone: her check-in goes out and is recorded once, marked offline.
    device.login(first)
    device.go(url)
    expect(page.locator(".offline-note")).to_have_count(1, timeout=20_000)
    organizer = phone()
    organizer.login(ORGANIZER)
    organizer.go(f"/org/shifts/{shift_id}/roster")
    expect(organizer.page.locator(".offline-note")).to_have_count(1)
