"""Volunteer claim pages: confirm and claim a shift, the result, my shifts, cancelling."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.claims import queries, reminders, rules, services
from volunteer_hub.claims.labels import refusal_fix, status_label
from volunteer_hub.claims.models import ClaimStatus
from volunteer_hub.claims.terms import shift_terms
from volunteer_hub.core.errors import Conflict, DomainError
from volunteer_hub.core.formatting import shift_span
from volunteer_hub.tasks.services import get_shift

bp = Blueprint("claims", __name__)
bp.add_app_template_filter(status_label, "claim_status")
bp.add_app_template_global(refusal_fix)


@bp.get("/shifts/<int:shift_id>/claim")
@login_required
def confirm(shift_id: int):
    """The claim confirmation page: summary, cancel rule, and why claiming is impossible if it is."""
    shift = get_shift(shift_id)
    existing = queries.claims_by_shift(current_user, [shift.id]).get(shift.id)
    if existing is not None:
        return redirect(url_for("claims.result", claim_id=existing.id))
    return render_template("claims/confirm.html", shift=shift, task=shift.task,
                           problem=rules.claim_problem(current_user, shift),
                           waitlist_place=queries.count_waitlisted(shift) + 1)


@bp.post("/shifts/<int:shift_id>/claim")
@login_required
def claim(shift_id: int):
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
def result(claim_id: int):
    """Where one of my claims stands: confirmed, waitlisted (with position) or waiting for approval."""
    claim = services.get_own_claim(current_user, claim_id)
    return render_template("claims/result.html", claim=claim, shift=claim.shift, task=claim.shift.task,
                           position=queries.waitlist_position(claim))


@bp.get("/me/shifts")
@login_required
def my_shifts():
    """My shifts: under way, coming up, waiting (waitlist or approval), and past or cancelled."""
    upcoming = queries.claims_of(current_user, upcoming=True)
    confirmed = [c for c in upcoming if c.status == ClaimStatus.CONFIRMED]
    waiting = [c for c in upcoming if c.status != ClaimStatus.CONFIRMED]
    return render_template("claims/my_shifts.html", under_way=[c for c in confirmed if c.shift.has_started],
                           confirmed=[c for c in confirmed if not c.shift.has_started], waiting=waiting,
                           positions={c.id: queries.waitlist_position(c) for c in waiting},
                           past=queries.claims_of(current_user, upcoming=False, limit=50))


@bp.post("/claims/<int:claim_id>/will-attend")
@login_required
def will_attend(claim_id: int):
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
def cancel_confirm(claim_id: int):
    """Ask before cancelling one of my claims, saying what happens to the place (the waitlist's first gets it
    only if someone is waiting)."""
    claim = services.get_own_claim(current_user, claim_id)
    return render_template("claims/cancel.html", claim=claim, shift=claim.shift, task=claim.shift.task,
                           waiting=queries.count_waitlisted(claim.shift))


@bp.post("/claims/<int:claim_id>/cancel")
@login_required
def cancel(claim_id: int):
    """Cancel one of my claims before its shift starts."""
    claim = services.get_own_claim(current_user, claim_id)
    try:
        services.cancel_claim(current_user, claim)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("You cancelled “%(task)s” %(when)s.", task=claim.shift.task.title,
                when=shift_span(claim.shift.starts_at, claim.shift.ends_at)), "success")
    return redirect(url_for("claims.my_shifts"))
