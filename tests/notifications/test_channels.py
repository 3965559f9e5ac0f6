"""People choose how they are reached beside the inbox (SMS, push, e-mail) on /me/channels and in the API, and can
send themselves a test message that goes over every chosen channel."""

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token, english
from tests.notifications.conftest import drain
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications.models import Delivery, Notification
from volunteer_hub.notifications.rules import check_email

SETTINGS = {"sms": False, "push": True, "email": "Wang.Li+hub@Example.ORG", "urgent_in_quiet_hours": True}


def stored(app, user):
    with app.app_context():
        return db.session.get(User, user.id)


def test_my_channels_are_read_and_replaced_through_the_api(app, api, make_user, api_token):
    user = make_user()
    token = api_token(user)
    before = api.get("/me/channels", token=token).json
    assert before == {
        "sms": True,
        "push": True,
        "email": None,
        "urgent_in_quiet_hours": False,
        "phone_verified": True,
        "push_devices": 0,
        "available": {"sms": True, "push": bool(app.config["VAPID_PRIVATE_KEY"]), "email": True},
    }

    response = api.call("PUT", "/me/channels", token=token, json=SETTINGS)

    assert response.status_code == 200
    assert response.json["email"] == "Wang.Li+hub@example.org"  # the domain is case-insensitive; the local part not
    saved = stored(app, user)
    assert (saved.sms_enabled, saved.push_enabled, saved.urgent_in_quiet_hours) == (False, True, True)
    assert api.call("PUT", "/me/channels", token=token, json={**SETTINGS, "email": None}).json["email"] is None
    assert stored(app, user).email is None


@pytest.mark.parametrize(
    "address",
    [
        "wang",
        "wang@",
        "@example.org",
        "wang@example",
        "wang@@example.org",
        "wa ng@example.org",
        "wang@exa_mple.org",
        "wang@-example.org",
        "王@example.org",
        "wang..li@example.org",
        "a" * 65 + "@x.org",
    ],
)
def test_a_malformed_address_is_refused_with_the_field(app, api, make_user, api_token, address):
    user = make_user()
    response = api.call("PUT", "/me/channels", token=api_token(user), json={**SETTINGS, "email": address})

    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"email"}
    assert stored(app, user).email is None and stored(app, user).sms_enabled is True  # nothing changed


def test_every_field_is_required_and_typed(api, make_user, api_token):
    token = api_token(make_user())
    response = api.call("PUT", "/me/channels", token=token, json={"sms": "often", "email": "a@b.cn"})

    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"sms", "push", "urgent_in_quiet_hours"}


@pytest.mark.parametrize("address", ["13800000000@qq.com", "li.wei@mail.sz.gov.cn", "shop@example.xn--fiqs8s"])
def test_addresses_people_use_are_accepted(app, address):
    with app.app_context():
        assert check_email(f"  {address} ") == address


def test_a_test_message_goes_over_every_chosen_channel(app, api, make_user, api_token):
    user = make_user(email="li@example.org", quiet_start_min=None, quiet_end_min=None)
    token = api_token(user)

    response = api.post("/me/channels/test", token=token)
    drain(app)

    assert response.status_code == 202
    with app.app_context():
        note = db.session.get(Notification, response.json["notification_id"])
        assert (note.user_id, note.kind) == (user.id, "channel_test")
        sent = {d.channel: d.status for d in db.session.execute(sa.select(Delivery)).scalars() if d.channel != "push"}
        messages = {(m.channel, m.to) for m in db.session.execute(sa.select(DevMessage)).scalars()}
    assert sent == {"sms": "sent", "email": "sent"}
    assert messages == {("sms", user.phone), ("email", "li@example.org")}


def test_a_channel_switched_off_carries_no_test_message(app, api, make_user, api_token):
    user = make_user(quiet_start_min=None, quiet_end_min=None)
    token = api_token(user)
    api.call("PUT", "/me/channels", token=token, json={**SETTINGS, "email": None})

    api.post("/me/channels/test", token=token)
    drain(app)

    with app.app_context():
        sent = {
            d.channel: (d.status, d.reason)
            for d in db.session.execute(sa.select(Delivery)).scalars()
            if d.channel != "push"  # push (when the site has a VAPID key) has no browser subscribed here
        }
        assert db.session.execute(sa.select(DevMessage)).first() is None
    assert sent == {"sms": ("suppressed", "opted_out"), "email": ("suppressed", "no_email")}


def test_test_messages_are_limited_per_person(api, make_user, api_token):
    token = api_token(make_user())
    statuses = [api.post("/me/channels/test", token=token).status_code for _ in range(4)]

    assert statuses == [202, 202, 202, 429]
    refused = api.post("/me/channels/test", token=token)
    assert refused.json["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert api.post("/me/channels/test", token=api_token(make_user())).status_code == 202  # someone else may


def test_the_channels_page_saves_the_same_settings(app, client, login, make_user):
    user = make_user()
    english(login(user))
    page = client.get("/me/channels").get_data(as_text=True)
    assert "is verified" in page and "{% include" not in page

    response = client.post(
        "/me/channels",
        data={"push": "y", "email": "wang@example.org", "urgent_in_quiet_hours": "y", "csrf_token": csrf_token(client)},
    )

    assert response.status_code == 302
    saved = stored(app, user)
    assert (saved.sms_enabled, saved.push_enabled, saved.email, saved.urgent_in_quiet_hours) == (
        False,
        True,
        "wang@example.org",
        True,
    )


def test_the_channels_page_shows_a_wrong_address_next_to_its_field(app, client, login, make_user):
    user = make_user()
    english(login(user))

    response = client.post(
        "/me/channels", data={"sms": "y", "email": "wang@example", "csrf_token": csrf_token(client, "/me/channels")}
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter an e-mail address like name@example.com." in page and 'href="#email"' in page
    assert stored(app, user).email is None


def test_an_unverified_number_is_named_on_the_page(client, login, make_user):
    english(login(make_user(phone_verified_at=None)))

    page = client.get("/me/channels").get_data(as_text=True)

    assert "is not verified yet: no SMS is sent to it" in page


def test_the_page_sends_a_test_message_and_shows_how_it_went(app, client, login, make_user):
    user = make_user(quiet_start_min=None, quiet_end_min=None)
    english(login(user))

    response = client.post("/me/channels/test", data={"csrf_token": csrf_token(client, "/me/channels")})
    assert response.status_code == 302
    drain(app)

    page = client.get("/me/channels").get_data(as_text=True)
    assert "Last test:" in page
    assert "SMS: sent" in page and "E-mail: not sent (no e-mail address)" in page
    with app.app_context():
        assert db.session.execute(sa.select(DevMessage.to)).scalar_one() == user.phone


def test_the_profile_page_links_to_the_channels(client, login, make_user):
    english(login(make_user()))

    assert 'href="/me/channels"' in client.get("/me").get_data(as_text=True)


def test_the_page_says_when_the_test_messages_are_used_up(app, client, login, make_user):
    english(login(make_user(email="wang@example.org")))
    token = csrf_token(client, "/me/channels")
    for _ in range(3):
        assert client.post("/me/channels/test", data={"csrf_token": token}).status_code == 302

    response = client.post("/me/channels/test", data={"csrf_token": token})

    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 3600
    page = response.get_data(as_text=True)
    assert "You sent several test messages already." in page
    assert 'value="wang@example.org"' in page  # the saved settings, not the button's empty form


def test_the_push_widget_has_its_place_when_the_site_can_push(app, client, login, make_user, monkeypatch):
    english(login(make_user()))
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "")
    assert "This phone" not in client.get("/me/channels").get_data(as_text=True)

    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "a-key")

    assert "This phone" in client.get("/me/channels").get_data(as_text=True)


def test_the_test_message_reads_in_both_languages(app):
    from flask_babel import force_locale

    from volunteer_hub.notifications.texts import EMAIL_KINDS, render

    note = Notification(kind="channel_test", params={})
    with app.app_context():
        with force_locale("zh"):
            assert render(note) == "这是志愿服务平台的测试消息。能看到它，说明这个渠道可以联系到你。"
        with force_locale("en"):
            assert render(note).startswith("This is a test message from Volunteer Hub.")
    assert "channel_test" in EMAIL_KINDS  # it tests the e-mail address too
