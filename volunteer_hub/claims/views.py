"""Claim pages. The volunteer's: confirm and claim a shift, the result, my shifts, cancelling. The organizer's:
a shift's roster (and its CSV), approving and rejecting requests."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.claims import queries, reminders, rules, services
from volunteer_hub.claims.export import roster_csv
from volunteer_hub.claims.labels import refusal_fix, status_label
from volunteer_hub.claims.models import ClaimStatus
from volunteer_hub.claims.queries import RosterRow
from volunteer_hub.claims.terms import shift_terms
from volunteer_hub.core.errors import Conflict, DomainError, ValidationError
from volunteer_hub.core.formatting import shift_span
from volunteer_hub.notifications.services import list_notices
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.tasks.forms import OrganizerReasonForm
from volunteer_hub.tasks.models import Shift
from volunteer_hub.tasks.rules import ORGANIZER_REASON_MAX
from volunteer_hub.tasks.services import get_shift

bp = Blueprint("claims", __name__)
bp.add_app_template_filter(status_label, "claim_status")
bp.add_app_template_global(refusal_fix)


@bp.get("/shifts/<int:shift_id>/claim")
@login_required
def confirm(shift_id: int) -> ResponseReturnValue:
    """The claim confirmation page: summary, cancel rule, and why claiming is impossible if it is."""
    shift = get_shift(shift_id)
    existing = queries.claims_by_shift(current_user, [shift.id]).get(shift.id)
    if existing is not None:
        return redirect(url_for("claims.result", claim_id=existing.id))
    return render_template(
        "claims/confirm.html",
        shift=shift,
        task=shift.task,
        problem=rules.claim_problem(current_user, shift),
        waitlist_place=queries.count_waitlisted(shift) + 1,
    )


@bp.post("/shifts/<int:shift_id>/claim")
@login_required
def claim(shift_id: int) -> ResponseReturnValue:
    """Claim the shift, then show the result; a repeated tap leads to the same claim."""
    shift = shift_terms(shift_id)
    try:
        claim = services.claim_shift(current_user, shift, health_declared=request.form.get("health_declared") == "1")
    except DomainError as exc:
        if exc.code == "already_claimed" and exc.extra.get("claim_id"):
            return redirect(url_for("claims.result", claim_id=exc.extra["claim_id"]))
        flash(str(exc.message), "error")
        return redirect(url_for("tasks.detail", task_id=shift.task_id))
    return redirect(url_for("claims.result", claim_id=claim.id))


@bp.get("/claims/<int:claim_id>")
@login_required
def result(claim_id: int) -> ResponseReturnValue:
    """Where one of my claims stands: confirmed, waitlisted (with position) or waiting for approval."""
    claim = services.get_own_claim(current_user, claim_id)
    return render_template(
        "claims/result.html",
        claim=claim,
        shift=claim.shift,
        task=claim.shift.task,
        position=queries.waitlist_position(claim),
    )


@bp.get("/me/shifts")
@login_required
def my_shifts() -> ResponseReturnValue:
    """My shifts: under way, coming up, waiting (waitlist or approval), and past or cancelled."""
    upcoming = queries.claims_of(current_user, upcoming=True)
    confirmed = [c for c in upcoming if c.status == ClaimStatus.CONFIRMED]
    waiting = [c for c in upcoming if c.status != ClaimStatus.CONFIRMED]
    return render_template(
        "claims/my_shifts.html",
        under_way=[c for c in confirmed if c.shift.has_started],
        confirmed=[c for c in confirmed if not c.shift.has_started],
        waiting=waiting,
        positions={c.id: queries.waitlist_position(c) for c in waiting},
        past=queries.claims_of(current_user, upcoming=False, limit=50),
    )


@bp.post("/claims/<int:claim_id>/will-attend")
@login_required
def will_attend(claim_id: int) -> ResponseReturnValue:
    """Answer the day-before check: yes, I will come."""
    try:
        reminders.confirm_attendance(services.get_own_claim(current_user, claim_id))
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Thank you, see you there."), "success")
    return redirect(url_for("claims.my_shifts"))


@bp.get("/claims/<int:claim_id>/cancel")
@login_required
def cancel_confirm(claim_id: int) -> ResponseReturnValue:
    """Ask before cancelling one of my claims, saying what happens to the place (the waitlist's first gets it
    only if someone is waiting)."""
    claim = services.get_own_claim(current_user, claim_id)
    return render_template(
        "claims/cancel.html",
        claim=claim,
        shift=claim.shift,
        task=claim.shift.task,
        waiting=queries.count_waitlisted(claim.shift),
    )


@bp.post("/claims/<int:claim_id>/cancel")
@login_required
def cancel(claim_id: int) -> ResponseReturnValue:
    """Cancel one of my claims before its shift starts."""
    claim = services.get_own_claim(current_user, claim_id)
    try:
        services.cancel_claim(current_user, claim)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(
            _(
                "You cancelled “%(task)s” %(when)s.",
                task=claim.shift.task.title,
                when=shift_span(claim.shift.starts_at, claim.shift.ends_at),
            ),
            "success",
        )
    return redirect(url_for("claims.my_shifts"))


# --- the organizer ---

RosterExtension = Callable[[Shift, list[RosterRow], bool], dict[str, Any]]
_roster_extensions: list[RosterExtension] = []


def extend_roster(extension: RosterExtension) -> RosterExtension:
    """Register extension(shift, rows, can_manage) -> dict, merged into the roster page's context, for a package
    built on claims (attendance adds its marks and puts those not yet present first by returning ``rows``)."""
    _roster_extensions.append(extension)
    return extension


def _reviewed_shift(shift_id: int) -> Shift:
    shift = get_shift(shift_id)
    permissions.require_review(current_user, shift.task.org)
    return shift


@bp.get("/org/shifts/<int:shift_id>/roster")
@staff_required
def roster(shift_id: int) -> ResponseReturnValue:
    """Everyone on a shift with their attendance; full phone numbers, approve/reject and attendance marks for the
    task's organizers only. While the shift runs, those not yet present come first."""
    shift = _reviewed_shift(shift_id)
    can_manage = permissions.can_manage(current_user, shift.task.org)
    context = {"rows": queries.roster(shift)}
    for extension in _roster_extensions:
        context |= extension(shift, context["rows"], can_manage)
    return render_template(
        "claims/roster.html",
        shift=shift,
        task=shift.task,
        can_manage=can_manage,
        reason_max=ORGANIZER_REASON_MAX,
        notices=list_notices(shift.task_id) if can_manage else [],
        **context,
    )


@bp.get("/org/shifts/<int:shift_id>/roster.csv")
@staff_required
def roster_export(shift_id: int) -> ResponseReturnValue:
    """The roster as a CSV file (same phone visibility as the page)."""
    shift = _reviewed_shift(shift_id)
    body = roster_csv(queries.roster(shift), full_phone=permissions.can_manage(current_user, shift.task.org))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="roster-{shift.id}.csv"'}
    )


@bp.post("/org/claims/<int:claim_id>/approve")
@staff_required
def approve(claim_id: int) -> ResponseReturnValue:
    """Approve a pending request; it takes a place or fails as full."""
    claim = services.get_claim(claim_id)
    try:
        services.approve_claim(current_user, claim)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("%(name)s is confirmed.", name=claim.user.name), "success")
    return redirect(url_for("claims.roster", shift_id=claim.shift_id))


@bp.post("/org/claims/<int:claim_id>/reject")
@staff_required
def reject(claim_id: int) -> ResponseReturnValue:
    """Turn down a request, with an optional reason the volunteer is told; a freed place goes to the waitlist."""
    claim = services.get_claim(claim_id)
    try:
        services.reject_claim(current_user, claim, OrganizerReasonForm().reason.data)
    except ValidationError as exc:  # the reason is the only field; the roster keeps its maxlength
        flash(str(exc.fields["reason"]), "error")
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("%(name)s was told the request is not accepted.", name=claim.user.name), "success")
    return redirect(url_for("claims.roster", shift_id=claim.shift_id))
