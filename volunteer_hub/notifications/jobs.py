"""RQ entry points for notifications."""

from volunteer_hub.notifications import services


def deliver_notification(notification_id: int) -> None:
    """Send a notification over every configured channel that has not delivered it yet."""
    services.deliver(notification_id)
