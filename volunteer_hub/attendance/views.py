"""Attendance pages: the volunteer's check-in page, the scanned QR code's page, the organizer's code and marks."""

from datetime import datetime
from typing import cast

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from volunteer_hub.attendance import qr, queries, rules, services, tokens
from volunteer_hub.attendance.forms import OfflineActionForm, PositionForm, ScanForm
from volunteer_hub.claims.models import Attendance, Claim
from volunteer_hub.claims.services import get_own_claim
from volunteer_hub.claims.views import extend_roster
from volunteer_hub.core.errors import DomainError, NotAuthenticated, ValidationError
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import isoformat, now
from volunteer_hub.extensions import csrf
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
        "offline": queries.offline_records(row.claim.id for row in rows),
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
    at = now()
    # Today's shift: the phone keeps this page (service worker) and may queue a check-in or check-out offline.
    offline_ready = rules.offline_ready(claim, at)
    return render_template(
        "attendance/checkin.html",
        claim=claim,
        shift=shift,
        task=shift.task,
        action=queries.checkin_action(claim),
        summary=queries.attendance_of([claim])[claim.id],
        offline=queries.offline_records([claim.id]).get(claim.id, []),
        offline_token=tokens.issue_action_token(current_user.id, claim.id) if offline_ready else None,
        offline_until=isoformat(rules.checkout_closes(shift)),
        opens=rules.checkin_opens(shift),
        now=at,
    )


@bp.post("/me/shifts/<int:claim_id>/checkin/offline")
@csrf.exempt
def checkin_offline(claim_id: int):
    """A check-in or check-out queued on the phone without a network, sent later by the page's script or the
    service worker: JSON in, JSON out. The session says who; the X-Offline-Token header (issued by the check-in
    page for this user and claim) stands in for the CSRF token. Sending it twice records it once."""
    try:
        if not current_user.is_authenticated:
            raise NotAuthenticated()
        claim = get_own_claim(current_user, claim_id)
        tokens.check_action_token(request.headers.get("X-Offline-Token"), current_user.id, claim.id)
        form = OfflineActionForm(formdata=_as_text(request.get_json(silent=True)))
        if not form.validate():
            raise ValidationError(fields={name: cast(list[str], errors)[0] for name, errors in form.errors.items()})
        outcome = _record_offline(claim, form)
    except DomainError as exc:
        response = jsonify({"error": exc.payload()})
        response.status_code = exc.status
        return response
    event = outcome.event
    return jsonify(
        {
            "claim_id": claim.id,
            "action": form.action.data,
            "checked_in_at": isoformat(outcome.claim.checked_in_at),
            "checked_out_at": isoformat(outcome.claim.checked_out_at),
            "offline": bool(event and event.offline),
        }
    )


def _as_text(body: object) -> MultiDict:
    """A JSON object's values as the text a form would post (so a number 0 is a value, not a missing field)."""
    if not isinstance(body, dict):
        return MultiDict()
    return MultiDict({name: str(value) for name, value in body.items() if isinstance(value, str | int | float)})


def _record_offline(claim: Claim, form: OfflineActionForm) -> services.Outcome:
    # validated by the form: the numbers are there, and _aware_time made the text an aware datetime
    position = services.Position(
        cast(float, form.lat.data), cast(float, form.lon.data), cast(float, form.accuracy_m.data)
    )
    record = services.check_out if form.action.data == "out" else services.check_in
    return record(
        current_user, claim, position, device=_device(form), recorded_at=cast(datetime, form.recorded_at.data)
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
