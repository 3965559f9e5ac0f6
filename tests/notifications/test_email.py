"""E-mail reaches organizers and reviewers over SMTP: each test talks to a real SMTP server on 127.0.0.1."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from tests.notifications.conftest import drain, serve_smtp
from volunteer_hub.config import MissingSetting, choose_senders
from volunteer_hub.extensions import db
from volunteer_hub.messaging.errors import Permanent, Retryable
from volunteer_hub.messaging.smtp import SmtpSender
from volunteer_hub.notifications.models import Delivery
from volunteer_hub.tasks import upkeep


def deliveries(app, channel="email"):
    with app.app_context():
        return list(db.session.execute(sa.select(Delivery).where(Delivery.channel == channel)).scalars())


@pytest.fixture
def underfilled(app, make_org, make_user, grant, make_task):
    """An organizer with an e-mail address and a shift six hours away that still needs three people; alert()
    runs the recurring under-filled check."""
    community = make_org()
    organizer = make_user("王书记", email="wang@example.org", quiet_start_min=None, quiet_end_min=None)
    grant(organizer, community)
    make_task(community, shifts=[(timedelta(hours=6), 4, 3)], title="东门卡口值守")

    def alert():
        with app.app_context():
            upkeep.alert_underfilled()
        return organizer

    return alert


def test_an_organizer_receives_an_underfilled_alert_by_email_in_utf8(app, smtp_server, underfilled):
    organizer = underfilled()

    drain(app)

    (envelope,) = smtp_server.envelopes
    assert envelope.mail_from == "noreply@hub.example.org"
    assert envelope.rcpt_tos == ["wang@example.org"]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["To"] == "wang@example.org"
    assert message["Subject"].startswith("志愿服务平台：“东门卡口值守”")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "“东门卡口值守”" in body and "还差 3 人" in body
    assert "/tasks/" in body  # the link to the task
    assert body.rstrip().endswith("如不想再收到，请在这里删除：http://127.0.0.1:5000/me/channels")  # how to stop
    (delivery,) = deliveries(app)
    assert delivery.status == "sent" and delivery.user_id == organizer.id
    assert message["Message-ID"] == delivery.provider_id
    assert re.fullmatch(rf"<d{delivery.id}\.[0-9a-f]{{8}}@hub\.example\.org>", delivery.provider_id)


def test_a_volunteer_notification_is_not_emailed(app, smtp_server, make_user, make_task, api, api_token):
    """E-mail is for organizers' business: a volunteer's own notices go by SMS, push and the inbox only."""
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)]).shifts[0].id
    holder = api_token(make_user())
    waiter = make_user(email="li@example.org", quiet_start_min=None, quiet_end_min=None)
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter))
    api.delete(f"/claims/{held['id']}", token=holder)  # the waiter is promoted and told

    drain(app)

    assert smtp_server.envelopes == []
    assert [(d.status, d.reason) for d in deliveries(app)] == [("suppressed", "not_for_email")]


def test_without_an_address_nothing_is_emailed(app, smtp_server, make_org, make_user, grant, make_task):
    community = make_org()
    grant(make_user("王书记", quiet_start_min=None, quiet_end_min=None), community)
    make_task(community, shifts=[(timedelta(hours=6), 4, 3)])
    with app.app_context():
        upkeep.alert_underfilled()

    drain(app)

    assert smtp_server.envelopes == []
    assert [(d.status, d.reason) for d in deliveries(app)] == [("suppressed", "no_email")]


def test_a_recipient_refused_for_now_is_retried_later(app, smtp_server, underfilled):
    smtp_server.rcpt_reply = "450 4.2.1 Mailbox busy, try again later"
    underfilled()

    drain(app)

    (delivery,) = deliveries(app)
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.not_before is not None and delivery.last_error.startswith("450")
    assert smtp_server.envelopes == []


def test_a_recipient_refused_for_good_fails_without_retry(app, smtp_server, underfilled):
    smtp_server.rcpt_reply = "550 5.1.1 No such user here"
    underfilled()

    drain(app)

    (delivery,) = deliveries(app)
    assert (delivery.status, delivery.not_before) == ("failed", None)
    assert delivery.last_error.startswith("550") and "No such user" in delivery.last_error


@pytest.mark.parametrize(
    ("reply", "error"), [("451 4.3.0 Try later", Retryable), ("554 5.7.1 Relay denied", Permanent)]
)
def test_smtp_answers_map_to_retryable_or_permanent(app, smtp_server, reply, error):
    smtp_server.rcpt_reply = reply
    with app.test_request_context(), pytest.raises(error) as raised:
        SmtpSender().send("x@example.org", "主题", "正文", message_id="d1")
    assert raised.value.code == reply[:3]


def test_a_server_too_slow_to_answer_is_retryable(app, smtp_server, monkeypatch):
    smtp_server.data_delay_s = 1.5
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT_S", 0.3)
    with app.test_request_context(), pytest.raises(Retryable, match=r"timed out|Timeout"):
        SmtpSender().send("x@example.org", "主题", "正文", message_id="d1")


def test_a_server_that_is_down_is_retryable(app, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "MAIL_FROM", "noreply@hub.example.org")
    with app.test_request_context(), pytest.raises(Retryable, match="unreachable"):
        SmtpSender().send("x@example.org", "主题", "正文", message_id="d1")


def test_the_same_delivery_keeps_its_message_id_across_tries(app, smtp_server):
    with app.test_request_context():
        first = SmtpSender().send("x@example.org", "主题", "正文", message_id="d7")
        second = SmtpSender().send("x@example.org", "主题", "正文", message_id="d7")
        other = SmtpSender().send("x@example.org", "主题", "正文", message_id="d8")
    assert first == second != other


@pytest.mark.parametrize("missing", ["SMTP_HOST", "MAIL_FROM"])
def test_smtp_without_a_server_or_sender_refuses_to_start(missing):
    config = {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db",
        "EMAIL_SENDER": "smtp",
        "SMTP_HOST": "smtp.example.org",
        "MAIL_FROM": "noreply@example.org",
        "SMTP_SECURITY": "starttls",
    }
    config[missing] = ""
    with pytest.raises(MissingSetting, match=missing):
        choose_senders(config)


def test_starttls_and_login_carry_the_message(app, tls_smtp_server):
    with app.test_request_context():
        SmtpSender().send("wang@example.org", "主题", "正文", message_id="d3")

    (envelope,) = tls_smtp_server.envelopes
    assert envelope.rcpt_tos == ["wang@example.org"]


def test_a_wrong_password_is_retried_not_dropped(app, tls_smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "wrong")
    with app.test_request_context(), pytest.raises(Retryable, match="login refused") as raised:
        SmtpSender().send("wang@example.org", "主题", "正文", message_id="d3")
    assert raised.value.code == "535" and tls_smtp_server.envelopes == []


def test_a_certificate_the_client_does_not_trust_is_refused(app, tls_smtp_server, monkeypatch, tmp_path):
    """Without the test's CA the server's certificate cannot be verified: nothing is sent (and it is retried)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with app.test_request_context(), pytest.raises(Retryable, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        SmtpSender().send("wang@example.org", "主题", "正文", message_id="d3")
    assert tls_smtp_server.envelopes == []


def test_implicit_tls_carries_the_message(app, monkeypatch, server_tls):
    with serve_smtp(app, monkeypatch, "ssl", ssl_context=server_tls) as handler, app.test_request_context():
        SmtpSender().send("wang@example.org", "主题", "正文", message_id="d4")

    assert [e.rcpt_tos for e in handler.envelopes] == [["wang@example.org"]]
