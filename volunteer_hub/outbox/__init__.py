"""The transactional outbox: work a change triggers is written in the change's own transaction, then handed
to RQ by a dispatcher that re-sends whatever was never confirmed done."""

from volunteer_hub.outbox.services import record, record_many

__all__ = ["record", "record_many"]
