"""Channels beyond the in-app inbox. A deployment plugs in SMS, WeChat template messages or e-mail by
naming sender classes in NOTIFICATION_SENDERS; the default only logs, so nothing leaves the machine."""

import importlib
import logging
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Deliver one notification's text to one user; raise to report a failed attempt."""

    channel: str

    def send(self, user, text: str, *, notification_id: int) -> None: ...


class LoggingSender:
    """Writes the message to the log instead of sending it (the default; no personal data beyond a user id)."""

    channel = "log"

    def send(self, user, text: str, *, notification_id: int) -> None:
        log.info("notification %s for user %s: %s", notification_id, user.id, text)


def senders() -> list[Sender]:
    """The configured senders, e.g. NOTIFICATION_SENDERS="volunteer_hub.notifications.channels.LoggingSender"."""
    names = [n.strip() for n in current_app.config["NOTIFICATION_SENDERS"].split(",") if n.strip()]
    built = []
    for name in names:
        module, _, cls = name.rpartition(".")
        built.append(getattr(importlib.import_module(module), cls)())
    return built
