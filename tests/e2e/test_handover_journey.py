"""On `make run`'s demo: 王书记 writes the handover of the shift under way at 党群服务中心防疫物资清点 on his phone
(notes, counted supplies, a new item), the log shows it, and the supplies page shows the thermometers low. The
volunteer's own check-in is left alone (the hours journey checks 李晓明 in and out of that shift)."""

import re

from playwright.sync_api import expect

from tests.e2e.test_offline_journey import wait_until_kept

TASK = "党群服务中心防疫物资清点"  # demo.py: _seed_shift_under_way and _seed_post_supplies


def test_the_organizer_writes_a_handover_and_sees_the_supplies_low(phone):
    organizer = phone()
    organizer.login("13800138001")  # 王书记
    page = organizer.page
    organizer.go("/org/tasks")
    page.locator("a.card", has_text=TASK).click()
    page.click("a[href$='/handovers']")
    page.click("a[href*='/org/shifts/'][href$='/handover']")
    form = page.locator("form[data-offline-form]")
    expect(form.locator("input[name=client_id]")).to_have_value(re.compile(r"^[0-9a-f]{32}$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#notes", "东门栏杆松了，已报物业。")
    page.get_by_label("口罩").fill("150")
    page.get_by_label("体温计").fill("1")
    page.fill("#new_item-0", "雨衣")
    page.fill("#new_count-0", "6")
    form.locator("button[type=submit]").click()

    page.wait_for_url("**/org/tasks/*/handovers")
    entry = page.locator("article[id^=handover-]").first
    expect(entry).to_contain_text("东门栏杆松了，已报物业。")
    expect(entry).to_contain_text("雨衣")
    page.click("a[href$='/supplies']")
    expect(page.locator("li.card", has_text="体温计")).to_contain_text("不足")
    expect(page.locator("li.card", has_text="口罩").locator(".big-number")).to_have_text("150")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_handover_written_without_a_network_waits_and_is_recorded_once_when_it_returns(phone):
    organizer = phone()
    organizer.login("13800138001")  # 王书记
    page = organizer.page
    organizer.go("/org/tasks")
    page.locator("a.card", has_text=TASK).click()
    page.click("a[href$='/handovers']")
    log = page.url
    page.click("a[href*='/org/shifts/'][href$='/handover']")
    wait_until_kept(page, page.url)  # opened once with a network: the service worker keeps the form

    organizer.context.set_offline(True)
    page.reload()  # the kept form, without a network
    page.fill("#notes", "离线写的交接：北门路灯不亮，已报物业。")
    page.locator("form[data-offline-form] button[type=submit]").click()
    expect(page.locator("[data-offline-item=waiting]")).to_have_count(1, timeout=15_000)
    expect(page.locator("[data-offline-queue]")).to_contain_text("等待发送")

    organizer.context.set_offline(False)
    expect(page.locator("[data-offline-item]")).to_have_count(0, timeout=20_000)
    page.goto(log)
    expect(page.locator("article[id^=handover-]", has_text="北门路灯不亮")).to_have_count(1)
