"""Tasks: post, edit, cancel, and the nearby list."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.catalogue import QUALIFICATION_CODES, SKILL_CODES, TASK_TYPE_CODES
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.schemas import Int, Lat, LocalDateTime, Lon, Schema, Text, in_range, length, one_of
from volunteer_hub.notifications.api import channels_blp
from volunteer_hub.notifications.schemas import NoticesOut
from volunteer_hub.notifications.services import list_notices
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.schemas import OrgRef
from volunteer_hub.tasks import rules as task_rules
from volunteer_hub.tasks import services
from volunteer_hub.tasks.geocoding import failure_message
from volunteer_hub.tasks.models import MAX_CAPACITY, MAX_SHIFTS_PER_TASK
from volunteer_hub.tasks.nearby import nearby_tasks
from volunteer_hub.tasks.schemas import CallerContact, OrganizerReasonIn, ShiftOut

blp = Blueprint("api_tasks", __name__, description="Tasks and their shifts")


class ShiftIn(Schema):
    starts_at = LocalDateTime(required=True, metadata={"example": "2020-02-03T20:00:00+08:00"})
    ends_at = LocalDateTime(required=True, metadata={"example": "2020-02-04T08:00:00+08:00"})
    capacity = Int(required=True, validate=in_range(1, MAX_CAPACITY))


class ShiftPatch(Schema):
    id = Int(metadata={"description": "An existing shift to change; leave out to add a new shift."})
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    capacity = Int(validate=in_range(1, MAX_CAPACITY))


class _TaskFields(Schema):
    title = fields.String(validate=length(task_rules.TITLE_MAX, 1))
    description = Text(validate=length(task_rules.DESCRIPTION_MAX))
    type = fields.String(validate=one_of(TASK_TYPE_CODES))
    lat = Lat()
    lon = Lon()
    address = fields.String(validate=length(task_rules.ADDRESS_MAX))
    required_skills = fields.List(fields.String(validate=one_of(SKILL_CODES)), validate=length(len(SKILL_CODES)))
    requires_approval = fields.Boolean()
    match_radius_km = fields.Float(
        validate=in_range(*task_rules.MATCH_RADIUS_KM),
        allow_nan=False,
        metadata={
            "description": "Volunteers living within this distance who fit the task are told about it (default 5)."
        },
    )
    urgent = fields.Boolean(metadata={"description": "Match notifications ignore quiet hours and daily budgets."})
    release_unconfirmed = fields.Boolean(
        metadata={"description": "Places of volunteers who do not confirm the evening before go to the waitlist."}
    )
    requires_insurance = fields.Boolean(metadata={"description": "Volunteers need valid accident insurance."})
    requires_qualification = fields.String(allow_none=True, validate=one_of(QUALIFICATION_CODES))
    requires_health_declaration = fields.Boolean()


class TaskIn(_TaskFields):
    org_id = Int(required=True)
    title = fields.String(required=True, validate=length(task_rules.TITLE_MAX, 1))
    type = fields.String(required=True, validate=one_of(TASK_TYPE_CODES))
    lat = Lat(metadata={"description": "WGS-84. Leave lat and lon out to have the address geocoded."})
    lon = Lon()
    shifts = fields.List(fields.Nested(ShiftIn), required=True, validate=length(MAX_SHIFTS_PER_TASK, 1))
    client_token = fields.String(
        validate=length(64, 1),
        metadata={
            "description": "Optional idempotency key: repeating a request with the same key returns the first task."
        },
    )


class TaskPatch(_TaskFields):
    shifts = fields.List(fields.Nested(ShiftPatch), validate=length(MAX_SHIFTS_PER_TASK))


class TaskOut(Schema):
    id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    title = fields.String(required=True)
    description = fields.String()
    type = fields.String(required=True)
    lat = fields.Float(required=True, allow_none=True)
    lon = fields.Float(required=True, allow_none=True)
    address = fields.String()
    required_skills = fields.List(fields.String())
    requires_approval = fields.Boolean()
    status = fields.String(
        required=True, attribute="display_status", metadata={"description": "open, cancelled or completed"}
    )
    geocode_status = fields.String(
        metadata={"description": "ok, pending (the address is being looked up; not listed nearby yet) or failed"}
    )
    geocode_error = fields.String(allow_none=True, metadata={"description": "not_found or unavailable"})
    geocode_message = fields.Method("_geocode_message", allow_none=True)
    match_radius_km = fields.Float()
    urgent = fields.Boolean()
    release_unconfirmed = fields.Boolean()
    requires_insurance = fields.Boolean()
    requires_qualification = fields.String(allow_none=True)
    requires_health_declaration = fields.Boolean()
    created_at = LocalDateTime()
    shifts = fields.List(fields.Nested(ShiftOut), required=True)
    contact = CallerContact(
        metadata={
            "description": "A task made from a resident's request for help: the resident's name, phone, exact address "
            "and location, for the task's organizers and its confirmed volunteers while the task runs "
            "(as on the task page); null otherwise."
        }
    )

    def _geocode_message(self, task):
        return failure_message(task.geocode_error) if task.geocode_status == "failed" else None


class NearbyQuery(Schema):
    lat = Lat(metadata={"description": "Defaults to the caller's saved location."})
    lon = Lon()
    radius_km = fields.Float(validate=in_range(0.1, 50), allow_nan=False)
    type = fields.String(validate=one_of(TASK_TYPE_CODES))
    skill = fields.String(validate=one_of(SKILL_CODES))
    date = fields.Date(metadata={"description": "Only tasks with a shift starting on this local date."})
    cursor = fields.String(validate=length(200))
    limit = fields.Integer(validate=in_range(1, 50))  # query strings are text: not strict


class NearbyItem(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    type = fields.String(required=True)
    distance_km = fields.Float(required=True)
    address = fields.String()
    org = fields.Nested(OrgRef, required=True)
    requires_approval = fields.Boolean()
    required_skills = fields.List(fields.String())
    shifts = fields.List(fields.Nested(ShiftOut), required=True)


class NearbyOut(Schema):
    items = fields.List(fields.Nested(NearbyItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


@blp.post("/tasks")
@blp.arguments(TaskIn)
@blp.response(201, TaskOut)
@blp.errors(400, 401, 403)
@auth_required
def post_task(data, user):
    """Publish a task with one or more shifts (organizers of the organisation's subtree)."""
    return services.post_task(user, **data)


@blp.get("/tasks")
@blp.arguments(NearbyQuery, location="query")
@blp.response(200, NearbyOut)
@blp.errors(400)
def list_nearby(query):
    """Open tasks with a future shift near a point (default: my saved location), nearest first."""
    lat, lon = query.get("lat"), query.get("lon")
    if (lat is None) != (lon is None):
        raise ValidationError(fields={"lat" if lat is None else "lon": _l("Give both latitude and longitude.")})
    if lat is None:
        user = bearer_user()
        if user is None or not user.has_location:
            raise ValidationError(
                _l("Give lat and lon, or save your location in your profile."), code="location_required"
            )
        lat, lon = user.lat, user.lon
    config = current_app.config
    items, cursor = nearby_tasks(
        lat,
        lon,
        query.get("radius_km", config["NEARBY_RADIUS_KM"]),
        task_type=query.get("type"),
        skill=query.get("skill"),
        day=query.get("date"),
        cursor=query.get("cursor"),
        limit=query.get("limit", config["NEARBY_PAGE_SIZE"]),
    )
    # The list's parts are prepared in NearbyOut's shape when a tile is read (tests/api/test_tasks_api.py
    # compares the answer with the schema's dump); dumping them through it again would double the request's cost.
    return current_app.json.response(
        {
            "items": [
                {
                    **item.task.api,
                    "distance_km": round(item.distance_km, 3),
                    "shifts": [shift.api for shift in item.upcoming],
                }
                for item in items
            ],
            "next_cursor": cursor,
        }
    )


@blp.get("/tasks/<int:task_id>")
@blp.response(200, TaskOut)
@blp.errors(404)
def get_task(task_id):
    """One task with all its shifts and places."""
    return services.get_task(task_id)


@blp.patch("/tasks/<int:task_id>")
@blp.arguments(TaskPatch)
@blp.response(200, TaskOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def patch_task(data, task_id, user):
    """Edit a task; shifts with an id are changed, without one added. Capacity never drops below confirmed."""
    return services.update_task(user, task_id, **data)


@blp.post("/tasks/<int:task_id>/cancel")
@blp.arguments(OrganizerReasonIn)
@blp.response(200, TaskOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def cancel_task(data, task_id, user):
    """Cancel a task; every volunteer with an active claim is notified, with the reason when one is given."""
    return services.cancel_task(user, task_id, data["reason"])


@channels_blp.get("/tasks/<int:task_id>/notices")
@channels_blp.response(200, NoticesOut)
@channels_blp.errors(401, 403, 404)
@auth_required
def task_notices(task_id, user):
    """What organizers' actions on the task (cancelling it, removing or turning down a volunteer, moving a
    shift) told people, newest first, with per channel how many messages went out. Organizers of the task's
    organisation subtree only."""
    task = services.get_task(task_id)
    permissions.require_manage(user, task.org)
    return {
        "items": [{**notice, "created_at": notice["at"]} for notice in list_notices(task.id)],
    }
