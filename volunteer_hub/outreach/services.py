"""Send a message to the people of a shift, a task or a team, and read back who has it.

The words go out as one notification per recipient (kind ``organizer_message``), so each person's channels, quiet
hours and urgency rules apply; the notifications carry the message as their cause, which is how the counts below
find them. Recipients never learn each other's numbers: each gets their own notification.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.audit import services as audit
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Delivery, Notification
from volunteer_hub.notifications.services import notify_many
from volunteer_hub.orgs import permissions
from volunteer_hub.outreach import queries, rules
from volunteer_hub.outreach.models import OrganizerMessage, Scope
from volunteer_hub.tasks.models import Shift, Task
from volunteer_hub.teams.models import Team
from volunteer_hub.teams.rules import LEAD_ROLES, membership

KIND = "organizer_message"
DELIVERED = ("sent", "delivered")


def send_to_shift(actor, shift: Shift, text, *, include_waitlisted: bool = False, urgent: bool = False):
    """To the shift's confirmed volunteers (and its waitlist): organizers of the task's subtree."""
    permissions.require_manage(actor, shift.task.org)
    message = OrganizerMessage(
        scope=Scope.SHIFT,
        scope_id=shift.id,
        task_id=shift.task_id,
        urgent=urgent,
        include_waitlisted=include_waitlisted,
    )
    recipients = queries.shift_recipients([shift.id], include_waitlisted=include_waitlisted)
    about = {"task": shift.task.title, "starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat()}
    return _send(actor, message, text, recipients, about)


def send_to_task(actor, task: Task, text, *, include_waitlisted: bool = False, urgent: bool = False):
    """To the volunteers of every shift of the task that has not ended."""
    permissions.require_manage(actor, task.org)
    message = OrganizerMessage(
        scope=Scope.TASK, scope_id=task.id, task_id=task.id, urgent=urgent, include_waitlisted=include_waitlisted
    )
    recipients = queries.shift_recipients(queries.live_shift_ids(task.id), include_waitlisted=include_waitlisted)
    return _send(actor, message, text, recipients, {"task": task.title})


def send_to_team(actor, team: Team, text, *, urgent: bool = False):
    """A team's leader or deputy to its active members."""
    require_lead(actor, team)
    message = OrganizerMessage(scope=Scope.TEAM, scope_id=team.id, urgent=urgent, include_waitlisted=False)
    return _send(actor, message, text, queries.team_recipients(team.id), {"team": team.name})


def _send(actor, message: OrganizerMessage, text, recipients: list[int], about: dict) -> OrganizerMessage:
    message.text = rules.check_text(text)
    recipients = [user_id for user_id in recipients if user_id != actor.id]
    if not recipients:
        raise Conflict(_l("Nobody would receive this message yet."), code="no_recipients")
    message.sender_id, message.recipients = actor.id, len(recipients)
    return atomic(_write, actor, message, recipients, about)


def _write(actor, message: OrganizerMessage, recipients: list[int], about: dict) -> OrganizerMessage:
    db.session.add(message)
    db.session.flush()
    params = {**about, "text": message.text, "sender": actor.name, "message_id": message.id}
    notify_many(
        KIND,
        [
            {
                "user_id": user_id,
                "task_id": message.task_id,
                "dedupe_key": message.cause,
                "params": params,
                "urgent": message.urgent,
                "actor_id": actor.id,
                "cause": message.cause,
            }
            for user_id in recipients
        ],
    )
    audit.record(
        actor.id,
        "outreach.message_sent",
        message.scope,
        message.scope_id,
        message_id=message.id,
        recipients=len(recipients),
    )
    return message


def get_message(actor, message_id) -> OrganizerMessage:
    """A message its sender, or someone who could have sent it, may read; anyone else: not found."""
    message = db.session.get(OrganizerMessage, message_id)
    if message is None or not _may_read(actor, message):
        raise NotFound(_l("No such message."))
    return message


def _may_read(actor, message: OrganizerMessage) -> bool:
    if message.sender_id == actor.id:
        return True
    if message.scope == Scope.TEAM:
        team = db.session.get(Team, message.scope_id)
        return team is not None and _leads(actor, team)
    task = db.session.get(Task, message.task_id) if message.task_id else None
    return task is not None and permissions.can_manage(actor, task.org)


def require_lead(actor, team: Team) -> None:
    if not _leads(actor, team):
        raise NotAllowed(_l("Only the team's leader or deputy can message the team."))


def _leads(actor, team: Team) -> bool:
    member = membership(actor, team)
    return member is not None and member.role in LEAD_ROLES


def summary(message: OrganizerMessage) -> dict:
    """Recipients, deliveries per channel (the inbox always), acknowledgements and who has not acknowledged."""
    notes = db.session.execute(
        sa.select(Notification.id, Notification.user_id, Notification.acked_at).where(
            Notification.actor_id == message.sender_id, Notification.cause == message.cause
        )
    ).all()
    delivered = {"inbox": len(notes)}
    rows = db.session.execute(
        sa.select(Delivery.channel, sa.func.count())
        .where(Delivery.notification_id.in_([n.id for n in notes] or [0]), Delivery.status.in_(DELIVERED))
        .group_by(Delivery.channel)
    )
    delivered.update(dict(rows.all()))
    waiting = [n.user_id for n in notes if n.acked_at is None]
    names = queries.names(waiting)
    return {
        "id": message.id,
        "text": message.text,
        "recipients": len(notes),
        "delivered": delivered,
        "acknowledged": len(notes) - len(waiting),
        "pending": [{"user_id": user_id, "name": names.get(user_id, "")} for user_id in sorted(waiting)],
    }
