"""On `make run`'s demo: 王书记 writes the handover of the shift under way at 党群服务中心防疫物资清点 on his phone
(notes, counted supplies, a new item), the log shows it, and the supplies page shows the thermometers low. The
volunteer's own check-in is left alone (the hours journey checks 李晓明 in and out of that shift)."""

import re

from playwright.sync_api import expect

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
