"""Tasks: post, edit, cancel, and the nearby list."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.api.schemas import NearbyOut, NearbyQuery, OrganizerReasonIn, TaskIn, TaskOut, TaskPatch
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import ValidationError
from volunteer_hub.tasks import services
from volunteer_hub.tasks.nearby import nearby_tasks

blp = Blueprint("api_tasks", __name__, description="Tasks and their shifts")


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
