"""A community organizer on a phone posts a task with a day and a night shift; a volunteer nearby who fits
hears about it from the real worker within seconds."""

from datetime import date, timedelta

from playwright.sync_api import expect


def test_organizer_posts_a_task_with_two_shifts_and_a_nearby_volunteer_is_told(phone):
    organizer = phone()
    organizer.login("13800138001")  # 王书记, organizer of 白石龙社区
    organizer.go("/org/tasks/new")
    page = organizer.page
    page.fill("#title", "白石龙二区核酸采样秩序维护")
    page.select_option("#type", "other")
    page.fill("#address", "白石龙二区北门广场")
    page.click("[data-geo]")
    page.wait_for_function("document.getElementById('lat').value !== ''")
    day = (date.today() + timedelta(days=3)).isoformat()
    page.fill("input[name='shifts-0-day']", day)
    page.fill("input[name='shifts-0-starts']", "09:00")
    page.fill("input[name='shifts-0-ends']", "12:00")
    page.fill("input[name='shifts-0-capacity']", "4")
    page.click("input[name='add_row']")
    page.wait_for_selector("input[name='shifts-1-day']")
    page.fill("input[name='shifts-1-starts']", "20:00")
    page.fill("input[name='shifts-1-ends']", "08:00")  # the next morning
    page.fill("input[name='shifts-1-capacity']", "2")
    page.click(".sticky-submit input[type=submit], .sticky-submit button")
    page.wait_for_url("**/org/tasks/*")

    shifts = page.locator("a.card[href*='/roster']")
    expect(shifts).to_have_count(2)
    assert "次日" in shifts.nth(1).inner_text()

    volunteer = phone()
    volunteer.login("13800138011")  # Anna: lives nearby, free on weekdays in the daytime
    volunteer.go("/me/notifications")
    for _ in range(30):  # the worker matches the new task within seconds
        if "白石龙二区核酸采样秩序维护" in volunteer.page.inner_text("main"):
            break
        volunteer.page.wait_for_timeout(500)
        volunteer.page.reload()
    assert "白石龙二区核酸采样秩序维护" in volunteer.page.inner_text("main")


def test_shift_rows_show_their_length_and_the_next_day_while_typing_at_360_px(phone):
    organizer = phone()
    organizer.login("13800138001")
    organizer.go("/org/tasks/new")
    page = organizer.page
    row = page.locator("[data-shift-row]").first
    length, next_day, too_long = (row.locator(s) for s in ("[data-shift-length]", "[data-next-day]", "[data-too-long]"))

    page.fill("input[name='shifts-0-starts']", "08:00")
    page.fill("input[name='shifts-0-ends']", "07:00")  # meant 17:00: read as the next morning
    expect(length).to_have_text("时长 23 小时。")
    expect(next_day).to_be_visible()
    expect(too_long).to_have_text("超过 12 小时：没有志愿者能认领这个班次。")
    expect(too_long).to_be_visible()

    page.fill("input[name='shifts-0-ends']", "17:00")
    expect(length).to_have_text("时长 9 小时。")
    expect(next_day).to_be_hidden()
    expect(too_long).to_be_hidden()

    page.fill("input[name='shifts-0-starts']", "20:00")
    page.fill("input[name='shifts-0-ends']", "08:15")
    expect(length).to_have_text("时长 12.2 小时。")
    expect(next_day).to_be_visible()
    expect(too_long).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The same on the shift series form, where times are typed as HH:MM and 24:00 is midnight.
    organizer.go("/org/tasks")
    task_url = page.evaluate(
        "[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
        ".find(h => /^\\/org\\/tasks\\/\\d+$/.test(h))"
    )
    organizer.go(f"{task_url}/series")
    slot = page.locator("[data-shift-row]").nth(1)  # the checkpoint's 16:00-24:00
    expect(slot.locator("[data-shift-length]")).to_have_text("时长 8 小时。")
    page.fill("input[name='daily-1-end']", "15:00")
    expect(slot.locator("[data-shift-length]")).to_have_text("时长 23 小时。")
    expect(slot.locator("[data-next-day]")).to_be_visible()
    expect(slot.locator("[data-too-long]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
