"""Attendance pages: the volunteer's check-in page, the scanned QR code's page, the organizer's code and marks."""

from typing import cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from volunteer_hub.attendance import qr, queries, rules, services
from volunteer_hub.attendance.forms import PositionForm, ScanForm
from volunteer_hub.claims.models import Attendance
from volunteer_hub.claims.services import get_own_claim
from volunteer_hub.claims.views import extend_roster
from volunteer_hub.core.errors import DomainError, ValidationError
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import now
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.tasks.services import get_shift

bp = Blueprint("attendance", __name__)
bp.add_app_template_filter(queries.checkin_action, "checkin_action")
bp.add_app_template_filter(rules.duration_text, "duration")
# Rosters and the shift's hours flag short records (a check-out tapped too early), for the organizer to correct.
bp.add_app_template_global(rules.short_record, "short_record")


@extend_roster
def _roster_attendance(shift, rows, can_manage: bool) -> dict:
    """The roster's attendance: each confirmed volunteer's record, who arrived, the marks for its organizers;
    while the shift runs, those not yet present first."""
    rows = queries.sort_roster(rows, shift)
    return {
        "rows": rows,
        "attendance": queries.attendance_of(row.claim for row in rows),
        "arrived": queries.count_present(shift),
        "started": shift.has_started,
        "can_mark": can_manage and rules.marks_open(shift),
    }


def _device(form) -> str:
    return services.device_hash(form.device.data, request.user_agent.string, request.remote_addr)


@bp.get("/me/shifts/<int:claim_id>/checkin")
@login_required
def checkin(claim_id: int):
    """The check-in page: the shift, one big 签到/签退 button, the result in numbers, and the other ways."""
    claim = get_own_claim(current_user, claim_id)
    shift = claim.shift
    return render_template(
        "attendance/checkin.html",
        claim=claim,
        shift=shift,
        task=shift.task,
        action=queries.checkin_action(claim),
        summary=queries.attendance_of([claim])[claim.id],
        opens=rules.checkin_opens(shift),
        now=now(),
    )


@bp.post("/me/shifts/<int:claim_id>/checkin")
@login_required
def checkin_post(claim_id: int):
    """Check in or out with the position the page read; the server decides, the page shows why not."""
    claim = get_own_claim(current_user, claim_id)
    form = PositionForm()
    if not form.validate():
        flash(_("Your location did not reach us. Try again, or use one of the other ways below."), "error")
        return redirect(url_for("attendance.checkin", claim_id=claim.id))
    # all three are required by the form, validated above
    position = services.Position(
        cast(float, form.lat.data), cast(float, form.lon.data), cast(float, form.accuracy_m.data)
    )
    try:
        if form.action.data == "out":
            services.check_out(current_user, claim, position, device=_device(form), ask_if_short=form.ask_if_short)
        else:
            services.check_in(current_user, claim, position, device=_device(form))
    except DomainError as exc:
        if exc.code == "short_checkout":
            return _confirm_short(exc, claim, form, url_for("attendance.checkin_post", claim_id=claim.id))
        flash(str(exc.message), "error")
    return redirect(url_for("attendance.checkin", claim_id=claim.id))


def _confirm_short(exc: DomainError, claim, form, action_url: str):
    """Ask before a check-out that would record much less than the shift: the same post again, confirmed."""
    return render_template(
        "attendance/confirm_checkout.html",
        message=exc.message,
        claim=claim,
        shift=claim.shift,
        task=claim.shift.task,
        form=form,
        action_url=action_url,
    )


def _refused(exc: DomainError, shift=None):
    return render_template("attendance/refused.html", message=exc.message, code=exc.code, shift=shift), exc.status


@bp.get("/c/<token>")
@login_required
def scan(token: str):
    """Where a scanned shift code lands: one button, 确认签到 (or 签退), for my confirmed place on that shift."""
    shift = None
    try:
        shift = services.shift_for_token(token)
        claim = services.own_claim_on(current_user, shift)
    except DomainError as exc:
        return _refused(exc, shift)
    action = "out" if claim.checked_in_at and not claim.checked_out_at else "in"
    return render_template(
        "attendance/scan.html",
        claim=claim,
        shift=shift,
        task=shift.task,
        token=token,
        action=action,
        done=bool(claim.checked_out_at),
    )


@bp.post("/c/<token>")
@login_required
def scan_post(token: str):
    """Check in (or out) by the scanned code; a plain form, so it works without JavaScript."""
    form = ScanForm()
    if not form.validate():
        return _refused(ValidationError(_("The form was incomplete. Scan the code again."), code="token_invalid"))
    try:
        outcome = services.scan(
            current_user, token, device=_device(form), action=form.action.data, ask_if_short=form.ask_if_short
        )
    except DomainError as exc:
        if exc.code == "short_checkout":
            claim = services.own_claim_on(current_user, services.shift_for_token(token))
            return _confirm_short(exc, claim, form, url_for("attendance.scan_post", token=token))
        return _refused(exc)
    return redirect(url_for("attendance.checkin", claim_id=outcome.claim.id))


@bp.get("/org/shifts/<int:shift_id>/checkin-code")
@staff_required
def code(shift_id: int):
    """The organizer's rotating check-in QR code, shown large; the page reloads itself before the code expires."""
    shift = get_shift(shift_id)
    issued = services.issue_checkin_token(current_user, shift)
    url = external_url("attendance.scan", token=issued.token)
    # Rotate at half the lifetime: a code scanned just before the page reloads stays valid a while longer.
    refresh_s = max(current_app.config["CHECKIN_TOKEN_TTL_S"] // 2, 5)
    response = current_app.make_response(
        render_template(
            "attendance/code.html",
            shift=shift,
            task=shift.task,
            expires_at=issued.expires_at,
            refresh_s=refresh_s,
            svg=qr.svg(url, label=_("Check-in code for this shift")),
        )
    )
    # A Refresh header rather than JavaScript: the code rotates on any phone, without a script.
    response.headers["Refresh"] = str(refresh_s)
    return response


@bp.post("/org/shifts/<int:shift_id>/attendance")
@staff_required
def mark(shift_id: int):
    """The roster's "save attendance": present / no-show for each confirmed volunteer whose row was set."""
    shift = get_shift(shift_id)
    marks = {}
    for name, value in request.form.items():
        claim_id = name.removeprefix("attendance-")
        if claim_id != name and claim_id.isdigit() and value in (Attendance.PRESENT, Attendance.NO_SHOW):
            marks[int(claim_id)] = value == Attendance.PRESENT
    try:
        changed = services.mark_shift(current_user, shift, marks)
    except DomainError as exc:
        if exc.status == 403:
            raise
        flash(str(exc.message), "error")
    else:
        flash(ngettext("Attendance saved: %(num)d change.", "Attendance saved: %(num)d changes.", changed), "success")
    return redirect(url_for("claims.roster", shift_id=shift.id))
