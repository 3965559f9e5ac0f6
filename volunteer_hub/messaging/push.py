"""Web Push (W3C Push API): the payload is encrypted for the browser (RFC 8291, aes128gcm) and signed with the
application server's VAPID key (RFC 8292) by pywebpush, then posted to the browser's push service."""

import base64
import json
import re

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from pywebpush import WebPushException, webpush

from volunteer_hub.messaging.errors import Gone, Permanent, Retryable

TTL_S = 12 * 3600  # a push service keeps an undelivered message this long (a phone off for the night)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding; raises ValueError on anything else."""
    text = text.strip().rstrip("=")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_private_key() -> str:
    """A new VAPID private key: a P-256 scalar as raw base64url (what pywebpush and `vapid` read)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key given as PEM (`vapid --gen`'s private_key.pem), or base64url of the raw scalar or DER."""
    if text.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.strip().encode(), password=None)
    else:
        raw = b64url_decode(text)
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not a P-256 key")
    return key


def normalise_private_key(text: str) -> str:
    """The configured key in the one form ``send`` passes on: raw base64url. Raises ValueError if it is not one."""
    return b64url(_load_private_key(text).private_numbers().private_value.to_bytes(32, "big"))


def public_key_for(private: str) -> str:
    """The public half as browsers take it for ``applicationServerKey``: the uncompressed point, base64url."""
    point = _load_private_key(private).public_key()
    return b64url(point.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


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
