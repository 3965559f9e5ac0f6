"""The demo's gate post in Chromium on a phone: the street's reviewer sees it red on the live board, the relief
alarm (fired by the real scheduler and worker) appears without a reload, and the outgoing volunteer answers
"I'll stay" with one tap from the inbox."""

from playwright.sync_api import expect

ALARM_WAIT_MS = 150_000  # the scheduler's first run (every 60 s) plus the board's 30 s poll, with room


def test_the_board_turns_red_then_shows_the_alarm_and_the_outgoing_volunteer_stays(phone):
    reviewer = phone()
    reviewer.login("13800138003")
    reviewer.go("/review")
    reviewer.page.click("a[href*='/board']")
    page = reviewer.page
    gate = page.locator("li[data-status]", has_text="梅花山庄北门卡口值守")
    expect(gate).to_have_attribute("data-status", "uncovered")
    expect(page.locator("li[data-status]").first).to_have_attribute("data-status", "uncovered")
    border = gate.locator("a.card").evaluate("el => getComputedStyle(el).borderLeftColor")
    assert border == "rgb(185, 28, 28)"  # --danger
    page.evaluate("window.__sameDocument = true")

    expect(gate).to_contain_text("接班提醒", timeout=ALARM_WAIT_MS)
    assert page.evaluate("window.__sameDocument === true")  # refreshed by the poll, not by a reload

    outgoing = phone()
    outgoing.login("13800138022")  # 孙悦, checked in on the shift that just ended
    outgoing.go("/me/notifications")
    outgoing.page.click("a[href*='/relief/']")
    outgoing.page.click("button[type=submit].btn-primary")
    expect(outgoing.page.locator("main")).to_contain_text("您将留守到")
