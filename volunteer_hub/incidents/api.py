"""Incident reports on a post: report (idempotent by client_id), list, follow up and close, acknowledge; the
insurance packet of an injury; counts per community for reviewers."""

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.inputs import date_error
from volunteer_hub.core.schemas import LocalDateTime, Schema, Text
from volunteer_hub.core.timeutil import now
from volunteer_hub.incidents import pdf, rules, services
from volunteer_hub.incidents.models import IncidentCategory, Severity
from volunteer_hub.orgs.services import get_org
from volunteer_hub.tasks.services import get_task

blp = Blueprint("api_incidents", __name__, description="Incident reports on a post and the insurance packet")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise validate.ValidationError(str(_l("This field is required.")))


def _plausible_time(value) -> None:
    if date_error(value):  # outside the supported years: the schema's own check says so
        return
    message = rules.occurred_at_error(value, now())
    if message:
        raise validate.ValidationError(message)


class IncidentIn(Schema):
    category = fields.String(
        required=True,
        validate=validate.OneOf([c.value for c in IncidentCategory]),
        metadata={"description": "injury (a volunteer was injured), conflict, suspected_case, equipment, other"},
    )
    severity = fields.String(required=True, validate=validate.OneOf([s.value for s in Severity]))
    occurred_at = LocalDateTime(
        required=True,
        validate=_plausible_time,
        metadata={"description": "ISO 8601 with offset; within the last 7 days, not in the future."},
    )
    description = Text(required=True, validate=[validate.Length(max=rules.DESCRIPTION_MAX), _not_blank])
    involved_user_ids = fields.List(
        fields.Integer(strict=True),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "People confirmed on the shift's roster."},
    )
    client_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=rules.CLIENT_ID_MAX),
        metadata={"description": "The phone's id of a report queued offline: sent twice, it is recorded once."},
    )
    shift_id = fields.Integer(
        load_default=None,
        metadata={"description": "Organizers: the shift it happened on (default: the shift at occurred_at)."},
    )


class PersonOut(Schema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    volunteer_no = fields.String(required=True)
    phone = fields.String(metadata={"description": "Organizers of the task only."})


class UpdateOut(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True)
    text = fields.String(required=True)
    closes = fields.Boolean(required=True)
    created_at = LocalDateTime(required=True)


class IncidentOut(Schema):
    id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    shift_id = fields.Integer(allow_none=True, required=True)
    category = fields.String(required=True)
    severity = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open, acknowledged or closed"})
    occurred_at = LocalDateTime(required=True)
    description = fields.String(required=True)
    reporter = fields.Nested(PersonOut, required=True)
    involved = fields.List(fields.Nested(PersonOut), required=True)
    acknowledged_at = LocalDateTime(allow_none=True, required=True)
    closed_at = LocalDateTime(allow_none=True, required=True)
    created_at = LocalDateTime(required=True)
    updates = fields.List(fields.Nested(UpdateOut), required=True)


class IncidentListOut(Schema):
    items = fields.List(fields.Nested(IncidentOut), required=True)


class UpdateIn(Schema):
    text = Text(required=True, validate=[validate.Length(max=rules.UPDATE_MAX), _not_blank])
    close = fields.Boolean(load_default=False, metadata={"description": "Organizers: this follow-up closes it."})


class StateCountOut(Schema):
    open = fields.Integer(required=True)
    closed = fields.Integer(required=True)


class CommunityCountOut(Schema):
    org_id = fields.Integer(required=True)
    name = fields.String(required=True)
    open = fields.Integer(required=True)
    closed = fields.Integer(required=True)
    by_category = fields.Dict(keys=fields.String(), values=fields.Nested(StateCountOut), required=True)
    by_severity = fields.Dict(keys=fields.String(), values=fields.Nested(StateCountOut), required=True)


class SummaryOut(Schema):
    org_id = fields.Integer(required=True)
    name = fields.String(required=True)
    communities = fields.List(fields.Nested(CommunityCountOut), required=True)


@blp.post("/tasks/<int:task_id>/incidents")
@blp.arguments(IncidentIn)
@blp.response(201, IncidentOut)
@blp.alt_response(200, schema=IncidentOut, description="The same client_id was sent before: that incident.")
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def report_incident(data, task_id, user):
    """Report an incident on the post: volunteers checked in on the shift it happened on (from check-in's opening
    until 2 hours after the shift, sent within 12 hours of its end), and the task's organizers. A severe one
    notifies the organizers urgently. 403 not_on_duty for anyone else."""
    incident, created = services.report(user, get_task(task_id), services.Report(**data))
    body = services.describe(user, incident)
    return body if created else (body, 200)


@blp.get("/tasks/<int:task_id>/incidents")
@blp.response(200, IncidentListOut)
@blp.errors(401, 404)
@auth_required
def list_incidents(task_id, user):
    """The post's incidents, newest first: all of them for organizers and reviewers of the task's subtree, the
    ones they reported for anyone else. Phone numbers for organizers only."""
    task = get_task(task_id)
    incidents = services.incidents_for(user, task)
    return {"items": services.describe_many(incidents, personal=services.organizes(user, task))}


@blp.get("/incidents/<int:incident_id>")
@blp.response(200, IncidentOut)
@blp.errors(401, 404)
@auth_required
def get_incident(incident_id, user):
    """One incident with its follow-ups (its reporter, organizers and reviewers of the task's subtree)."""
    return services.describe(user, services.get_incident(user, incident_id))


@blp.post("/incidents/<int:incident_id>/updates")
@blp.arguments(UpdateIn)
@blp.response(201, IncidentOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def add_update(data, incident_id, user):
    """A follow-up (organizers of the task, or the reporter); close=true (organizers) closes the incident.
    409 incident_closed once it is closed."""
    incident = services.get_incident(user, incident_id)
    services.add_update(user, incident, data["text"], close=data["close"])
    return services.describe(user, incident)


@blp.post("/incidents/<int:incident_id>/acknowledge")
@blp.response(200, IncidentOut)
@blp.errors(401, 403, 404)
@auth_required
def acknowledge(incident_id, user):
    """An organizer of the task has seen it: open -> acknowledged (again: no change)."""
    incident = services.acknowledge(user, services.get_incident(user, incident_id))
    return services.describe(user, incident)


@blp.get("/incidents/<int:incident_id>/insurance.pdf")
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="The insurance packet as a PDF file.",
)
@blp.errors(401, 403, 404, 409)
@auth_required
def insurance_pdf(incident_id, user) -> Response:
    """The insurance packet of an injury (organizers of the task): the incident, the injured volunteers' identity,
    the shift, attendance records, confirmed minutes, the organisation and the person in charge. 409 not_an_injury
    for another category."""
    facts = services.insurance_facts(user, services.get_incident(user, incident_id))
    return pdf.as_download(pdf.render(facts), facts["incident"].id)


@blp.get("/orgs/<int:org_id>/incidents/summary")
@blp.response(200, SummaryOut)
@blp.errors(401, 403, 404)
@auth_required
def incident_summary(org_id, user):
    """Open and closed incidents per community of the organisation's subtree, by category and by severity
    (reviewers and organizers of the organisation)."""
    return services.summary(user, get_org(org_id))
