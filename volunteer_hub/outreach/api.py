"""Organizers' messages to a shift, a task or a team, and what became of them."""

from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Schema, Text
from volunteer_hub.outreach import rules, services
from volunteer_hub.outreach.limits import message_limits
from volunteer_hub.tasks.services import get_shift, get_task
from volunteer_hub.teams.services import get_team

blp = Blueprint("api_outreach", __name__, description="Organizers' messages to the people of a shift, task or team")


class MessageIn(Schema):
    text = Text(required=True, validate=validate.Length(min=1, max=rules.TEXT_MAX))
    include_waitlisted = fields.Boolean(load_default=False, metadata={"description": "Tell the waitlist too."})
    urgent = fields.Boolean(
        load_default=False,
        metadata={"description": "May break quiet hours for recipients who accept urgent calls at night."},
    )


class TeamMessageIn(Schema):
    text = Text(required=True, validate=validate.Length(min=1, max=rules.TEXT_MAX))
    urgent = fields.Boolean(load_default=False)


class MessageSentOut(Schema):
    id = fields.Integer(required=True)
    recipients = fields.Integer(required=True)


class PendingOut(Schema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)


class MessageOut(Schema):
    id = fields.Integer(required=True)
    text = fields.String(required=True)
    recipients = fields.Integer(required=True)
    delivered = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Recipients reached per channel: inbox (always), sms, push, email."},
    )
    acknowledged = fields.Integer(required=True)
    pending = fields.List(fields.Nested(PendingOut), required=True, metadata={"description": "Not acknowledged."})


def _sent(message) -> dict:
    return {"id": message.id, "recipients": message.recipients}


@blp.post("/shifts/<int:shift_id>/messages")
@blp.arguments(MessageIn)
@blp.response(201, MessageSentOut)
@blp.errors(400, 401, 403, 404, 409, 429)
@message_limits("shift_id", counted=(201,))
@auth_required
def message_shift(data, shift_id, user):
    """Message a shift's confirmed volunteers (and its waitlist with include_waitlisted): organizers of the task's
    subtree. 409 no_recipients when nobody is on the shift."""
    return _sent(services.send_to_shift(user, get_shift(shift_id), **data))


@blp.post("/tasks/<int:task_id>/messages")
@blp.arguments(MessageIn)
@blp.response(201, MessageSentOut)
@blp.errors(400, 401, 403, 404, 409, 429)
@message_limits("task_id", counted=(201,))
@auth_required
def message_task(data, task_id, user):
    """Message the volunteers of every shift of a task that has not ended."""
    return _sent(services.send_to_task(user, get_task(task_id), **data))


@blp.post("/teams/<int:team_id>/messages")
@blp.arguments(TeamMessageIn)
@blp.response(201, MessageSentOut)
@blp.errors(400, 401, 403, 404, 409, 429)
@message_limits("team_id", counted=(201,))
@auth_required
def message_team(data, team_id, user):
    """A team's leader or deputy messages its active members."""
    return _sent(services.send_to_team(user, get_team(team_id), **data))


@blp.get("/messages/<int:message_id>")
@blp.response(200, MessageOut)
@blp.errors(401, 404)
@auth_required
def get_message(message_id, user):
    """A message I sent (or could have sent): recipients, deliveries per channel, who has not acknowledged."""
    return services.summary(services.get_message(user, message_id))
