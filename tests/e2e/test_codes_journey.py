"""A newcomer on `make run`'s development senders: registers with the code read from /dev/messages, forgets the
password, resets it with another code, and logs in with the new one (the issue's "done means")."""

from tests.e2e.conftest import read_sms_code
from tests.e2e.test_volunteer_journey import register

NEW_PASSWORD = "Lantern-river-2021"


def test_register_with_a_code_then_reset_the_password_with_another(phone):
    device = phone()
    number = register(device, name="短信新人")
    assert "/me/edit" in device.page.url

    register_code = read_sms_code(device, number)
    device.page.context.clear_cookies()
    device.go("/login")
    device.page.click("a[href='/password/reset']")
    device.page.fill("#phone", number)
    device.page.click("[name=send_code]")
    device.page.wait_for_selector("[data-code-sent]")
    device.page.fill("#code", read_sms_code(device, number, not_code=register_code))
    device.page.fill("#password", NEW_PASSWORD)
    device.page.click("button[data-primary]")
    device.page.wait_for_url("**/login")

    device.login(number, NEW_PASSWORD)

    assert "/login" not in device.page.url
