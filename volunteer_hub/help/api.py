"""Residents' requests for help: ask, follow, thank; organizers accept (a task with one shift) or decline.

The resident's exact address, location, name and phone are in ``contact``, filled only where help.rules
allows it (organizers while the request is open or its task runs; the confirmed volunteer while the task runs).
"""

from dataclasses import asdict

from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.catalogue import LANGUAGE_CODES
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import NotFound
from volunteer_hub.core.schemas import Int, Lat, LocalDateTime, Lon, Schema, Text, length, one_of
from volunteer_hub.help import queries, rules, services
from volunteer_hub.help.throttle import help_request_limits
from volunteer_hub.orgs.schemas import OrgRef
from volunteer_hub.tasks.schemas import ContactOut

blp = Blueprint("api_help", __name__, description="Residents' requests for help")


class HelpRequestIn(Schema):
    type = fields.String(required=True, validate=one_of(rules.TYPES))
    description = Text(required=True, validate=length(rules.DESCRIPTION_MAX, 1))
    address = fields.String(required=True, validate=length(rules.ADDRESS_MAX, 1))
    lat = Lat(allow_none=True, load_default=None)
    lon = Lon(allow_none=True, load_default=None)
    needed_at = LocalDateTime(
        required=True,
        metadata={"example": "2020-02-03T10:00:00+08:00", "description": "In the future, at most 14 days ahead."},
    )
    contact_phone = fields.String(required=True, validate=length(32), metadata={"example": "13812345678"})
    contact_name = fields.String(
        validate=length(rules.NAME_MAX, 1), metadata={"description": "Defaults to the caller's name."}
    )
    languages = fields.List(
        fields.String(validate=one_of(LANGUAGE_CODES)),
        load_default=list,
        validate=length(len(LANGUAGE_CODES)),
        metadata={"description": "Required for type foreign_language."},
    )
    community_id = Int(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The resident's community. Left out: the community nearest to lat/lon (within 10 km), "
            "else the caller's home community."
        },
    )


class DeclineIn(Schema):
    reason = Text(required=True, validate=length(rules.REASON_MAX, 1))


class ThanksIn(Schema):
    message = Text(required=True, validate=length(rules.THANKS_MAX, 1))


class ListQuery(Schema):
    view = fields.String(
        load_default="mine",
        validate=validate.OneOf(("mine", "inbox")),
        metadata={"description": "mine: the requests I asked; inbox: open requests of the communities I organize."},
    )


class HelpRequestOut(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    description = fields.String(required=True)
    languages = fields.List(fields.String())
    status = fields.String(required=True, metadata={"description": "open, accepted, declined, completed, cancelled"})
    needed_at = LocalDateTime(required=True)
    community = fields.Nested(OrgRef, required=True)
    decline_reason = fields.String(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    volunteers = fields.List(fields.String(), metadata={"description": "Names of the volunteers who are coming."})
    thanks = fields.String(allow_none=True)
    can_thank = fields.Boolean()
    contact = fields.Nested(
        ContactOut,
        allow_none=True,
        metadata={"description": "Only for those who need it (see the module description); null otherwise."},
    )
    created_at = LocalDateTime()


class HelpRequestsOut(Schema):
    items = fields.List(fields.Nested(HelpRequestOut), required=True)


class AcceptOut(Schema):
    task_id = fields.Integer(required=True)
    request = fields.Nested(HelpRequestOut, required=True)


def request_out(item, user) -> dict:
    """One request as user may see it."""
    community = queries.community_of(item)
    contact = rules.private_contact(user, item)
    return {
        "id": item.id,
        "type": item.type,
        "description": item.description,
        "languages": item.languages,
        "status": rules.display_status(item),
        "needed_at": item.needed_at,
        "community": community,
        "decline_reason": item.decline_reason,
        "task_id": item.task_id,
        "volunteers": queries.coming_names(item),
        "thanks": item.thanks,
        "can_thank": rules.is_requester(user, item) and rules.can_thank(item),
        "contact": asdict(contact) if contact else None,
        "created_at": item.created_at,
    }


def _get(request_id: int):
    item = queries.get_request(request_id)
    if item is None:
        raise NotFound()
    return item


@blp.post("/help-requests")
@blp.arguments(HelpRequestIn)
@blp.response(201, HelpRequestOut)
@blp.errors(400, 401, 429)
@auth_required
@help_request_limits
def create(data, user):
    """Ask for help for myself (the page /help/new also takes requests without an account); throttled per
    account like the page."""
    created, _token = services.create_request(user, **data)
    return request_out(created, user)


@blp.get("/help-requests")
@blp.arguments(ListQuery, location="query")
@blp.response(200, HelpRequestsOut)
@blp.errors(400, 401)
@auth_required
def list_requests(args, user):
    """My requests (newest first), or with view=inbox the open requests I can decide (needed soonest first)."""
    items = queries.inbox(user) if args["view"] == "inbox" else queries.mine(user)
    return {"items": [request_out(item, user) for item in items]}


@blp.get("/help-requests/<int:request_id>")
@blp.response(200, HelpRequestOut)
@blp.errors(401, 404)
@auth_required
def get_request(request_id, user):
    """One request: for the resident who asked, the community's organizers and the confirmed volunteers."""
    item = _get(request_id)
    rules.require_view(user, item)
    return request_out(item, user)


@blp.post("/help-requests/<int:request_id>/accept")
@blp.response(201, AcceptOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def accept(request_id, user):
    """Accept (organizers of the community): publishes a task with one shift and matches volunteers."""
    item = _get(request_id)
    task = services.accept_request(user, item)
    return {"task_id": task.id, "request": request_out(queries.get_request(request_id), user)}


@blp.post("/help-requests/<int:request_id>/decline")
@blp.arguments(DeclineIn)
@blp.response(200, HelpRequestOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def decline(data, request_id, user):
    """Decline with a reason the resident reads (organizers of the community)."""
    item = _get(request_id)
    return request_out(services.decline_request(user, item, data["reason"]), user)


@blp.post("/help-requests/<int:request_id>/thanks")
@blp.arguments(ThanksIn)
@blp.response(200, HelpRequestOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def thank(data, request_id, user):
    """Thank the volunteers who came (the resident who asked; once)."""
    item = _get(request_id)
    if not rules.is_requester(user, item):
        raise NotFound()
    return request_out(services.thank(item, data["message"]), user)
