"""A volunteer on a phone: registers, sets location and skills, finds a nearby task, claims a shift and finds
it in "my shifts"; the interface switches to English; every volunteer page is light and self-hosted."""

import random
import re

from tests.e2e.conftest import read_sms_code

PAGE_BUDGET_BYTES = 150 * 1024


def new_number() -> str:
    return f"139{random.randrange(10**8):08d}"


def register(device, name="测试志愿者"):
    """Register on the page with the code sent to the number (read from the development viewer)."""
    number = new_number()
    device.go("/register")
    device.page.fill("#phone", number)
    device.page.click("[name=send_code]")
    device.page.wait_for_selector("[data-code-sent]")
    device.page.fill("#code", read_sms_code(device, number))
    device.page.fill("#name", name)
    device.page.fill("#password", "Checkpoint-night-2020")
    device.page.click("button[data-primary]")
    device.page.wait_for_load_state()
    return number


def test_register_set_location_find_a_nearby_task_claim_it_and_see_it_in_my_shifts(phone):
    device = phone()
    register(device)

    device.go("/me/edit")
    device.page.click("[data-geo]")  # "use my current location": the browser grants the phone's position
    device.page.wait_for_function("document.getElementById('lat').value !== ''")
    device.page.check("input[name=languages][value=english]")
    device.page.click(".sticky-submit button")
    device.page.wait_for_load_state()

    device.go("/tasks")
    first_task = device.page.locator("a.card[href^='/tasks/']").first
    title = first_task.locator(".card-title").inner_text()
    first_task.click()
    device.page.locator("a[href$='/claim']").first.click()
    device.page.click("form[action$='/claim'] button[type=submit]")
    device.page.wait_for_url(re.compile(r"/claims/\d+$"))

    device.go("/me/shifts")
    assert title in device.page.inner_text("main")


def test_the_interface_switches_to_english_and_remembers_it(phone):
    device = phone()
    device.go("/tasks")
    assert device.page.get_attribute("html", "lang") == "zh-CN"

    device.page.click("form[action='/lang'] button")
    device.page.wait_for_load_state()
    device.go("/tasks")

    assert device.page.get_attribute("html", "lang") == "en"
    assert "Tasks" in device.page.inner_text("nav.tabbar")


def test_volunteer_pages_stay_under_the_weight_budget_and_call_no_other_host(phone, live_server):
    device = phone()
    weights = {}
    for path in ("/register", "/login", "/tasks"):
        weights[path] = _first_load_weight(device, path)
    device.login("13800138010")
    device.go("/tasks")
    task_path = device.page.locator("a.card[href^='/tasks/']").first.get_attribute("href")
    for path in ("/tasks", task_path, "/me/shifts", "/me", "/me/notifications", "/me/edit"):
        weights[path] = _first_load_weight(device, path)

    heavy = {path: size for path, size in weights.items() if size > PAGE_BUDGET_BYTES}
    assert not heavy, f"pages over {PAGE_BUDGET_BYTES} bytes: {heavy}"
    foreign = [url for url in device.requests if not url.startswith(live_server)]
    assert not foreign, f"requests to other hosts: {foreign}"


def _first_load_weight(device, path: str) -> int:
    """Bytes transferred for a page and everything it loads, with an empty cache (a fresh visitor)."""
    sizes = []

    def on_finished(request):
        sizes.append(request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])

    device.page.on("requestfinished", on_finished)
    session = device.context.new_cdp_session(device.page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    device.go(path)
    device.page.wait_for_load_state("networkidle")
    device.page.remove_listener("requestfinished", on_finished)
    session.detach()
    return sum(sizes)
