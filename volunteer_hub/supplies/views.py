"""The organizer's supplies page of a post: the list with its levels, counts and thresholds, restock, hand out to a
volunteer of the roster, and the latest changes. Readers (reviewers, volunteers on duty) see the levels only."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from volunteer_hub.core.errors import DomainError
from volunteer_hub.orgs import permissions
from volunteer_hub.supplies import queries, rules, services
from volunteer_hub.supplies.models import SupplyKind
from volunteer_hub.tasks.services import get_task

bp = Blueprint("supplies", __name__)
bp.add_app_template_filter(rules.label, "supply_label")


def _number(name: str) -> int | None:
    """A whole number from the form; None when empty; -1 (refused by the service's check) when not a number."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() else -1


def _flash(exc: DomainError) -> None:
    for message in exc.fields.values() or [exc.message]:
        flash(str(message), "error")


def _back(task_id: int) -> Response:
    return redirect(url_for("supplies.manage", task_id=task_id), 303)


@bp.get("/org/tasks/<int:task_id>/supplies")
@login_required
def manage(task_id: int):
    """The post's supplies: levels for everyone who may read them; the forms for its organizers."""
    task = get_task(task_id)
    services.require_read(current_user, task)
    can_manage = permissions.can_manage(current_user, task.org)
    movements = queries.movements(task.id, limit=30) if can_manage else []
    people = {m.issued_to_id for m in movements if m.issued_to_id} | {m.actor_id for m in movements if m.actor_id}
    items = queries.items(task.id)
    return render_template(
        "supplies/manage.html",
        task=task,
        items=items,
        labels={item.id: rules.label(item) for item in items},
        can_manage=can_manage,
        kinds=[(kind.value, rules.KIND_LABELS[kind]) for kind in SupplyKind],
        roster=queries.roster(task.id) if can_manage else [],
        movements=movements,
        names=queries.names(people),
        is_low=rules.is_low,
    )


@bp.post("/org/tasks/<int:task_id>/supplies")
@login_required
def add(task_id: int):
    task = get_task(task_id)
    try:
        services.create_item(
            current_user,
            task,
            kind=request.form.get("kind", ""),
            name=request.form.get("name", ""),
            count=_number("count") or 0,
            low_threshold=_number("low_threshold"),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        _flash(exc)
    else:
        flash(_("Item added."), "success")
    return _back(task.id)


@bp.post("/org/tasks/<int:task_id>/supplies/<int:item_id>")
@login_required
def update(task_id: int, item_id: int):
    """Set the counted stock and the low-stock threshold (empty: no alert)."""
    task = get_task(task_id)
    item = services.get_item(current_user, task, item_id)
    try:
        services.update_item(
            current_user,
            item,
            count=_number("count"),
            low_threshold=_number("low_threshold"),
            note=request.form.get("note", ""),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        _flash(exc)
    else:
        flash(_("Saved."), "success")
    return _back(task.id)


@bp.post("/org/tasks/<int:task_id>/supplies/<int:item_id>/restock")
@login_required
def restock(task_id: int, item_id: int):
    task = get_task(task_id)
    item = services.get_item(current_user, task, item_id)
    try:
        services.restock(current_user, item, _number("add") or 0, request.form.get("note", ""))
    except DomainError as exc:
        if exc.status == 403:
            raise
        _flash(exc)
    else:
        flash(_("Restocked: %(count)d now.", count=item.count), "success")
    return _back(task.id)


@bp.post("/org/tasks/<int:task_id>/supplies/<int:item_id>/issue")
@login_required
def issue(task_id: int, item_id: int):
    """Hand some to a volunteer of the roster: the count goes down, the ledger says to whom."""
    task = get_task(task_id)
    item = services.get_item(current_user, task, item_id)
    try:
        services.issue(current_user, item, _number("count") or 0, _number("user_id"), request.form.get("note", ""))
    except DomainError as exc:
        if exc.status == 403:
            raise
        _flash(exc)
    else:
        flash(_("Handed out: %(count)d left.", count=item.count), "success")
    return _back(task.id)
