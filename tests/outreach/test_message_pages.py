"""The organizer writes a message from the roster, sees its counts, and the volunteer taps 收到 in the inbox."""

import re

from tests.conftest import csrf_token, english
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db


def _person(app, name):
    with app.app_context():
        user = db.session.query(User).filter_by(name=name).one()
        db.session.expunge(user)
        return user


def test_an_organizer_messages_a_shift_from_its_roster_and_sees_who_has_not_acknowledged(
    app, client, new_client, login, staffed
):
    english(client)
    login(_person(app, "王书记"))
    roster = client.get(f"/org/shifts/{staffed['shift_id']}/roster").get_data(as_text=True)
    compose = f"/org/shifts/{staffed['shift_id']}/messages/new"
    assert compose in roster

    empty = client.post(compose, data={"text": " ", "csrf_token": csrf_token(client, compose)})
    sent = client.post(compose, data={"text": "七点东门集合", "csrf_token": csrf_token(client, compose)})

    assert empty.status_code == 200 and "Write the message." in empty.get_data(as_text=True)
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "七点东门集合" in page and "Not acknowledged yet" in page and "甲" in page and "乙" in page

    volunteer = login(_person(app, "甲"), new_client())
    inbox = volunteer.get("/me/notifications").get_data(as_text=True)
    (ack,) = re.findall(r'action="(/me/notifications/\d+/ack)"', inbox)
    assert volunteer.post(ack, data={"csrf_token": csrf_token(volunteer, "/me/notifications")}).status_code == 302
    assert "Acknowledged" in volunteer.get("/me/notifications").get_data(as_text=True)

    after = client.get(sent.headers["Location"]).get_data(as_text=True)
    pending = after.split("Not acknowledged yet", 1)[1]
    assert "乙" in pending and "甲" not in pending


def test_a_volunteer_cannot_open_the_message_form(app, client, login, staffed):
    login(_person(app, "甲"))

    assert client.get(f"/org/shifts/{staffed['shift_id']}/messages/new").status_code == 403
