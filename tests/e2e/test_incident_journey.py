"""An incident on the demo, on phones: 钱进, still checked in at the gate post (梅花山庄北门) after his shift, reports
that he twisted his ankle (severe); 王书记 finds it from the task page, acknowledges it, downloads the insurance packet
and closes it with a last follow-up. Every page fits 360 px."""

import re

from playwright.sync_api import expect

TASK = "梅花山庄北门卡口值守"  # demo.RELIEF_POST: 钱进 is on the post, his shift just over (no other journey uses him)


def fits(device) -> None:
    assert device.page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_volunteer_reports_an_injury_and_the_organizer_handles_it(phone):
    volunteer = phone()
    volunteer.login("13800138023")  # 钱进
    volunteer.go("/me/shifts")
    # the shift is over (listed among the past ones, folded): its check-out link leads to the check-in page
    volunteer.go(volunteer.page.locator("li.card", has_text=TASK).locator("a[href$='/checkin']").get_attribute("href"))
    page = volunteer.page
    if page.locator("input[name=action][value=in]").count():  # not checked in yet in this run of the demo
        page.click("[data-checkin-button]")
        expect(page.locator("input[name=action]")).to_have_value("out", timeout=15_000)
    page.click("a[href$='/incidents/new']")
    expect(page.locator("form[data-offline-form]")).to_be_visible()
    assert re.fullmatch(r"[0-9a-f]{32}", page.locator("input[name=client_id]").input_value())
    fits(volunteer)
    page.check("input[name=category][value=injury]")
    page.check("input[name=severity][value=severe]")
    page.fill("#description", "搬运消毒液时扭伤右脚踝，已冰敷。")
    page.locator("label.check", has_text="钱进").locator("input").check()
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    expect(page.locator("[data-incident-status]")).to_have_attribute("data-incident-status", "open")
    expect(page.locator("a[href$='insurance.pdf']")).to_have_count(0)  # the packet is for the organizers
    fits(volunteer)
    incident_path = re.search(r"/incidents/\d+$", page.url).group(0)

    organizer = phone()
    organizer.login("13800138001")  # 王书记, organizer of 白石龙社区
    org_page = organizer.page
    organizer.go("/org/tasks")
    org_page.locator("a.card", has_text=TASK).click()
    org_page.click("a[href$='/incidents']")
    org_page.click(f"a.card[href$='{incident_path}']")
    expect(org_page.locator("main")).to_contain_text("13800138023")  # the organizer sees the phone to call
    fits(organizer)
    org_page.click("form[action$='/acknowledge'] button")
    expect(org_page.locator("[data-incident-status]")).to_have_attribute("data-incident-status", "acknowledged")
    packet = org_page.request.get(organizer.base + incident_path + "/insurance.pdf")
    assert packet.status == 200 and packet.headers["content-type"] == "application/pdf"
    assert packet.body().startswith(b"%PDF-")
    org_page.fill("#text", "已送社区医院，拍片无骨折，已报保险。")
    org_page.check("input[name=close]")
    org_page.click("form[action$='/updates'] button[type=submit]")
    expect(org_page.locator("[data-incident-status]")).to_have_attribute("data-incident-status", "closed")
    expect(org_page.locator("form[action$='/updates']")).to_have_count(0)

    volunteer.go(incident_path)
    expect(page.locator("main")).to_contain_text("已报保险")
