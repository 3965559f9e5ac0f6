"""RQ entry points of statistics: the recurring tally and large exports."""

from volunteer_hub.core import queue
from volunteer_hub.schedule import recurring
from volunteer_hub.stats import services, shift_tallies, tallies


@recurring(seconds=60)
def tally_new_entries() -> None:
    """Recurring: add the ledger entries written since the last run to the tallies (a long backlog is worked
    off over several runs, each well inside the scheduler's 60 s job timeout)."""
    tallies.tally_new_entries(max_seconds=40)


@recurring(seconds=shift_tallies.REFRESH_S)
def refresh_shift_tallies() -> None:
    """Recurring: recount the shift figures of the days around today and the overdue records."""
    shift_tallies.refresh_window()


@recurring(seconds=86_400)
def refresh_all_shift_tallies() -> None:
    """Recurring, daily: recount the shift figures of every day (late attendance changes on old shifts)."""
    shift_tallies.refresh_all()


def start_export(export_id: int) -> None:
    """Hand a recorded export to its build job, which needs a longer timeout than outbox events get."""
    queue.enqueue(
        "volunteer_hub.stats.jobs.build_export",
        export_id,
        job_id=f"export-{export_id}",
        timeout=services.EXPORT_TIMEOUT_S,
    )


def build_export(export_id: int) -> None:
    """Write an export's file, saving progress as it goes (a finished export is left alone)."""
    services.build_export(export_id)
