"""Import every model so SQLAlchemy's registry (and Alembic's autogenerate) sees the whole schema."""

from volunteer_hub.accounts.models import AuthToken, User, UserSkill
from volunteer_hub.claims.models import Claim
from volunteer_hub.matching.models import MatchNotice
from volunteer_hub.notifications.models import DeliveryAttempt, Notification
from volunteer_hub.orgs.models import Organisation, RoleGrant
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.tasks.models import Shift, Task, TaskSkill

__all__ = ["AuthToken", "Claim", "DeliveryAttempt", "MatchNotice", "Notification", "Organisation",
           "OutboxEvent", "RoleGrant", "Shift", "Task", "TaskSkill", "User", "UserSkill"]
