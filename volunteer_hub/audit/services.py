"""Write audit events in the caller's transaction."""

from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.extensions import db


def record(actor_id: int | None, action: str, subject_type: str, subject_id: int, **details) -> AuditEvent:
    """Add an audit event to the current transaction (it commits with the change it describes)."""
    event = AuditEvent(
        actor_id=actor_id, action=action, subject_type=subject_type, subject_id=subject_id, details=details
    )
    db.session.add(event)
    return event
