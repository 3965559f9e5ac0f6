"""RQ entry points of call-outs: thin, call the services."""

from volunteer_hub.callouts import services
from volunteer_hub.schedule import recurring


@recurring(seconds=30)
def send_due_waves() -> None:
    """Recurring: page the next wave of every call-out whose wave is due (every wave_minutes until filled)."""
    services.send_due_waves()
