"""RQ entry points for attendance."""

from volunteer_hub.attendance import services
from volunteer_hub.schedule import recurring


@recurring(seconds=300)
def mark_no_shows() -> None:
    """Recurring: confirmed volunteers who never checked in become no-shows after their shift ended."""
    services.mark_no_shows()
