"""Hours pages. Volunteers: My hours, asking for a correction, reporting missing hours. Organizers and
reviewers: hours to confirm with their deadlines, one shift's confirmation, volunteers' requests, anomalies."""

from typing import cast

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from volunteer_hub.claims import services as claim_services
from volunteer_hub.core.errors import DomainError, NotFound, ValidationError
from volunteer_hub.core.formatting import service_hours
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.timeutil import now
from volunteer_hub.hours import labels, queries, rules, services
from volunteer_hub.hours.forms import AcceptForm, ConfirmForm, CorrectForm, RefuseForm, RequestForm, as_hours
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.orgs.names import org_name
from volunteer_hub.tasks.services import get_shift

bp = Blueprint("hours", __name__)
bp.add_app_template_filter(labels.source_label, "hours_source")
bp.add_app_template_filter(labels.dispute_label, "hours_request_status")
bp.add_app_template_filter(labels.basis_text, "hours_basis")
bp.add_app_template_filter(labels.deadline_text, "hours_deadline")
bp.add_app_template_filter(labels.anomaly_label, "hours_anomaly")

# Service field names -> form field names.
ALIASES = {"minutes": "hours", "total_minutes": "hours"}


def _submit(form, action, *, success, done: str, back: str | None = None, aliases: dict | None = None):
    """Post/Redirect/Get for one form: on valid input call the service; success (a text, or a function of the
    service's result) is flashed on the way to done, a refusal on the way back. None when the form must be
    shown again with its errors (invalid input, or a ValidationError put on its fields)."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ValidationError as exc:
        apply_errors(form, exc.fields, aliases)
        return None
    except DomainError as exc:
        flash(str(exc.message), "error")
        return redirect(back or done)
    flash(success(result) if callable(success) else success, "success")
    return redirect(done)


def _own_entry(entry_id: int):
    entry = queries.get_entry(entry_id)
    if entry is None or entry.volunteer_id != current_user.id:
        raise NotFound(_l("No such record."))
    return entry


def _form_status(form) -> int:
    return 400 if form.errors else 200


# --- volunteers ---


@bp.get("/me/hours")
@login_required
def my_hours():
    """My hours: the confirmed total, this month and year, per task type, hours waiting for confirmation (who
    confirms and by when), every record with its history, and my requests for corrections."""
    mine = queries.my_hours(current_user)
    return render_template("hours/my_hours.html", hours=mine, requests=queries.describe_disputes(mine.disputes))


def _request_page(form, send, *, sent: str, **context):
    done = url_for("hours.my_hours")
    return _submit(form, lambda: send(form.reason.data), success=sent, done=done) or (
        render_template("hours/request.html", form=form, **context),
        _form_status(form),
    )


@bp.route("/me/hours/<int:entry_id>/correction", methods=["GET", "POST"])
@login_required
def request_correction(entry_id: int):
    """Ask the recording organisation to correct one of my records (办法 §13)."""
    entry = queries.record_root(_own_entry(entry_id))
    return _request_page(
        RequestForm(),
        lambda reason: services.open_dispute(current_user, entry, reason),
        sent=_("Your request is sent to %(org)s. You will be told their answer.", org=org_name(entry.org)),
        activity=entry.activity_name,
        day=entry.service_date,
        org=entry.org,
        minutes=queries.net_minutes(entry),
    )


@bp.route("/me/hours/missing/<int:claim_id>", methods=["GET", "POST"])
@login_required
def report_missing(claim_id: int):
    """Report hours missing for a shift I signed up for that is over."""
    claim = claim_services.get_own_claim(current_user, claim_id)
    task = claim.shift.task
    return _request_page(
        RequestForm(),
        lambda reason: services.report_missing(current_user, claim, reason),
        sent=_("Your report is sent to %(org)s. You will be told their answer.", org=org_name(task.org)),
        activity=task.title,
        shift=claim.shift,
        org=task.org,
        minutes=None,
    )


# --- organizers and reviewers ---


@bp.get("/org/hours")
@staff_required
def organizer_hours():
    """Hours to confirm: ended shifts whose attendees still wait, most urgent first, with the working days
    left; volunteers' open requests; overdue records per organisation."""
    return render_template(
        "hours/organizer.html",
        shifts=queries.unconfirmed_shifts(current_user),
        open_requests=queries.count_open_disputes(current_user),
        overdue=queries.overdue_by_org(current_user),
    )


def _shift_page(shift, *, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    org = shift.task.org
    rows = queries.shift_rows(shift)
    served = current_user.id in {row.user.id for row in rows if row.facts.attended}
    confirm_forms, correct_forms = {}, {}
    for row in rows:
        key = row.claim.id
        if row.confirmable:
            confirm_forms[key] = forms.get(("confirm", key)) or ConfirmForm(
                prefix=f"c{key}",
                formdata=None,
                data={"hours": as_hours(cast(int, row.proposal.minutes))},  # confirmable: minutes proposed
            )
        elif row.record:
            correct_forms[key] = forms.get(("correct", key)) or CorrectForm(
                prefix=f"k{key}", formdata=None, data={"hours": as_hours(row.record.minutes)}
            )
    page = render_template(
        "hours/shift.html",
        shift=shift,
        task=shift.task,
        rows=rows,
        served=served,
        can_confirm=permissions.can_manage(current_user, org) and not served,
        ended=shift.ends_at <= now(),
        deadline=rules.deadline(shift.ends_at) if shift.ends_at <= now() else None,
        waiting=sum(row.confirmable for row in rows),
        confirm_forms=confirm_forms,
        correct_forms=correct_forms,
        offline=queries.offline_records(row.claim.id for row in rows),
    )
    return page, status


@bp.get("/org/shifts/<int:shift_id>/hours")
@staff_required
def shift_hours(shift_id: int):
    """One shift's hours: each attendee's check-in and check-out, the proposed hours and why, what is
    recorded; organizers confirm one by one (adjusting with a reason) or all at once."""
    shift = get_shift(shift_id)
    permissions.require_review(current_user, shift.task.org)
    return _shift_page(shift)


@bp.post("/org/shifts/<int:shift_id>/hours/confirm-all")
@staff_required
def confirm_all(shift_id: int):
    """Confirm the proposed hours of everyone still waiting on the shift."""
    shift = get_shift(shift_id)
    permissions.require_manage(current_user, shift.task.org)
    try:
        result = services.confirm_all(current_user, shift)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        if result.entries:
            flash(
                ngettext(
                    "Hours of %(num)d volunteer are confirmed.",
                    "Hours of %(num)d volunteers are confirmed.",
                    len(result.entries),
                ),
                "success",
            )
        waiting = [s for s in result.skipped if s["code"] not in ("already_confirmed", "no_show", "no_attendance")]
        if waiting:
            flash(
                ngettext(
                    "%(num)d volunteer could not be confirmed; see the reason on their row.",
                    "%(num)d volunteers could not be confirmed; see the reason on their rows.",
                    len(waiting),
                ),
                "error",
            )
        elif not result.entries:
            flash(_("There were no hours waiting for confirmation."), "success")
    return redirect(url_for("hours.shift_hours", shift_id=shift.id))


def _managed_claim(claim_id: int):
    claim = claim_services.get_claim(claim_id)
    permissions.require_manage(current_user, claim.shift.task.org)
    return claim, claim.shift


@bp.post("/org/claims/<int:claim_id>/hours/confirm")
@staff_required
def confirm(claim_id: int):
    """Confirm one attendee's hours: as proposed, or changed with a reason."""
    claim, shift = _managed_claim(claim_id)
    form = ConfirmForm(prefix=f"c{claim.id}")
    return _submit(
        form,
        lambda: services.confirm_hours(current_user, claim, minutes=form.minutes(), reason=form.reason.data),
        success=lambda entry: _(
            "%(hours)s hours are confirmed for %(name)s.", hours=service_hours(entry.minutes), name=claim.user.name
        ),
        done=url_for("hours.shift_hours", shift_id=shift.id),
        aliases=ALIASES,
    ) or _shift_page(shift, forms={("confirm", claim.id): form}, status=400)


@bp.post("/org/claims/<int:claim_id>/hours/correct")
@staff_required
def correct(claim_id: int):
    """Correct a confirmed record of the shift: the hours it should count, and why (a correction entry)."""
    claim, shift = _managed_claim(claim_id)
    entry = queries.root_entry_of_claim(claim.id)
    if entry is None:
        raise NotFound(_l("No such record."))
    form = CorrectForm(prefix=f"k{claim.id}")
    return _submit(
        form,
        # _submit validates first, and this form requires the hours
        lambda: services.correct_record_to(current_user, entry, cast(int, form.minutes()), form.reason.data),
        success=lambda _entry: _(
            "The record of %(name)s now counts %(hours)s hours.",
            name=claim.user.name,
            hours=service_hours(cast(int, form.minutes())),
        ),
        done=url_for("hours.shift_hours", shift_id=shift.id),
        aliases=ALIASES,
    ) or _shift_page(shift, forms={("correct", claim.id): form}, status=400)


@bp.get("/org/hours/requests")
@staff_required
def requests():
    """Volunteers' requests for corrections addressed to my organisations: open ones first."""
    return render_template("hours/requests.html", views=queries.describe_disputes(queries.disputes_for(current_user)))


def _answer_page(dispute, *, accept=None, refuse=None, status=200):
    (view,) = queries.describe_disputes([dispute])
    current = view.record.minutes if view.record else view.proposed
    accept = accept or AcceptForm(formdata=None, data={"hours": as_hours(current) if current is not None else None})
    return render_template(
        "hours/request_detail.html",
        view=view,
        accept=accept,
        refuse=refuse or RefuseForm(formdata=None),
        can_answer=permissions.can_manage(current_user, view.org),
    ), status


@bp.get("/org/hours/requests/<int:dispute_id>")
@staff_required
def request_detail(dispute_id: int):
    """One request: what the volunteer says, the record as it is, and the answer (accept with the right hours,
    or refuse with a reason)."""
    return _answer_page(services.get_dispute_for(current_user, dispute_id))


@bp.post("/org/hours/requests/<int:dispute_id>/accept")
@staff_required
def accept_request(dispute_id: int):
    """Accept: a correction entry brings the record to the hours entered."""
    dispute = services.get_dispute_for(current_user, dispute_id, manage=True)
    form = AcceptForm()
    return _submit(
        form,
        lambda: services.accept_dispute(current_user, dispute, cast(int, form.minutes()), form.response.data),
        success=_("The correction is recorded and the volunteer is told."),
        done=url_for("hours.requests"),
        back=url_for("hours.request_detail", dispute_id=dispute.id),
        aliases=ALIASES,
    ) or _answer_page(dispute, accept=form, status=400)


@bp.post("/org/hours/requests/<int:dispute_id>/refuse")
@staff_required
def refuse_request(dispute_id: int):
    """Refuse, saying why; the volunteer sees the answer on My hours."""
    dispute = services.get_dispute_for(current_user, dispute_id, manage=True)
    form = RefuseForm()
    return _submit(
        form,
        lambda: services.refuse_dispute(current_user, dispute, form.response.data),
        success=_("The volunteer is told why the request is refused."),
        done=url_for("hours.requests"),
        back=url_for("hours.request_detail", dispute_id=dispute.id),
    ) or _answer_page(dispute, refuse=form, status=400)


@bp.get("/org/hours/anomalies")
@staff_required
def anomalies():
    """Anomaly flags in my organisations for review: they never blocked a confirmation."""
    flags = queries.anomalies_for(current_user)
    names = queries.users_by_id([f.volunteer_id for f in flags] + [(f.details or {}).get("actor_id") for f in flags])
    return render_template(
        "hours/anomalies.html",
        flags=flags,
        names=names,
        describe=labels.anomaly_text,
        offline=queries.offline_records(f.claim_id for f in flags),
    )
