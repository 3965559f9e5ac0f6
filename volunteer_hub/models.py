"""Import every model so SQLAlchemy's registry (and Alembic's autogenerate) sees the whole schema."""

from volunteer_hub.accounts.models import AuthToken, User, UserSkill
from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.claims.models import Claim
from volunteer_hub.hours.models import AnomalyFlag, HourDispute, HourEntry
from volunteer_hub.matching.models import MatchNotice
from volunteer_hub.notifications.models import DeliveryAttempt, Notification
from volunteer_hub.orgs.models import Organisation, RoleGrant
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.stats.models import Export, OrgDayTally, TallyCursor, VolunteerMonthTally
from volunteer_hub.tasks.models import Shift, Task, TaskSkill

__all__ = ["AnomalyFlag", "AttendanceEvent", "AuditEvent", "AuthToken", "Certificate", "Claim", "DeliveryAttempt",
           "Export", "HourDispute", "HourEntry", "MatchNotice", "Notification", "OrgDayTally", "Organisation",
           "OutboxEvent", "RoleGrant", "Shift", "TallyCursor", "Task", "TaskSkill", "User", "UserSkill",
           "VolunteerMonthTally"]
