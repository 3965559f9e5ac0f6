"""Fixtures for the outside channels: a real SMTP server on 127.0.0.1 (aiosmtpd) and a way to run the outbox."""

import asyncio
import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from volunteer_hub.extensions import db
from volunteer_hub.outbox.jobs import run_event
from volunteer_hub.outbox.models import OutboxEvent

MAIL_FROM = "志愿汇 <noreply@hub.example.org>"


class KeepingHandler:
    """An SMTP server's handler that keeps every message it accepts. ``rcpt_reply`` (e.g. "550 5.1.1 No such
    user") refuses recipients; ``data_delay_s`` answers the message that much later (a slow server)."""

    def __init__(self):
        self.envelopes = []
        self.rcpt_reply: str | None = None
        self.data_delay_s = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay_s:
            await asyncio.sleep(self.data_delay_s)
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1, and the app set to send e-mail to it (EMAIL_SENDER=smtp, no TLS)."""
    handler = KeepingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {
        "EMAIL_SENDER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "MAIL_FROM": MAIL_FROM,
        "SMTP_TIMEOUT_S": 5.0,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    yield handler
    controller.stop()


def drain(app, rounds: int = 5) -> None:
    """Run every outbox event not yet done, in order, as a worker would (plans, then sends)."""
    with app.app_context():
        for _ in range(rounds):
            pending = list(
                db.session.execute(
                    sa.select(OutboxEvent.id).where(OutboxEvent.done_at.is_(None)).order_by(OutboxEvent.id)
                ).scalars()
            )
            if not pending:
                return
            for event_id in pending:
                run_event(event_id)
