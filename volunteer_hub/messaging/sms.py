"""The SMS sender chosen by SMS_SENDER (dev, aliyun or tencent) and the template of each message kind.

Chinese SMS goes out only under a registered signature (SMS_SIGN_NAME) and pre-approved templates: the app names a
template code (SMS_TEMPLATES maps a message kind to one) and sends its variables, never free text. ``text`` is the
message as the reader would see it, for the development sender and the logs; real senders do not send it.

A template value may name its variables after the code, separated by "/": ``SMS_123/task/time`` sends only
``task`` and ``time``. Alibaba Cloud's templates name their variables (``${task}``), so the order does not matter
there; Tencent Cloud's are numbered (``{1}``, ``{2}``...) and get the variables in the order listed, or without a
list in the fixed order of ``VARIABLES`` (a notice: task, time, link; a code: code).
"""

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import current_app

CODE_KIND = "verification_code"  # the template of login and registration codes (variable: code)
# Every variable a template may use, in the order numbered templates (Tencent Cloud) receive them by default.
VARIABLES = ("code", "task", "time", "link")
SENDERS = {
    "dev": "volunteer_hub.messaging.dev.DevSmsSender",
    "aliyun": "volunteer_hub.messaging.aliyun.AliyunSmsSender",
    "tencent": "volunteer_hub.messaging.tencent.TencentSmsSender",
}


@dataclass(frozen=True)
class SentSms:
    """A message a provider accepted, whose receipt is awaited."""

    phone: str
    provider_id: str
    out_id: str
    sent_at: datetime


@dataclass(frozen=True)
class Receipt:
    """What a provider reported about a message it accepted: delivered to the phone, or not (with its code)."""

    provider_id: str
    delivered: bool
    error: str | None = None


class SmsSender(Protocol):
    name: str

    def send(self, phone: str, template: str, params: dict[str, str], *, text: str, out_id: str) -> str:
        """Send one SMS to an E.164 number; returns the provider's message id. ``out_id`` is ours (the delivery
        record's id), handed to the provider so that its receipts name it. Raises messaging.errors.SendFailed."""
        ...

    def receipts(self, sent: list[SentSms]) -> list[Receipt]:
        """Delivery reports the provider has for these accepted messages (those it has no final word on are left
        out). A provider with a queue of reports (Tencent Cloud) returns what the queue holds. Raises SendFailed."""
        ...


def sender() -> SmsSender:
    return _build(SENDERS[current_app.config["SMS_SENDER"]])


def template_for(kind: str) -> str | None:
    """The provider's template code for a message kind, from SMS_TEMPLATES ("kind:code,..."). The development
    sender needs none (it shows the text), so there every kind has one; a real sender without a template for a
    kind does not send it by SMS."""
    code = current_app.config["SMS_TEMPLATES"].get(kind)
    if code is None and current_app.config["SMS_SENDER"] == "dev":
        return f"dev:{kind}"
    return code


def _build(path: str):
    module, _, cls = path.rpartition(".")
    return getattr(importlib.import_module(module), cls)()


def split_template(template: str, params: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """The provider's template code and the (name, value) pairs to send, in order: the names listed after the code
    ("SMS_123/task/time"), else every variable given, in the order of VARIABLES."""
    code, *names = (part.strip() for part in template.split("/"))
    if not names:
        names = [name for name in VARIABLES if name in params]
        names += [name for name in params if name not in names]
    return code, [(name, params.get(name, "")) for name in names]


def endpoint(value: str) -> tuple[str, str]:
    """("https", host) for a bare host name; a URL ("http://127.0.0.1:8080", for a stand-in) keeps its scheme."""
    scheme, sep, rest = value.partition("://")
    return (scheme, rest.rstrip("/")) if sep else ("https", value.rstrip("/"))
