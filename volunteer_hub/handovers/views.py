"""Handover pages: the phone form at the end of a shift (volunteer or organizer), the post's handover log, the
acknowledgement, and the panel on the volunteer's check-in page showing what the previous shift handed over."""

import uuid
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from volunteer_hub.claims.models import Claim
from volunteer_hub.claims.services import get_own_claim
from volunteer_hub.core.errors import DomainError, ValidationError
from volunteer_hub.core.security import safe_next
from volunteer_hub.core.timeutil import now
from volunteer_hub.handovers import queries, rules, services
from volunteer_hub.orgs import permissions
from volunteer_hub.supplies import queries as supply_queries
from volunteer_hub.supplies import rules as supply_rules
from volunteer_hub.supplies.models import SupplyKind
from volunteer_hub.tasks.models import Shift
from volunteer_hub.tasks.services import get_shift, get_task

bp = Blueprint("handovers", __name__)
NEW_ROWS = 2  # blank rows for items the post does not list yet


@bp.app_template_global("handover_panel")
def handover_panel(claim: Claim) -> dict | None:
    """For the check-in page: the previous shift's handover (when the volunteer serves the post now), whether they
    acknowledged it, and whether they may write this shift's handover."""
    shift = claim.shift
    task = shift.task
    if not services.can_read(current_user, task):
        return None
    previous = queries.latest_before(task.id, shift)
    can_write = claim.checked_in_at is not None and now() <= shift.ends_at + rules.WRITE_AFTER_END
    return {
        "handover": services.detail(previous) if previous else None,
        "acked": previous is not None and queries.has_acked(previous.id, current_user.id),
        "can_write": can_write,
    }


# --- the form ---------------------------------------------------------------------------------------------------


def _counts(items) -> tuple[list[services.Count], dict]:
    """The counts the form carries: one per listed item with a number, and the new rows with a name."""
    counts, errors = [], {}
    rows = [(f"count-{item.id}", item.name if item.kind == SupplyKind.OTHER else item.kind) for item in items]
    rows += [(f"new_count-{i}", (request.form.get(f"new_item-{i}") or "").strip()) for i in range(NEW_ROWS)]
    for field, item in rows:
        raw = (request.form.get(field) or "").strip()
        if not raw or not item:
            continue
        if not raw.isdigit():
            errors[field] = _("Enter a whole number from 0 to %(max)d.", max=supply_rules.COUNT_MAX)
            continue
        counts.append(services.Count(item, int(raw)))
    return counts, errors


def _recorded_at() -> datetime | None:
    raw = (request.form.get("recorded_at") or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationError(fields={"recorded_at": _("Include the time zone offset, e.g. +08:00.")})
    return value


def _render_form(shift: Shift, action: str, back: str, errors: dict | None = None, status: int = 200):
    task = shift.task
    previous = queries.latest_before(task.id, shift)
    page = render_template(
        "handovers/form.html",
        shift=shift,
        task=task,
        items=supply_queries.items(task.id),
        incidents=queries.pending_incidents(task.id),
        previous=services.detail(previous) if previous else None,
        client_id=request.form.get("client_id") or uuid.uuid4().hex,
        action=action,
        back=back,
        errors=errors or {},
        form=request.form,
        new_rows=range(NEW_ROWS),
        notes_max=rules.NOTES_MAX,
    )
    return page, status


def _submit(shift: Shift, action: str, back: str):
    items = supply_queries.items(shift.task_id)
    counts, errors = _counts(items)
    chosen = [int(v) for v in request.form.getlist("incident") if v.isdigit()]
    try:
        if errors:
            raise ValidationError(fields=errors)
        _handover, created = services.write(
            current_user,
            shift,
            notes=request.form.get("notes", ""),
            supplies_counted=counts,
            incident_ids=chosen,
            client_id=(request.form.get("client_id") or "").strip()[: rules.CLIENT_ID_MAX] or None,
            recorded_at=_recorded_at(),
        )
    except ValidationError as exc:
        return _render_form(
            shift, action, back, {k: str(v) for k, v in exc.fields.items()} or {"": str(exc.message)}, 400
        )
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        flash(str(exc.message), "error")
        return redirect(back, 303)
    flash(
        _("Handover saved. The next shift sees it when checking in.")
        if created
        else _("This handover was already saved."),
        "success",
    )
    return redirect(back, 303)


@bp.route("/me/shifts/<int:claim_id>/handover", methods=["GET", "POST"])
@login_required
def form(claim_id: int):
    """The volunteer's handover form (phone): notes, the post's supply counts, the incidents since the last one."""
    claim = get_own_claim(current_user, claim_id)
    shift = claim.shift
    action = url_for("handovers.form", claim_id=claim.id)
    back = url_for("attendance.checkin", claim_id=claim.id)
    if request.method == "POST":
        return _submit(shift, action, back)
    if claim.checked_in_at is None:
        return render_template("handovers/not_yet.html", claim=claim, shift=shift, task=shift.task, back=back)
    return _render_form(shift, action, back)


@bp.route("/org/shifts/<int:shift_id>/handover", methods=["GET", "POST"])
@login_required
def org_form(shift_id: int):
    """The organizer's handover for a shift (when no volunteer wrote it, or to correct one by a new entry)."""
    shift = get_shift(shift_id)
    permissions.require_manage(current_user, shift.task.org)
    action = url_for("handovers.org_form", shift_id=shift.id)
    back = url_for("handovers.log", task_id=shift.task_id)
    if request.method == "POST":
        return _submit(shift, action, back)
    return _render_form(shift, action, back)


# --- the log and the acknowledgement ----------------------------------------------------------------------------


@bp.get("/org/tasks/<int:task_id>/handovers")
@login_required
def log(task_id: int):
    """The post's handover log, newest first, with supplies, incidents and who acknowledged each."""
    task = get_task(task_id)
    entries = services.log(current_user, task)
    can_manage = permissions.can_manage(current_user, task.org)
    shifts = sorted(task.shifts, key=lambda s: s.starts_at, reverse=True) if can_manage else []
    current = now()
    return render_template(
        "handovers/log.html",
        task=task,
        entries=entries,
        can_manage=can_manage,
        shifts=[s for s in shifts if s.starts_at <= current][:5],
    )


@bp.post("/handovers/<int:handover_id>/ack")
@login_required
def ack(handover_id: int) -> Response:
    """我已阅 / I've read it: from the check-in page (back there) or the log."""
    handover = services.get_handover(current_user, handover_id)
    services.acknowledge(current_user, handover)
    flash(_("Thank you: the previous shift sees that you read it."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("handovers.log", task_id=handover.task_id)), 303)
