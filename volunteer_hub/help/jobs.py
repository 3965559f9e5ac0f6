"""RQ entry points of requests for help."""

from volunteer_hub.help import services
from volunteer_hub.schedule import recurring


@recurring(seconds=3600)
def close_finished_requests() -> None:
    """Recurring, hourly: store 'completed' (or 'cancelled') on accepted requests whose task ended (pages show
    it at once anyway)."""
    services.close_finished_requests()
