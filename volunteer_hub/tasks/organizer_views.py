"""Organizer pages: my organisations' tasks, post and edit with shift rows, cancel."""

from uuid import uuid4

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_hub.core.errors import Conflict, NotAllowed, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.notifications.services import list_notices
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import organizes_anywhere, staff_required
from volunteer_hub.orgs.services import list_manageable
from volunteer_hub.tasks import queries, services
from volunteer_hub.tasks import rules as task_rules
from volunteer_hub.tasks.forms import SHIFT_ALIASES, EditTaskForm, OrganizerReasonForm, PostTaskForm, row_errors
from volunteer_hub.tasks.models import TaskStatus

bp = Blueprint("organizer", __name__, url_prefix="/org")


def _managed_task(task_id: int):
    task = services.get_task(task_id)
    permissions.require_manage(current_user, task.org)
    return task


def _form_page(form, task=None, status=None):
    return render_template(
        "organizer/task_form.html", form=form, task=task, max_shift_hours=task_rules.max_shift_hours()
    ), status or (400 if form.errors else 200)


@bp.get("/tasks")
@staff_required
def tasks():
    """Tasks of the organisations I manage; past and cancelled ones on request."""
    include_past = request.args.get("past") == "1"
    return render_template(
        "organizer/tasks.html",
        include_past=include_past,
        tasks=queries.tasks_for_organizer(current_user, include_past=include_past),
        can_post=organizes_anywhere(current_user),
    )


@bp.route("/tasks/new", methods=["GET", "POST"])
@staff_required
def new_task():
    """Post a task with one or more shift rows; 'add a row' re-renders the form with one more."""
    form = PostTaskForm(orgs=list_manageable(current_user))
    if not form.org_id.choices:
        raise NotAllowed(_l("You are not an organizer of any organisation yet."))
    if not form.is_submitted():
        form.client_token.data = uuid4().hex
        form.apply_type_defaults()
    elif form.add_row.data:
        form.add_shift_row()
    elif form.validate_on_submit():
        shifts, rows = form.new_shift_rows()
        try:
            task = services.post_task(
                current_user,
                org_id=form.org_id.data,
                shifts=shifts,
                client_token=form.client_token.data or None,
                **form.task_fields(),
            )
        except ValidationError as exc:
            apply_errors(form, row_errors(exc.fields, rows), SHIFT_ALIASES)
        else:
            flash(_("“%(task)s” is published. Volunteers nearby can claim its shifts now.", task=task.title), "success")
            return redirect(url_for("organizer.task", task_id=task.id))
    return _form_page(form)


@bp.get("/tasks/<int:task_id>")
@staff_required
def task(task_id: int):
    """A task as its organizers see it: shifts with their counts and links to the rosters."""
    task = services.get_task(task_id)
    permissions.require_review(current_user, task.org)
    can_manage = permissions.can_manage(current_user, task.org)
    return render_template(
        "organizer/task.html",
        task=task,
        can_manage=can_manage,
        counts=queries.claim_counts([shift.id for shift in task.shifts]),
        notices=list_notices(task.id) if can_manage else [],
    )


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_task(task_id: int):
    """Edit a task and its shifts' times and places, or add shift rows."""
    task = _managed_task(task_id)
    if task.status == TaskStatus.CANCELLED:
        flash(_("This task was cancelled and can no longer be edited."), "error")
        return redirect(url_for("organizer.task", task_id=task.id))
    form = EditTaskForm(data=None if request.method == "POST" else EditTaskForm.values(task))
    if form.is_submitted() and form.add_row.data:
        form.add_shift_row()
    elif form.validate_on_submit():
        shifts, rows = form.shift_changes(task)
        try:
            services.update_task(current_user, task.id, shifts=shifts, **form.task_fields())
        except ValidationError as exc:
            apply_errors(form, row_errors(exc.fields, rows), SHIFT_ALIASES)
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
            return _form_page(form, task, exc.status)
        else:
            flash(_("Your changes to “%(task)s” are saved.", task=task.title), "success")
            return redirect(url_for("organizer.task", task_id=task.id))
    return _form_page(form, task)


def _cancel_page(task, form):
    return render_template(
        "organizer/cancel.html", task=task, form=form, affected=queries.count_active_claims(task)
    ), 400 if form.errors else 200


@bp.get("/tasks/<int:task_id>/cancel")
@staff_required
def cancel_confirm(task_id: int):
    """Ask before cancelling a task, saying how many volunteers will be told, with room for a reason."""
    return _cancel_page(_managed_task(task_id), OrganizerReasonForm())


@bp.post("/tasks/<int:task_id>/cancel")
@staff_required
def cancel(task_id: int):
    """Cancel the task: every active claim ends and its volunteer is notified, with the reason if given."""
    task = _managed_task(task_id)
    form = OrganizerReasonForm()
    try:
        services.cancel_task(current_user, task.id, form.reason.data)
    except ValidationError as exc:
        apply_errors(form, exc.fields)
        return _cancel_page(task, form)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("“%(task)s” is cancelled and its volunteers were notified.", task=task.title), "success")
    return redirect(url_for("organizer.task", task_id=task.id))
