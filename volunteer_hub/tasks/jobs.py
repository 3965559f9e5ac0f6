"""RQ entry points for tasks."""

from volunteer_hub.schedule import recurring
from volunteer_hub.tasks import geocoding, upkeep


def geocode_task(task_id: int) -> None:
    """Look up the point of an address-only task, then match it to volunteers."""
    geocoding.geocode_task(task_id)


@recurring(seconds=3600)
def close_expired_tasks() -> None:
    """Recurring, hourly: store 'completed' on tasks whose shifts have all ended."""
    upkeep.close_expired_tasks()


@recurring(seconds=600)
def alert_underfilled() -> None:
    """Recurring: warn organizers of shifts still short of people before they start."""
    upkeep.alert_underfilled()
