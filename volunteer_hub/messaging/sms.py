"""The SMS sender chosen by SMS_SENDER (dev, aliyun or tencent) and the template of each message kind.

Chinese SMS goes out only under a registered signature (SMS_SIGN_NAME) and pre-approved templates: the app names a
template code (SMS_TEMPLATES maps a message kind to one) and sends its variables, never free text. ``text`` is the
message as the reader would see it, for the development sender and the logs; real senders do not send it.
"""

import importlib
from typing import Protocol

from flask import current_app

CODE_KIND = "verification_code"  # the template of login and registration codes (variable: code)
SENDERS = {
    "dev": "volunteer_hub.messaging.dev.DevSmsSender",
    "aliyun": "volunteer_hub.messaging.aliyun.AliyunSmsSender",
    "tencent": "volunteer_hub.messaging.tencent.TencentSmsSender",
}


class SmsSender(Protocol):
    name: str

    def send(self, phone: str, template: str, params: dict[str, str], *, text: str, out_id: str) -> str:
        """Send one SMS to an E.164 number; returns the provider's message id. ``out_id`` is ours (the delivery
        record's id), handed to the provider so that its receipts name it. Raises messaging.errors.SendFailed."""
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
