"""Service hours on the demo, as its people meet them: 李晓明 checks in and out on his phone at the post of the
demo's shift under way; 王书记 confirms his hours; 李晓明 sees them in "my hours" and the reviewer of 民治街道 on
the dashboard at once; he asks for a certificate, the worker makes the PDF, and the verification page its QR
code points to tells a stranger it is valid."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

TASK = "党群服务中心防疫物资清点"  # demo.py: _seed_shift_under_way, 李晓明 holds a place on it
REASON = "签退时点错了按钮，实际在岗3小时。"


def test_check_in_and_out_confirm_see_the_hours_and_verify_the_certificate(phone):
    volunteer = phone()
    volunteer.login("13800138010")
    volunteer.go("/me/shifts")
    volunteer.page.locator("li.card", has_text=TASK).locator("a[href$='/checkin']").click()
    page = volunteer.page
    claim_id = re.search(r"/me/shifts/(\d+)/checkin", page.url).group(1)
    page.click("[data-checkin-button]")  # the phone's position is next to the post
    expect(page.locator("input[name=action]")).to_have_value("out", timeout=15_000)
    expect(page.locator(".result-title").first).to_contain_text("签到")
    page.click("[data-checkin-button]")
    expect(page.locator(".result-title").first).to_contain_text("现在签退吗", timeout=15_000)  # a minute on site
    page.click("form button[type=submit].btn-danger")  # 是的，我要离开：签退
    expect(page.locator(".result-title").first).to_contain_text(re.compile(r"已于 \S+ 签退"), timeout=15_000)

    organizer = phone()
    organizer.login("13800138001")  # 王书记, organizer of 白石龙社区
    organizer.go("/org/tasks")
    organizer.page.locator("a.card", has_text=TASK).click()
    organizer.page.locator("a.card[href*='/roster']").first.click()
    organizer.page.locator("main a[href$='/hours']").click()
    row = organizer.page.locator(f"#claim-{claim_id}")
    row.locator("summary").click()  # checked out within the minute: nothing to propose, so a change with a reason
    organizer.page.fill(f"#c{claim_id}-hours", "1")  # the shift began 75 minutes ago: no more can be credited yet
    organizer.page.fill(f"#c{claim_id}-reason", REASON)
    row.locator("button[type=submit]").click()
    expect(organizer.page.locator(".banner-success")).to_contain_text("李晓明", timeout=15_000)

    volunteer.go("/me/hours")
    mine = volunteer.page.inner_text("main")
    assert TASK in mine and "1.00" in mine

    reviewer = phone()
    reviewer.login("13800138003")  # 陈主任, reviewer of 民治街道
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the shift began an hour ago: yesterday, at 00:30
    reviewer.go(f"/review?period=custom&start={today - timedelta(days=1)}&end={today}")
    board = reviewer.page.inner_text("main")
    assert "李晓明" in board and "1.00" in board
    expect(reviewer.page.locator("[data-trend-chart] canvas")).to_be_visible()  # the vendored chart, under the CSP

    volunteer.go("/me/certificates")
    volunteer.page.click("main form button[type=submit]")
    volunteer.page.wait_for_url(re.compile(r"/me/certificates/\d+$"))
    download = volunteer.page.locator("a[href$='.pdf']")
    expect(download).to_be_visible(timeout=60_000)  # the page reloads itself until the worker is done
    pdf = volunteer.page.request.get(volunteer.base + download.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert volunteer.page.locator(".cert-check svg").count() == 1  # the QR code of the address below
    verify_url = volunteer.page.locator(".cert-check a").get_attribute("href")

    stranger = phone()
    stranger.page.goto(verify_url)
    expect(stranger.page.locator(".result-title")).to_have_text("该证明有效")
    assert "1.00" in stranger.page.inner_text("main")
