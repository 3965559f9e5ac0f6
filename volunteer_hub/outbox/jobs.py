"""RQ entry points of the outbox."""

import importlib

from volunteer_hub.extensions import db
from volunteer_hub.outbox import services
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.schedule import recurring


def run_event(event_id: int) -> None:
    """Run the job an outbox event names, then mark the event done. Safe to run twice: the target jobs are
    idempotent and a finished event is skipped."""
    event = db.session.get(OutboxEvent, event_id)
    if event is None or event.done_at is not None:
        return
    module, _, name = event.job.rpartition(".")
    if not module.startswith("volunteer_hub.") or not module.endswith(".jobs"):
        raise ValueError(f"outbox event {event_id} names a function outside the job modules: {event.job}")
    getattr(importlib.import_module(module), name)(**event.payload)
    services.mark_done(event_id)
    db.session.commit()


@recurring(seconds=5)
def dispatch_outbox() -> None:
    """Recurring: hand over pending events and re-send stale ones (this is what drains a Redis outage)."""
    services.dispatch_pending()
    services.redeliver_stale()
