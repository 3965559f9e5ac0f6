"""RQ entry points for notifications: plan each notification's outside deliveries, send each one, release the
ones whose wait is over."""

from volunteer_hub.notifications import receipts, services
from volunteer_hub.schedule import recurring


def plan_deliveries(notification_ids: list[int]) -> None:
    """Write the delivery records of new notifications and hand the due ones to send_delivery."""
    services.plan(notification_ids)


def send_delivery(delivery_id: int) -> None:
    """Send one delivery record over its channel (at most once; see services.send)."""
    services.send(delivery_id)


@recurring(seconds=30)
def release_due_deliveries() -> None:
    """Recurring: deliveries past quiet hours or a retry's back-off go out; stuck ones are closed."""
    services.release_due()


@recurring(seconds=60)
def poll_sms_receipts() -> None:
    """Recurring: the SMS provider's delivery reports move sent messages to delivered or failed."""
    receipts.poll_sms()
