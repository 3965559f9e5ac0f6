"""Web Push fixtures: the site's VAPID key pair, and a browser's subscription keys."""

import json
import os

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from volunteer_hub.messaging.push import b64url, new_private_key, public_key_for


class Browser:
    """The keys a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.keys = {"p256dh": b64url(point), "auth": b64url(self.auth)}

    def decrypt(self, body: bytes) -> dict:
        """What the browser does with a push message: decrypt it (RFC 8291) with its private key and auth secret."""
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def vapid(app, monkeypatch):
    """Push on: the site's key pair in the config (as VAPID_PRIVATE_KEY in the environment gives); the public key."""
    private = new_private_key()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public_key_for(private))
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", "mailto:ops@example.org")
    return public_key_for(private)
