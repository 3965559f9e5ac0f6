"""RQ entry points for service hours."""

from volunteer_hub.hours import services
from volunteer_hub.schedule import recurring


@recurring(seconds=3600)
def remind_unconfirmed_hours() -> None:
    """Recurring: remind organizers of hours still unconfirmed 7 and 9 working days after a shift."""
    services.remind_unconfirmed()
