"""Import every model so SQLAlchemy's registry (and Alembic's autogenerate) sees the whole schema."""

from volunteer_hub.accounts.models import AuthToken, Qualification, User, UserSkill, VerificationCode
from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.callouts.models import Callout, CalloutPage
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.claims.models import Claim
from volunteer_hub.handovers.models import Handover, HandoverAck, HandoverIncident, HandoverSupply
from volunteer_hub.help.models import HelpRequest
from volunteer_hub.hours.models import AnomalyFlag, HourDispute, HourEntry
from volunteer_hub.incidents.models import Incident, IncidentPerson, IncidentUpdate
from volunteer_hub.matching.models import MatchNotice
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications.models import Delivery, Notification, PushSubscription
from volunteer_hub.orgs.models import BranchMember, Organisation, RoleGrant
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.outreach.models import OrganizerMessage
from volunteer_hub.posts.models import ReliefAlarm, ReliefStay
from volunteer_hub.rotas.models import SeriesAdoption, ShiftSeries, ShiftSwap
from volunteer_hub.stats.models import Export, OrgDayTally, TallyCursor, TeamMonthTally, VolunteerSpanTally
from volunteer_hub.supplies.models import SupplyItem, SupplyMovement
from volunteer_hub.tasks.models import Shift, Task, TaskSkill
from volunteer_hub.teams.models import Team, TeamMember

__all__ = [
    "AnomalyFlag",
    "AttendanceEvent",
    "AuditEvent",
    "AuthToken",
    "BranchMember",
    "Callout",
    "CalloutPage",
    "Certificate",
    "Claim",
    "Delivery",
    "DevMessage",
    "Export",
    "Handover",
    "HandoverAck",
    "HandoverIncident",
    "HandoverSupply",
    "HelpRequest",
    "HourDispute",
    "HourEntry",
    "Incident",
    "IncidentPerson",
    "IncidentUpdate",
    "MatchNotice",
    "Notification",
    "OrgDayTally",
    "Organisation",
    "OrganizerMessage",
    "OutboxEvent",
    "PushSubscription",
    "Qualification",
    "ReliefAlarm",
    "ReliefStay",
    "RoleGrant",
    "SeriesAdoption",
    "Shift",
    "ShiftSeries",
    "ShiftSwap",
    "SupplyItem",
    "SupplyMovement",
    "TallyCursor",
    "Task",
    "TaskSkill",
    "Team",
    "TeamMember",
    "TeamMonthTally",
    "User",
    "UserSkill",
    "VerificationCode",
    "VolunteerSpanTally",
]
