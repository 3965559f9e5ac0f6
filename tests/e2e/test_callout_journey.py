"""On `make run`'s demo: 王书记 calls for help (集结令) for the under-filled shift starting soon, the answer links reach
/dev/messages from the real worker, two volunteers answer yes on their phones and fill it, a third is told it is
full, and the organizer's page shows it filled."""

import json
import re
import time
from urllib.parse import urlsplit

from playwright.sync_api import expect


def answer_links(device, wanted: int, timeout_s: float = 30) -> list[str]:
    """The answer links of the pages the worker sent by SMS, read from /dev/messages.json, one per number."""
    tab = device.context.new_page()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            tab.goto(f"{device.base}/dev/messages.json")
            links = {}
            for item in json.loads(tab.inner_text("body"))["items"]:
                found = re.search(r"https?://\S+/callouts/answer/\S+", item["text"])
                if found:
                    links[item["to"]] = urlsplit(found.group(0)).path
            if len(links) >= wanted:
                return list(links.values())
            time.sleep(0.5)
    finally:
        tab.close()
    raise AssertionError(f"fewer than {wanted} answer links reached /dev/messages within {timeout_s} s")


def test_a_call_out_fills_the_demo_shift_from_the_volunteers_phones(phone):
    organizer = phone()
    organizer.login("13800138001")  # 王书记
    page = organizer.page
    organizer.go("/org/tasks")
    page.click("text=白石龙地铁站口应急疏导")
    page.click("a.card[href*='/roster']")
    page.click("a[href*='/callouts/new']")
    page.fill("#needed", "2")
    page.fill("#message", "B出口集合，带好手电")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/org/callouts/*")
    expect(page.locator("[data-callout-status]")).to_have_attribute("data-callout-status", "paging")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    first, second, third = answer_links(organizer, 3)[:3]
    for link in (first, second):
        volunteer = phone()
        volunteer.go(link)  # no login: the link is the credential
        assert volunteer.page.evaluate("document.documentElement.scrollWidth") <= 360
        volunteer.page.click("button[value=yes]")
        expect(volunteer.page.locator("[data-answer]")).to_have_attribute("data-answer", "yes")
    late = phone()
    late.go(third)  # the places are filled: told so, offered the waitlist, no buttons
    expect(late.page.locator("[data-answer]")).to_have_attribute("data-answer", "full")
    expect(late.page.locator("button[value=yes]")).to_have_count(0)
    expect(late.page.locator("a[href*='/tasks/']")).to_have_count(1)

    organizer.go(urlsplit(page.url).path)
    expect(page.locator("[data-callout-status]")).to_have_attribute("data-callout-status", "filled")
