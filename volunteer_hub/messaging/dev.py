"""The development senders: nothing leaves the machine; each message is kept in dev_messages and listed at
/dev/messages, so `make run` works offline and a newcomer can read the code a registration sends."""

import secrets

import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage

KEEP = 500  # the newest messages kept; older ones are dropped as new ones arrive


def keep(channel: str, to: str, text: str) -> str:
    """Store one message in its own transaction (a sender never commits its caller's work); returns its id."""
    with db.engine.begin() as connection:
        row_id = connection.execute(
            sa.insert(DevMessage).values(channel=channel, to=to, text=text).returning(DevMessage.id)
        ).scalar_one()
        connection.execute(sa.delete(DevMessage).where(DevMessage.id <= row_id - KEEP))
    return f"dev-{row_id}-{secrets.token_hex(4)}"


def recent(limit: int = 100) -> list[DevMessage]:
    return list(db.session.execute(sa.select(DevMessage).order_by(DevMessage.id.desc()).limit(limit)).scalars())


class DevSmsSender:
    """SMS_SENDER=dev: keeps the text the template would produce instead of calling a provider."""

    name = "dev"

    def send(self, phone: str, template: str, params: dict[str, str], *, text: str, out_id: str) -> str:
        return keep("sms", phone, text)

    def receipts(self, sent: list) -> list:
        return []  # nothing leaves the machine: no phone reports back


class DevEmailSender:
    """EMAIL_SENDER=dev: keeps the subject and body instead of talking to an SMTP server."""

    name = "dev"

    def send(self, to: str, subject: str, body: str, *, message_id: str) -> str:
        return keep("email", to, f"{subject}\n\n{body}")
