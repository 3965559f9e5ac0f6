"""RQ entry points of matching: thin, take ids, call the services."""

from volunteer_hub.matching import services
from volunteer_hub.schedule import recurring


def match_task(task_id: int) -> None:
    """Tell the best-fitting nearby volunteers about a new or grown task (never the same one twice)."""
    services.match_task(task_id)


@recurring(seconds=600)
def send_digests() -> None:
    """Recurring: the daily digest of matches that waited, once a volunteer's local digest hour has come."""
    services.send_digests()
