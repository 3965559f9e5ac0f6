"""A post's supplies (物资): the list with its levels, the organizer's counts, thresholds, restocks and issues to
volunteers, and the ledger of every change."""

from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Int, LocalDateTime, Schema
from volunteer_hub.supplies import queries, rules, services
from volunteer_hub.supplies.models import SupplyKind
from volunteer_hub.tasks.services import get_task

blp = Blueprint("api_supplies", __name__, description="A post's supplies: levels, counts, restocks and issues")

Count = lambda **kw: Int(validate=validate.Range(min=0, max=rules.COUNT_MAX), **kw)  # noqa: E731
Note = lambda: fields.String(load_default="", validate=validate.Length(max=rules.NOTE_MAX))  # noqa: E731


class ItemIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in SupplyKind]))
    name = fields.String(
        load_default="", validate=validate.Length(max=rules.NAME_MAX), metadata={"description": "For kind other."}
    )
    count = Count(load_default=0)
    low_threshold = Count(
        load_default=None, allow_none=True, metadata={"description": "At or below it the organizers are told once."}
    )


class ItemPatch(Schema):
    count = Count(metadata={"description": "The stock counted now (a movement with reason organizer)."})
    low_threshold = Count(allow_none=True, metadata={"description": "null: no alert."})
    note = Note()


class RestockIn(Schema):
    add = Int(required=True, validate=validate.Range(min=1, max=rules.COUNT_MAX))
    note = Note()


class IssueIn(Schema):
    count = Int(required=True, validate=validate.Range(min=1, max=rules.COUNT_MAX))
    user_id = Int(required=True, metadata={"description": "A volunteer confirmed on a shift of the post."})
    note = Note()


class ItemOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "The name of an other item; empty otherwise."})
    label = fields.String(required=True, metadata={"description": "In the request's language."})
    count = fields.Integer(required=True)
    low_threshold = fields.Integer(allow_none=True, required=True)
    low = fields.Boolean(required=True)
    updated_at = LocalDateTime(required=True)


class ItemsOut(Schema):
    task_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(ItemOut), required=True)


class MovementOut(Schema):
    id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    reason = fields.String(required=True, metadata={"description": "handover, organizer or issue"})
    delta = fields.Integer(required=True)
    count_after = fields.Integer(required=True)
    handover_id = fields.Integer(allow_none=True, required=True)
    issued_to_id = fields.Integer(allow_none=True, required=True)
    actor_id = fields.Integer(allow_none=True, required=True)
    note = fields.String(required=True)
    created_at = LocalDateTime(required=True)


class MovementsOut(Schema):
    items = fields.List(fields.Nested(MovementOut), required=True)


def _item(user, task_id: int, item_id: int):
    task = get_task(task_id)
    return services.get_item(user, task, item_id)


@blp.get("/tasks/<int:task_id>/supplies")
@blp.response(200, ItemsOut)
@blp.errors(401, 403, 404)
@auth_required
def list_supplies(task_id, user):
    """The post's supplies with their levels (organizers and reviewers of the subtree; volunteers serving the post:
    checked in, or within their shift's check-in window)."""
    task = get_task(task_id)
    services.require_read(user, task)
    return {"task_id": task.id, "items": [services.summary(item) for item in queries.items(task.id)]}


@blp.post("/tasks/<int:task_id>/supplies")
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def add_supply(data, task_id, user):
    """Add an item to the list (organizers). 409 item_exists when the kind (or the other item's name) is listed."""
    return services.summary(services.create_item(user, get_task(task_id), **data))


@blp.patch("/tasks/<int:task_id>/supplies/<int:item_id>")
@blp.arguments(ItemPatch)
@blp.response(200, ItemOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def update_supply(data, task_id, item_id, user):
    """Set the counted stock and/or the low-stock threshold (organizers). Crossing down to the threshold tells the
    organizers once; going back above it re-arms the alert."""
    item = _item(user, task_id, item_id)
    changes = {"count": data.get("count"), "note": data.get("note", "")}
    if "low_threshold" in data:
        changes["low_threshold"] = data["low_threshold"]
    return services.summary(services.update_item(user, item, **changes))


@blp.post("/tasks/<int:task_id>/supplies/<int:item_id>/restock")
@blp.arguments(RestockIn)
@blp.response(200, ItemOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def restock_supply(data, task_id, item_id, user):
    """Add delivered stock to the count (organizers)."""
    item = _item(user, task_id, item_id)
    services.restock(user, item, data["add"], data["note"])
    return services.summary(item)


@blp.post("/tasks/<int:task_id>/supplies/<int:item_id>/issue")
@blp.arguments(IssueIn)
@blp.response(200, ItemOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def issue_supply(data, task_id, item_id, user):
    """Hand some to a volunteer of the post's roster (organizers): the count goes down. 409 not_enough_stock."""
    item = _item(user, task_id, item_id)
    services.issue(user, item, data["count"], data["user_id"], data["note"])
    return services.summary(item)


@blp.get("/tasks/<int:task_id>/supplies/movements")
@blp.response(200, MovementsOut)
@blp.errors(401, 403, 404)
@auth_required
def list_movements(task_id, user):
    """The latest 100 changes of the post's counts, newest first (organizers and reviewers of the subtree)."""
    task = get_task(task_id)
    services.require_review(user, task)
    return {"items": queries.movements(task.id, limit=100)}
