"""Fixtures for the outside channels: the site's VAPID key pair and a browser's subscription keys (Web Push), a
real SMTP server on 127.0.0.1 (aiosmtpd), and a way to run the outbox."""

import asyncio
import contextlib
import datetime
import ipaddress
import json
import os
import socket
import ssl

import http_ece
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from volunteer_hub.extensions import db
from volunteer_hub.messaging.push import b64url, new_private_key, public_key_for
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


@contextlib.contextmanager
def serve_smtp(app, monkeypatch, security="none", *, settings=None, **server_options):
    """Run an SMTP server on 127.0.0.1 with a KeepingHandler (yielded) and point the app's SMTP settings at it."""
    handler, port = KeepingHandler(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **server_options)
    controller.start()
    configured = {
        "EMAIL_SENDER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": security,
        "MAIL_FROM": MAIL_FROM,
        "SMTP_TIMEOUT_S": 5.0,
        **(settings or {}),
    }
    for name, value in configured.items():
        monkeypatch.setitem(app.config, name, value)
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _email_kept(app, monkeypatch):
    """E-mail on, with the development sender, whatever the database (off SQLite it defaults to none);
    the SMTP fixtures switch to SMTP."""
    monkeypatch.setitem(app.config, "EMAIL_SENDER", "dev")


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1, and the app set to send e-mail to it (EMAIL_SENDER=smtp, no TLS)."""
    with serve_smtp(app, monkeypatch) as handler:
        yield handler


@pytest.fixture
def server_tls(monkeypatch, tmp_path) -> ssl.SSLContext:
    """A TLS context for a server on 127.0.0.1 with a self-signed certificate that the client trusts
    (SSL_CERT_FILE, read by ssl.create_default_context())."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "smtp-cert.pem", tmp_path / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def _hub_secret(server, session, envelope, mechanism, auth_data):
    # handled=False: aiosmtpd answers 235 or 535 itself
    return AuthResult(success=(auth_data.login, auth_data.password) == (b"hub", b"secret"), handled=False)


@pytest.fixture
def tls_smtp_server(app, monkeypatch, server_tls):
    """A real SMTP server on 127.0.0.1 that requires STARTTLS and a login (hub / secret), the app set to use it."""
    with serve_smtp(
        app,
        monkeypatch,
        "starttls",
        settings={"SMTP_USERNAME": "hub", "SMTP_PASSWORD": "secret"},
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_hub_secret,
    ) as handler:
        yield handler


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
