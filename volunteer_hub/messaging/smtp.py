"""EMAIL_SENDER=smtp: plain-text e-mail over SMTP with the standard library (smtplib, email.message).

Settings (config.py): SMTP_HOST, SMTP_PORT (0: 587 for starttls, 465 for ssl, 25 for none), SMTP_SECURITY
(starttls | ssl | none), SMTP_USERNAME and SMTP_PASSWORD (login only when a username is set), MAIL_FROM
("Volunteer Hub <noreply@example.org>") and SMTP_TIMEOUT_S. One connection per message: e-mail goes to
organizers and reviewers, a few messages an hour, so a pool would only add state.
"""

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app

from volunteer_hub.messaging.errors import Permanent, Retryable

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def make_message_id(out_id: str, mail_from: str, secret: str) -> str:
    """An RFC 5322 Message-ID for a delivery: ``<d12.3f9a0c1b@example.org>``. The same delivery always gets the
    same id (a retry after a lost answer is recognisable as the same message); the short hash of the secret key
    keeps two deployments, or a database started afresh with a new key, from reusing another's ids."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    salt = hashlib.sha256(f"message-id:{secret}".encode()).hexdigest()[:8]
    return f"<{out_id}.{salt}@{domain}>"


def build(to: str, subject: str, body: str, *, mail_from: str, msg_id: str) -> EmailMessage:
    """The message as sent: UTF-8 plain text; the subject is RFC 2047-encoded when it is not ASCII."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders do not answer it
    message.set_content(body, charset="utf-8")
    return message


class SmtpSender:
    """Sends each message in its own SMTP session and maps SMTP's answers to Retryable (4xx, a dropped
    connection, a timeout) or Permanent (5xx: the address or the message is refused)."""

    name = "smtp"

    def __init__(self):
        config = current_app.config
        self.host = config["SMTP_HOST"]
        self.security = config["SMTP_SECURITY"]
        self.port = config["SMTP_PORT"] or DEFAULT_PORTS[self.security]
        self.username, self.password = config["SMTP_USERNAME"], config["SMTP_PASSWORD"]
        self.mail_from = config["MAIL_FROM"]
        self.timeout = config["SMTP_TIMEOUT_S"]
        self.secret = config["SECRET_KEY"]

    def send(self, to: str, subject: str, body: str, *, message_id: str) -> str:
        """Send one message; ``message_id`` is the delivery's out-id (``d12``). Returns the Message-ID header."""
        msg_id = make_message_id(message_id, self.mail_from, self.secret)
        message = build(to, subject, body, mail_from=self.mail_from, msg_id=msg_id)
        try:
            with self._connect() as session:
                if self.username:
                    session.login(self.username, self.password)
                session.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()))
            raise _by_code(code, f"recipient refused: {_text(answer)}") from None
        except smtplib.SMTPAuthenticationError as exc:
            # A wrong password is the operator's to fix: retried (a few times) rather than dropped at once.
            raise Retryable(f"SMTP login refused: {_text(exc.smtp_error)}", code=str(exc.smtp_code)) from None
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, _text(exc.smtp_error)) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise Permanent(f"the SMTP server does not support {self.security}: {exc}", code="unsupported") from None
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, refused, timed out, TLS failure
            raise Retryable(f"SMTP server unreachable: {exc.__class__.__name__}: {exc}", code="connection") from None
        return msg_id

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        session = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                session.starttls(context=ssl.create_default_context())
            except BaseException:
                session.close()
                raise
        return session


def _by_code(code: int, text: str) -> Retryable | Permanent:
    """4xx: try again later (greylisting, a full mailbox, throttling); 5xx: refused for good."""
    if 400 <= code < 500:
        return Retryable(f"SMTP {code}: {text}", code=str(code))
    return Permanent(f"SMTP {code}: {text}", code=str(code))


def _text(answer) -> str:
    return (answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer))[:300]
