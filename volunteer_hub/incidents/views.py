"""Incident pages: the report form (from the volunteer's check-in page and the organizer's task page), an
incident with acknowledge / follow-up / close and the insurance packet, the post's list, the reviewers' counts."""

from uuid import uuid4

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.forms import apply_errors, optional_int
from volunteer_hub.core.responses import no_store
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.incidents import pdf, queries, rules, services, texts
from volunteer_hub.incidents.forms import ReportForm, UpdateForm
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.services import get_org
from volunteer_hub.tasks.services import get_task

bp = Blueprint("incidents", __name__)
bp.add_app_template_filter(texts.category_label, "incident_category")
bp.add_app_template_filter(texts.severity_label, "incident_severity")
bp.add_app_template_filter(texts.status_label, "incident_status")
bp.add_app_template_global(lambda task_id: queries.open_counts([task_id]).get(task_id, 0), "open_incidents")


@bp.app_template_global("incident_reporting_open")
def reporting_open(shift) -> bool:
    """The check-in page offers the report form while its volunteer may report on the shift (rules.on_duty)."""
    current = now()
    return rules.on_duty(shift.starts_at, shift.ends_at, current, current)


FIELD_ALIASES = {"occurred_at": "at", "involved_user_ids": "involved"}


@bp.route("/tasks/<int:task_id>/incidents/new", methods=["GET", "POST"])
@login_required
def report(task_id: int):
    """Report an incident on the post: checked-in volunteers of a shift under way, and the task's organizers."""
    task = get_task(task_id)
    shift = services.form_shift(current_user, task, optional_int(request.args.get("shift_id")))
    roster = services.roster(shift)
    form = ReportForm()
    form.name_people(roster)
    if not form.is_submitted():
        local = to_local(now())
        form.day.data, form.at.data = local.date(), local.time().replace(second=0, microsecond=0)
        form.client_id.data = uuid4().hex
    elif form.validate_on_submit():
        data = services.Report(
            category=form.category.data,
            severity=form.severity.data,
            occurred_at=form.occurred_at(),
            description=(form.description.data or "").strip(),
            involved_user_ids=form.involved.data or [],
            client_id=form.client_id.data or None,
            shift_id=shift.id if shift else None,
        )
        try:
            incident, created = services.report(current_user, task, data)
        except (ValidationError, Conflict) as exc:
            apply_errors(form, exc.fields or {"": exc.message}, FIELD_ALIASES)
        else:
            if created:
                flash(_("The incident is reported. The organizers have been told."), "success")
            return redirect(url_for("incidents.show", incident_id=incident.id), 303)
    return render_template(
        "incidents/report.html", form=form, task=task, shift=shift, organizer=services.organizes(current_user, task)
    ), (400 if form.errors else 200)


@bp.get("/incidents/<int:incident_id>")
@login_required
@no_store
def show(incident_id: int):
    """One incident with its follow-ups; the organizers' actions; phones for organizers only."""
    incident = services.get_incident(current_user, incident_id)
    organizer = services.can_manage(current_user, incident)
    return render_template(
        "incidents/show.html",
        incident=services.describe(current_user, incident),
        task=get_task(incident.task_id),
        organizer=organizer,
        may_follow_up=organizer or incident.reporter_id == current_user.id,
        form=UpdateForm(formdata=None),
    )


@bp.post("/incidents/<int:incident_id>/acknowledge")
@login_required
def acknowledge(incident_id: int):
    services.acknowledge(current_user, services.get_incident(current_user, incident_id))
    flash(_("Marked as acknowledged."), "success")
    return redirect(url_for("incidents.show", incident_id=incident_id), 303)


@bp.post("/incidents/<int:incident_id>/updates")
@login_required
def add_update(incident_id: int):
    incident = services.get_incident(current_user, incident_id)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.add_update(current_user, incident, form.text.data or "", close=form.close.data)
        except (ValidationError, Conflict) as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The incident is closed.") if form.close.data else _("Follow-up added."), "success")
    else:
        flash(_("Write the follow-up."), "error")
    return redirect(url_for("incidents.show", incident_id=incident_id), 303)


@bp.get("/incidents/<int:incident_id>/insurance.pdf")
@login_required
def insurance_pdf(incident_id: int):
    """The insurance packet (organizers of the task; injuries only: otherwise the incident page says why)."""
    incident = services.get_incident(current_user, incident_id)
    try:
        facts = services.insurance_facts(current_user, incident)
    except Conflict as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("incidents.show", incident_id=incident_id), 303)
    return pdf.as_download(pdf.render(facts), incident.id)


@bp.get("/org/tasks/<int:task_id>/incidents")
@login_required
@no_store
def task_list(task_id: int):
    """The post's incidents for its organizers and reviewers, open ones first."""
    task = get_task(task_id)
    permissions.require_review(current_user, task.org)
    incidents = services.describe_many(services.incidents_for(current_user, task), personal=False)
    incidents.sort(key=lambda item: item["status"] == "closed")
    return render_template(
        "incidents/list.html", task=task, incidents=incidents, organizer=services.organizes(current_user, task)
    )


@bp.get("/review/<int:org_id>/incidents")
@login_required
def summary(org_id: int):
    """Reviewers' counts: open and closed incidents per community, by category and severity."""
    counts = services.summary(current_user, get_org(org_id))
    return render_template(
        "incidents/summary.html", summary=counts, categories=texts.CATEGORIES, severities=texts.SEVERITIES
    )
