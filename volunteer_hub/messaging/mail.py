"""The e-mail sender chosen by EMAIL_SENDER: dev (kept and listed at /dev/messages), smtp, or none (no e-mail)."""

import importlib
from typing import Protocol

from flask import current_app

SENDERS = {
    "dev": "volunteer_hub.messaging.dev.DevEmailSender",
    "smtp": "volunteer_hub.messaging.smtp.SmtpSender",
}


class EmailSender(Protocol):
    name: str

    def send(self, to: str, subject: str, body: str, *, message_id: str) -> str:
        """Send a plain-text e-mail; returns the Message-ID. Raises messaging.errors.SendFailed."""
        ...


def enabled() -> bool:
    return current_app.config["EMAIL_SENDER"] in SENDERS


def sender() -> EmailSender:
    module, _, cls = SENDERS[current_app.config["EMAIL_SENDER"]].rpartition(".")
    return getattr(importlib.import_module(module), cls)()
