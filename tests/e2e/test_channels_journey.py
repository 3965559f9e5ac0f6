"""An organizer on a phone gives an e-mail address on "How we reach you", sends a test message and sees the worker
deliver it (e-mail ignores quiet hours, so this holds at any time of day)."""

import json
import urllib.request


def test_an_organizer_adds_an_email_address_and_a_test_message_arrives(phone, live_server):
    device = phone("en-US")
    device.login("13800138002")  # 刘主任, organizer of 民泰社区
    device.go("/me")
    device.page.click("a[href='/me/channels']")
    device.page.wait_for_url("**/me/channels")

    device.page.fill("#email", "liu@example.org")
    device.page.click("form[action='/me/channels'] button[type=submit]")
    device.page.wait_for_load_state()
    assert device.page.input_value("#email") == "liu@example.org"
    # Nothing wider than the phone: the page scrolls only vertically at 360 px.
    assert device.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    device.page.click("form[action='/me/channels/test'] button[type=submit]")
    device.page.wait_for_load_state()
    for _ in range(40):  # the worker plans the deliveries, then sends them
        device.page.reload()
        if "E-mail: sent" in device.page.inner_text("[data-last-test]"):
            break
        device.page.wait_for_timeout(250)
    assert "E-mail: sent" in device.page.inner_text("[data-last-test]")

    with urllib.request.urlopen(f"{live_server}/dev/messages.json") as response:
        items = json.load(response)["items"]
    assert any(item["channel"] == "email" and item["to"] == "liu@example.org" for item in items)
