"""RQ entry points for claims."""

from volunteer_hub.claims import reminders
from volunteer_hub.schedule import recurring


@recurring(seconds=60)
def send_reminders() -> None:
    """Recurring: the 12-hour and 1-hour reminders before shifts."""
    reminders.send_reminders()


@recurring(seconds=600)
def ask_attendance() -> None:
    """Recurring: the evening-before "will you come?" check."""
    reminders.ask_attendance()


@recurring(seconds=300)
def release_unconfirmed() -> None:
    """Recurring: release places not confirmed by the deadline (tasks that ask for it)."""
    reminders.release_unconfirmed()
