"""The hours pages: My hours for volunteers; hours to confirm, one shift's confirmation, requests and anomalies
for organizers and reviewers. English pages, so the assertions survive the Chinese translation."""

import html
import re

import pytest

from tests.conftest import csrf_token
from tests.hours.conftest import local


@pytest.fixture
def browser(client, login):
    """browser(user) -> the test client logged in as user, reading English pages."""

    def sign_in(user):
        client.set_cookie("lang", "en")
        login(user)
        return client

    return sign_in


def submit(test_client, url, data=None):
    return test_client.post(url, data={"csrf_token": csrf_token(test_client, "/me"), **(data or {})})


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def first_request_id(organizer) -> int:
    """The first request listed on the organizer's requests page."""
    listing = organizer.get("/org/hours/requests").get_data(as_text=True)
    return int(re.search(r"/org/hours/requests/(\d+)", listing).group(1))


@pytest.fixture
def shift_done(world, clock, make_shift, attend, volunteer):
    """A Monday shift that ended; one volunteer checked in and out, one was marked present:
    (shift, volunteer, claim ids)."""
    shift = make_shift("2026-03-02", "08:00", hours=4)
    user, _ = volunteer("李四")
    checked = attend(shift, user, local("2026-03-02", "08:00"), local("2026-03-02", "11:30"))
    marked = attend(shift, volunteer("王五")[0], marked=True)
    clock.move_to(local("2026-03-03", "09:00"))
    return shift, user, (checked, marked)


def test_my_hours_shows_pending_hours_with_who_confirms_and_by_when(browser, shift_done):
    _, user, _ = shift_done

    page = text(browser(user).get("/me/hours"))

    assert "0.00 hours" in page
    assert "Waiting for confirmation: 3.50 hours" in page
    assert "白石龙社区 confirms by Mar 16, 2026." in page


def test_my_hours_shows_the_confirmed_total_this_month_and_per_type(api, browser, world, shift_done):
    _, user, (checked, _) = shift_done
    api.post(f"/claims/{checked}/confirm", token=world.tokens["organizer"])

    page = text(browser(user).get("/me/hours"))

    assert "Confirmed service hours 3.50 hours" in page
    assert "This month 3.50 This year 3.50" in page
    assert "Checkpoint duty 3.50" in page
    assert "confirmed by organizer on Mar 3, 2026" in page
    assert "Checked in 08:00, checked out 11:30" in page
    assert "Ask for a correction" in page


def test_a_volunteer_asks_for_a_correction_and_sees_the_answer(api, browser, world, shift_done):
    _, user, (checked, _) = shift_done
    entry_id = api.post(f"/claims/{checked}/confirm", token=world.tokens["organizer"]).json["id"]
    volunteer_browser = browser(user)

    empty = submit(volunteer_browser, f"/me/hours/{entry_id}/correction", {"reason": ""})
    sent = submit(volunteer_browser, f"/me/hours/{entry_id}/correction", {"reason": "我干到12点"})

    assert empty.status_code == 400 and "Say what is wrong" in text(empty)
    assert sent.status_code == 302
    page = text(volunteer_browser.get("/me/hours"))
    assert "我干到12点" in page and "Waiting for the organizer's answer" in page


def test_an_organizer_confirms_all_hours_of_a_shift_from_its_page(browser, world, shift_done, ledger):
    shift, _, _ = shift_done
    organizer = browser(world.organizer)

    page = text(organizer.get(f"/org/shifts/{shift.id}/hours"))
    assert "Proposed: 3.50 hours" in page and "Proposed: 4.00 hours" in page
    assert "Confirm by Mar 16, 2026 (9 working days left)." in page
    assert "Confirm all (2)" in page

    response = submit(organizer, f"/org/shifts/{shift.id}/hours/confirm-all")

    assert response.status_code == 302
    assert sorted(minutes for _, minutes, _, _ in ledger()) == [210, 240]
    assert "Every attendee’s hours are confirmed." in text(organizer.get(f"/org/shifts/{shift.id}/hours"))


def test_changing_the_hours_on_the_page_asks_for_a_reason(browser, world, shift_done, ledger):
    _, _, (checked, _) = shift_done
    organizer = browser(world.organizer)

    missing = submit(organizer, f"/org/claims/{checked}/hours/confirm", {f"c{checked}-hours": "4"})
    given = submit(
        organizer,
        f"/org/claims/{checked}/hours/confirm",
        {f"c{checked}-hours": "4", f"c{checked}-reason": "签退晚了半小时"},
    )

    assert missing.status_code == 400
    assert "Say why the hours differ from the proposed 3.50." in text(missing)
    assert given.status_code == 302
    assert [minutes for _, minutes, _, _ in ledger()] == [240]


def test_the_proposed_hours_are_confirmed_unchanged_without_a_reason(browser, world, shift_done, ledger):
    _, _, (checked, _) = shift_done
    organizer = browser(world.organizer)

    response = submit(organizer, f"/org/claims/{checked}/hours/confirm", {f"c{checked}-hours": "3.50"})

    assert response.status_code == 302
    assert [minutes for _, minutes, _, _ in ledger()] == [210]


def test_the_hours_page_lists_shifts_to_confirm_with_their_deadline(browser, world, shift_done):
    page = text(browser(world.organizer).get("/org/hours"))

    assert "东门卡口值守" in page
    assert "2 volunteers wait for hours" in page
    assert "Confirm by Mar 16, 2026 (9 working days left)." in page
    assert "Nothing is overdue." in page


def test_a_reviewer_reads_a_shifts_hours_without_confirming(browser, world, shift_done, ledger):
    shift, _, (checked, _) = shift_done
    reviewer = browser(world.reviewer)

    page = reviewer.get(f"/org/shifts/{shift.id}/hours")
    refused = submit(reviewer, f"/org/claims/{checked}/hours/confirm")

    assert page.status_code == 200 and "Confirm all" not in text(page)
    assert refused.status_code == 403
    assert ledger() == []


def test_an_organizer_answers_a_request_on_the_requests_page(api, browser, world, shift_done, ledger):
    _, user, (checked, _) = shift_done
    entry_id = api.post(f"/claims/{checked}/confirm", token=world.tokens["organizer"]).json["id"]
    volunteer_browser = browser(user)
    submit(volunteer_browser, f"/me/hours/{entry_id}/correction", {"reason": "我干到12点"})
    organizer = browser(world.organizer)

    listing = text(organizer.get("/org/hours/requests"))
    assert "李四" in listing and "Correction of a record" in listing
    dispute_id = first_request_id(organizer)
    accepted = submit(organizer, f"/org/hours/requests/{dispute_id}/accept", {"hours": "4", "response": "属实"})

    assert accepted.status_code == 302
    assert [minutes for _, minutes, _, _ in ledger()] == [210, 30]
    page = text(browser(user).get("/me/hours"))
    assert "Corrected" in page and "4.00 hours" in page and "属实" in page


def test_refusing_a_request_on_the_page_needs_a_reason(api, browser, world, shift_done):
    _, user, (checked, _) = shift_done
    entry_id = api.post(f"/claims/{checked}/confirm", token=world.tokens["organizer"]).json["id"]
    submit(browser(user), f"/me/hours/{entry_id}/correction", {"reason": "我干到12点"})
    organizer = browser(world.organizer)
    dispute_id = first_request_id(organizer)

    response = submit(organizer, f"/org/hours/requests/{dispute_id}/refuse", {"response": ""})

    assert response.status_code == 400
    assert "Tell the volunteer why the request is refused." in text(response)


def test_a_volunteer_reports_missing_hours_for_a_no_show(browser, world, clock, make_shift, attend, volunteer):
    shift = make_shift()
    user, _ = volunteer()
    claim_id = attend(shift, user, no_show=True)
    clock.move_to(local("2026-03-03", "09:00"))
    volunteer_browser = browser(user)

    page = text(volunteer_browser.get("/me/hours"))
    assert "Not counted: marked as not present." in page and "Report missing hours" in page
    response = submit(volunteer_browser, f"/me/hours/missing/{claim_id}", {"reason": "手机没电，负责人可证明"})

    assert response.status_code == 302
    assert "手机没电，负责人可证明" in text(volunteer_browser.get("/me/hours"))


def test_the_anomalies_page_lists_flags_of_the_subtree(api, browser, world, shift_done):
    _, _, (checked, _) = shift_done
    api.post(f"/claims/{checked}/confirm", json={"minutes": 300, "reason": "含交接"}, token=world.tokens["organizer"])

    page = text(browser(world.reviewer).get("/org/hours/anomalies"))

    assert "More hours than the shift lasted" in page and "5.00 hours counted for a shift of 4.00 hours." in page
