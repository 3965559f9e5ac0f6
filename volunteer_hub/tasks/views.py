"""Volunteer task pages: the nearby list and a task's detail with its shifts."""

from collections.abc import Sequence
from typing import cast

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_hub.core.errors import ValidationError
from volunteer_hub.tasks import nearby, queries, services
from volunteer_hub.tasks.forms import ListFilters

bp = Blueprint("tasks", __name__)

WIDE_RADIUS_KM = 10.0


def _location(filters: ListFilters):
    """(lat, lon, source): the given point, else the volunteer's saved location, else (None, None, None)."""
    if filters.lat.data is not None:
        return filters.lat.data, filters.lon.data, "here"
    if current_user.is_authenticated and current_user.has_location:
        return current_user.lat, current_user.lon, "profile"
    return None, None, None


def _list_url(args: dict, **changes) -> str:
    """This list with some parameters changed; a new filter starts again from the first page."""
    params = {k: v for k, v in args.items() if k not in ("cursor", "offset")} | changes
    return url_for("tasks.index", **{k: v for k, v in params.items() if v not in (None, "")})


def _one_page(
    filters: ListFilters, lat: float | None, lon: float | None, radius: float
) -> tuple[Sequence[nearby.TaskCard], str | None]:
    """(items, link to the next page or None): nearest first with a location, else soonest first."""
    page_size = current_app.config["NEARBY_PAGE_SIZE"]
    criteria = {"task_type": filters.type.data or None, "skill": filters.skill.data or None, "day": filters.day()}
    items: Sequence[nearby.TaskCard]
    if lat is not None:
        items, cursor = nearby.nearby_tasks(
            lat,
            cast(float, lon),  # _location gives both or neither
            radius,
            cursor=filters.cursor.data or None,
            limit=page_size,
            **criteria,
        )
        return items, (_list_url(request.args, cursor=cursor) if cursor else None)
    offset = filters.offset.data or 0
    tasks = queries.upcoming_tasks(offset=offset, limit=page_size + 1, **criteria)
    # Like the nearby list, never a card without a shift still to start (it would read "full (0/0)").
    items = [
        nearby.TaskCard(task, None, upcoming)
        for task in tasks[:page_size]
        if (upcoming := queries.upcoming_shifts(task))
    ]
    return items, (_list_url(request.args, offset=offset + page_size) if len(tasks) > page_size else None)


@bp.get("/tasks")
def index():
    """Open tasks nearest first (a given point, else my saved location); soonest first without a location."""
    filters = ListFilters(request.args)
    if not filters.validate():
        raise ValidationError(_l("This link has a filter we cannot read. Start again from the task list."))
    lat, lon, source = _location(filters)
    radius = filters.radius.data or current_app.config["NEARBY_RADIUS_KM"]
    nearby = source is not None and not filters.everywhere.data
    items, more_url = _one_page(filters, lat if nearby else None, lon, radius)
    first_page = not (filters.cursor.data or filters.offset.data)
    return render_template(
        "tasks/index.html",
        items=items,
        filters=filters,
        source=source,
        nearby=nearby,
        radius=radius,
        wide_radius=WIDE_RADIUS_KM,
        more_url=more_url,
        list_url=lambda **changes: _list_url(request.args, **changes),
        first_page=first_page,  # which shows the tasks recommended for me (templating.recommended_for_me)
    )


@bp.get("/tasks/<int:task_id>")
def detail(task_id: int):
    """One task: what, where, and its shifts by day with places left and my status on each."""
    task = services.get_task(task_id)
    return render_template("tasks/detail.html", task=task, **queries.claim_states(current_user, task))
