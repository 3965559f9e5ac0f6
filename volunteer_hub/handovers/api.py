"""The handover log (交接班) of a post: written at the end of a shift, read and acknowledged by the next one.
Append-only: there is no edit or delete; a correction is a new entry with corrects_id."""

from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Int, LocalDateTime, Schema, Text
from volunteer_hub.handovers import rules, services
from volunteer_hub.supplies import rules as supply_rules
from volunteer_hub.tasks.services import get_shift, get_task

blp = Blueprint("api_handovers", __name__, description="Handover log: notes, supply counts and incidents per shift")


class CountIn(Schema):
    item = fields.String(
        required=True,
        validate=validate.Length(min=1, max=supply_rules.NAME_MAX),
        metadata={
            "description": "A supply kind's code (masks, gloves, gowns, sanitizer, thermometers, test_kits, "
            "food_water) or an other item's name; an item the post does not list yet is added."
        },
    )
    count = Int(required=True, validate=validate.Range(min=0, max=supply_rules.COUNT_MAX))


class HandoverIn(Schema):
    notes = Text(load_default="", validate=validate.Length(max=rules.NOTES_MAX))
    supplies = fields.List(fields.Nested(CountIn), load_default=list, validate=validate.Length(max=rules.SUPPLIES_MAX))
    incident_ids = fields.List(
        Int(validate=validate.Range(min=1)),
        load_default=None,
        metadata={"description": "Incidents of this post to carry; omitted: those reported since the last handover."},
    )
    client_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=rules.CLIENT_ID_MAX),
        metadata={"description": "The phone's id of the form: sent again by the same author, it records nothing."},
    )
    recorded_at = fields.AwareDateTime(
        load_default=None,
        metadata={"description": "The phone's time when written offline: not in the future, at most 12 h ago."},
    )
    corrects_id = Int(load_default=None, metadata={"description": "The handover of this post this one corrects."})


class SupplyCountOut(Schema):
    item_id = fields.Integer(required=True)
    item = fields.String(required=True, metadata={"description": "The kind's code, or an other item's name."})
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class HandoverIncidentOut(Schema):
    id = fields.Integer(required=True)
    category = fields.String(required=True)
    severity = fields.String(required=True)
    status = fields.String(required=True)
    occurred_at = LocalDateTime(required=True)
    description = fields.String(required=True)


class AckOut(Schema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    acked_at = LocalDateTime(required=True)


class HandoverOut(Schema):
    id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    shift_id = fields.Integer(required=True)
    author_id = fields.Integer(required=True)
    author_name = fields.String(required=True)
    notes = fields.String(required=True)
    corrects_id = fields.Integer(allow_none=True, required=True)
    corrected = fields.Boolean(required=True, metadata={"description": "A later entry corrects this one."})
    client_id = fields.String(allow_none=True, required=True)
    recorded_at = LocalDateTime(allow_none=True, required=True)
    offline = fields.Boolean(required=True)
    created_at = LocalDateTime(required=True)
    supplies = fields.List(fields.Nested(SupplyCountOut), required=True)
    incidents = fields.List(fields.Nested(HandoverIncidentOut), required=True)
    acks = fields.List(fields.Nested(AckOut), required=True)


class HandoversOut(Schema):
    task_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(HandoverOut), required=True)


class AckResult(Schema):
    handover_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    acked_at = LocalDateTime(required=True)
    new = fields.Boolean(required=True, metadata={"description": "false: it had been acknowledged before."})


@blp.post("/shifts/<int:shift_id>/handovers")
@blp.arguments(HandoverIn)
@blp.response(201, HandoverOut)
@blp.alt_response(200, schema=HandoverOut, description="The same author's client_id again: the first handover.")
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def write_handover(data, shift_id, user):
    """Write the shift's handover (a volunteer checked in to the shift, until 2 h after its end; or an organizer of
    the task). The counts set the post's supply counts. 409 not_checked_in / handover_closed."""
    counts = [services.Count(c["item"], c["count"]) for c in data.pop("supplies")]
    handover, created = services.write(user, get_shift(shift_id), supplies_counted=counts, **data)
    body = services.detail(handover)
    return body if created else (body, 200)


@blp.get("/tasks/<int:task_id>/handovers")
@blp.response(200, HandoversOut)
@blp.errors(401, 403, 404)
@auth_required
def list_handovers(task_id, user):
    """The post's latest 50 handovers, newest first (organizers and reviewers of the subtree; volunteers while they
    serve the post: checked in, or within their shift's check-in window)."""
    task = get_task(task_id)
    return {"task_id": task.id, "items": services.log(user, task)}


@blp.post("/handovers/<int:handover_id>/ack")
@blp.response(200, AckResult)
@blp.errors(401, 403, 404)
@auth_required
def ack_handover(handover_id, user):
    """Acknowledge having read it (volunteers serving the post, organizers). Idempotent: 200 each time."""
    ack, created = services.acknowledge(user, services.get_handover(user, handover_id))
    return {"handover_id": ack.handover_id, "user_id": ack.user_id, "acked_at": ack.acked_at, "new": created}
