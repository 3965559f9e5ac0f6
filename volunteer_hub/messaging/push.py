"""Web Push (W3C Push API): the payload is encrypted for the browser (RFC 8291, aes128gcm) and signed with the
application server's VAPID key (RFC 8292) by pywebpush, then posted to the browser's push service."""

import json

import requests
from flask import current_app
from pywebpush import WebPushException, webpush

from volunteer_hub.messaging.errors import Gone, Permanent, Retryable

TTL_S = 12 * 3600  # a push service keeps an undelivered message this long (a phone off for the night)


def send(info: dict, payload: dict, *, urgent: bool = False, topic: str | None = None) -> None:
    """Post ``payload`` (JSON) to one subscription ``{"endpoint", "keys": {"p256dh", "auth"}}``. A ``topic``
    makes the push service replace an undelivered message with the same topic instead of showing both."""
    config = current_app.config
    headers = {"Urgency": "high" if urgent else "normal"}
    if topic:
        headers["Topic"] = topic
    try:
        webpush(
            subscription_info=info,
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=config["VAPID_PRIVATE_KEY"],
            vapid_claims={"sub": config["VAPID_SUBJECT"]},
            ttl=TTL_S,
            headers=headers,
            timeout=config["PUSH_TIMEOUT_S"],
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            raise Gone(f"push subscription gone ({status})", code=str(status)) from None
        if status is None or status == 429 or status >= 500:
            raise Retryable(f"push service answered {status}", code=str(status or "")) from None
        raise Permanent(f"push service refused the message ({status})", code=str(status)) from None
    except requests.RequestException as exc:
        raise Retryable(f"push service unreachable: {exc.__class__.__name__}") from None
