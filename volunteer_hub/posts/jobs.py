"""RQ entry points of posts: thin, call the services."""

from volunteer_hub.posts import services
from volunteer_hub.schedule import recurring


@recurring(seconds=60)
def raise_relief_alarms() -> None:
    """Recurring: alarm shifts under way short of check-ins (once each), clear those the late check-ins filled."""
    services.raise_relief_alarms()
