"""Delivery receipts by polling: the SMS provider is asked what became of the messages it accepted, and each
answer moves its delivery record from sent to delivered (or failed, with the provider's code)."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer_hub.accounts.models import User
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging import sms
from volunteer_hub.messaging.errors import SendFailed
from volunteer_hub.notifications.models import Delivery
from volunteer_hub.notifications.services import record_receipt

BATCH = 500  # messages asked about per run; the oldest first, so none waits for ever behind newer ones
log = logging.getLogger(__name__)


def poll_sms(limit: int = BATCH) -> int:
    """Ask the SMS provider about the messages it accepted within SMS_RECEIPTS_WITHIN_H and record its answers;
    returns how many delivery records changed. A provider that does not answer is asked again next time."""
    since = now() - timedelta(hours=current_app.config["SMS_RECEIPTS_WITHIN_H"])
    rows = db.session.execute(
        sa.select(Delivery.id, Delivery.provider_id, Delivery.sent_at, User.phone)
        .join(User, User.id == Delivery.user_id)
        .where(
            Delivery.channel == "sms",
            Delivery.status == "sent",
            Delivery.provider_id.is_not(None),
            Delivery.sent_at >= since,
        )
        .order_by(Delivery.sent_at)
        .limit(limit)
    ).all()
    db.session.commit()  # no transaction stays open during the provider's calls
    if not rows:
        return 0
    sent = [sms.SentSms(row.phone, row.provider_id, f"d{row.id}", row.sent_at) for row in rows]
    try:
        receipts = sms.sender().receipts(sent)
    except SendFailed as exc:
        log.warning("SMS receipts: %s", exc)
        return 0
    return sum(record_receipt("sms", r.provider_id, delivered=r.delivered, error=r.error) for r in receipts)
