"""Service hours: confirming attendees' minutes into the append-only ledger, corrections, volunteers' requests
for corrections (办法 §13), the recording deadline (§11) and anomaly flags.

Every ledger entry carries the 办法 §7 fields. Minutes are signed integers (a correction may take time away);
``hours`` is the same value in hours with two decimals, as shown to people.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.catalogue import TASK_TYPE_CODES
from volunteer_hub.claims import services as claim_services
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import NotFound
from volunteer_hub.core.schemas import Int, LocalDateTime, QueryId, Schema, Text
from volunteer_hub.core.timeutil import now
from volunteer_hub.hours import labels, queries, rules, services
from volunteer_hub.hours.models import AnomalyKind, DisputeStatus, HourDispute, HourEntry
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.schemas import OrgRef
from volunteer_hub.orgs.services import get_org
from volunteer_hub.tasks.services import get_shift

blp = Blueprint("api_hours", __name__, description="Service hours: confirmation, the ledger, corrections, deadlines")

_REASON = validate.Length(max=rules.REASON_MAX, error=_l("Use at most {max} characters."))
_MINUTES = validate.Range(
    min=-rules.MAX_ENTRY_MINUTES, max=rules.MAX_ENTRY_MINUTES, error=_l("Must be between {min} and {max}.")
)


def _one_of(choices):
    return validate.OneOf(sorted(choices), error=_l("Choose one of: {choices}."))


# --- shapes ---


class EntryOut(Schema):
    id = fields.Integer(required=True)
    date = fields.Date(required=True, metadata={"description": "Service date: the local date the shift started."})
    task = fields.String(required=True, metadata={"description": "Activity name (the task's title)."})
    task_id = fields.Integer(allow_none=True)
    shift_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    volunteer_id = fields.Integer(required=True)
    organisation = fields.String(required=True, metadata={"description": "The organising (recording) unit."})
    org_id = fields.Integer(required=True)
    place = fields.String()
    service_content = fields.String()
    task_type = fields.String()
    leader_name = fields.String(metadata={"description": "The person in charge of the activity (活动负责人)."})
    minutes = fields.Integer(required=True, metadata={"description": "Signed: a correction may be negative."})
    hours = fields.Float(required=True, metadata={"description": "minutes / 60, two decimals."})
    source = fields.String(required=True, metadata={"description": "attendance, manual or correction"})
    confirmed_by = fields.String(required=True, metadata={"description": "Name of who confirmed or corrected."})
    confirmed_at = LocalDateTime(required=True)
    corrects_id = fields.Integer(allow_none=True, metadata={"description": "The entry this one corrects."})
    reason = fields.String(allow_none=True)


class MeHoursPending(Schema):
    claim_id = fields.Integer(required=True)
    shift_id = fields.Integer(required=True)
    task = fields.String(required=True)
    organisation = fields.String(required=True, metadata={"description": "Who confirms."})
    date = fields.Date(required=True)
    proposed_minutes = fields.Integer(required=True)
    basis = fields.String(
        required=True,
        metadata={"description": "checked_in_out, no_check_out (the scheduled end was assumed) or marked_by_hand"},
    )
    basis_text = fields.String(required=True)
    confirm_by = fields.Date(required=True, metadata={"description": "The recording deadline (办法 §11)."})


class MeHoursOut(Schema):
    total_minutes = fields.Integer(required=True)
    this_month_minutes = fields.Integer()
    this_year_minutes = fields.Integer()
    entries = fields.List(
        fields.Nested(EntryOut),
        required=True,
        metadata={"description": "Every entry, corrections included (newest service date first, at most 200)."},
    )
    pending = fields.List(
        fields.Nested(MeHoursPending),
        metadata={"description": "Hours waiting for the organizer's confirmation; not in total_minutes."},
    )


class ConfirmHoursIn(Schema):
    minutes = Int(metadata={"description": "Leave out to confirm the proposed minutes."})
    reason = Text(validate=_REASON, metadata={"description": "Required when minutes differ from the proposal."})


class ConfirmSkippedOut(Schema):
    claim_id = fields.Integer(required=True)
    volunteer_id = fields.Integer(required=True)
    code = fields.String(
        required=True,
        metadata={
            "description": "already_confirmed, no_show, no_attendance, shift_not_started, shift_not_over, "
            "own_hours, ..."
        },
    )
    message = fields.String(required=True)


class ConfirmAllOut(Schema):
    entries = fields.List(fields.Nested(EntryOut), required=True)
    skipped = fields.List(fields.Nested(ConfirmSkippedOut), required=True)


class HoursPerson(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class HoursDeadlineOut(Schema):
    due = fields.Date(required=True)
    working_days_left = fields.Integer(
        required=True,
        metadata={
            "description": "Working days (Mon-Fri) after today until due; 0 on the due date, negative when overdue."
        },
    )
    overdue = fields.Boolean(required=True)


class AttendeeHoursOut(Schema):
    claim_id = fields.Integer(required=True)
    volunteer = fields.Nested(HoursPerson, required=True)
    attendance = fields.String(allow_none=True)
    checked_in_at = LocalDateTime(allow_none=True)
    checked_out_at = LocalDateTime(allow_none=True)
    basis = fields.String(required=True)
    basis_text = fields.String(required=True)
    proposed_minutes = fields.Integer(allow_none=True, metadata={"description": "null: nothing to confirm."})
    pending_check_out = fields.Boolean(required=True)
    recorded_minutes = fields.Integer(allow_none=True, metadata={"description": "The record now, corrections in."})
    entries = fields.List(fields.Nested(EntryOut), required=True)


class ShiftHoursOut(Schema):
    shift_id = fields.Integer(required=True)
    deadline = fields.Nested(HoursDeadlineOut, allow_none=True, metadata={"description": "null until the shift ends."})
    items = fields.List(fields.Nested(AttendeeHoursOut), required=True)


class HoursRequestIn(Schema):
    reason = Text(required=True, validate=_REASON)


class DisputeOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "correction (of a record) or missing"})
    volunteer = fields.Nested(HoursPerson, required=True)
    entry_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    org = fields.Nested(OrgRef, required=True, metadata={"description": "The recording unit that answers."})
    task = fields.String(required=True)
    date = fields.Date(required=True)
    recorded_minutes = fields.Integer(allow_none=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open, accepted or refused"})
    response = fields.String(allow_none=True)
    responded_by = fields.String(allow_none=True)
    responded_at = LocalDateTime(allow_none=True)
    correction_id = fields.Integer(allow_none=True)
    created_at = LocalDateTime(required=True)


class DisputesOut(Schema):
    items = fields.List(fields.Nested(DisputeOut), required=True)


class DisputesQuery(Schema):
    status = fields.String(validate=_one_of(set(DisputeStatus)))


class DisputeAcceptIn(Schema):
    total_minutes = Int(
        required=True,
        validate=validate.Range(min=0, max=rules.MAX_ENTRY_MINUTES),
        metadata={"description": "What the record should count; a correction entry adds the difference."},
    )
    response = Text(validate=_REASON)


class DisputeRefuseIn(Schema):
    response = Text(required=True, validate=_REASON)


class DisputeAcceptOut(Schema):
    dispute = fields.Nested(DisputeOut, required=True)
    entry = fields.Nested(EntryOut, required=True)


class CorrectionIn(Schema):
    volunteer_id = Int(required=True)
    minutes = Int(required=True, validate=_MINUTES, metadata={"description": "Signed change; not 0."})
    reason = Text(required=True, validate=_REASON)
    shift_id = Int(
        metadata={
            "description": "A shift the volunteer claimed: corrects that claim's record, or records hours it never got."
        }
    )
    entry_id = Int(metadata={"description": "Or: a record of the volunteer's to correct."})
    org_id = Int(
        metadata={
            "description": "Or, for service outside any shift: the recording organisation, with "
            "activity_name and service_date (positive minutes only)."
        }
    )
    activity_name = fields.String(validate=validate.Length(max=100))
    service_date = fields.Date()
    place = fields.String(validate=validate.Length(max=200))
    service_content = Text(validate=validate.Length(max=200))
    task_type = fields.String(validate=_one_of(TASK_TYPE_CODES))


class AnomalyOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": ", ".join(AnomalyKind)})
    label = fields.String(required=True)
    text = fields.String(required=True)
    org_id = fields.Integer(required=True)
    volunteer = fields.Nested(HoursPerson, allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    details = fields.Dict()
    created_at = LocalDateTime(required=True)


class AnomaliesOut(Schema):
    items = fields.List(fields.Nested(AnomalyOut), required=True)


class AnomalyQuery(Schema):
    org_id = QueryId(metadata={"description": "Only this organisation's subtree."})
    kind = fields.String(validate=_one_of(set(AnomalyKind)))


class HoursTaskRef(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class UnconfirmedOut(Schema):
    shift_id = fields.Integer(required=True)
    task = fields.Nested(HoursTaskRef, required=True)
    org = fields.Nested(OrgRef, required=True)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    waiting = fields.Integer(required=True, metadata={"description": "Attendees without confirmed hours."})
    deadline = fields.Nested(HoursDeadlineOut, required=True)
    can_confirm = fields.Boolean(required=True)


class UnconfirmedListOut(Schema):
    items = fields.List(fields.Nested(UnconfirmedOut), required=True)


class OverdueOrgOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    overdue = fields.Integer(required=True, metadata={"description": "Attendee records past the deadline."})


class OverdueListOut(Schema):
    items = fields.List(fields.Nested(OverdueOrgOut), required=True)


class OverdueQuery(Schema):
    org_id = QueryId(
        metadata={"description": "Counts in this organisation's subtree (default: all of the caller's organisations)."}
    )


# --- serialisation ---


def entry_out(entry: HourEntry) -> dict:
    return {
        "id": entry.id,
        "date": entry.service_date,
        "task": entry.activity_name,
        "task_id": entry.task_id,
        "shift_id": entry.shift_id,
        "claim_id": entry.claim_id,
        "volunteer_id": entry.volunteer_id,
        "organisation": entry.org.name,
        "org_id": entry.org_id,
        "place": entry.place,
        "service_content": entry.service_content,
        "task_type": entry.task_type,
        "leader_name": entry.leader_name,
        "minutes": entry.minutes,
        "hours": round(entry.minutes / 60, 2),
        "source": entry.source,
        "confirmed_by": entry.confirmed_by.name,
        "confirmed_at": entry.confirmed_at,
        "corrects_id": entry.corrects_id,
        "reason": entry.reason,
    }


def _deadline_out(deadline: rules.Deadline) -> dict:
    return {"due": deadline.due, "working_days_left": deadline.left, "overdue": deadline.overdue}


def _flatten(records) -> list[dict]:
    return [entry_out(e) for record in records for e in (record.entry, *record.corrections)]


def dispute_out(view: queries.DisputeView) -> dict:
    d = view.dispute
    return {
        "id": d.id,
        "kind": "correction" if d.entry_id else "missing",
        "volunteer": {"id": view.volunteer.id, "name": view.volunteer.name},
        "entry_id": d.entry_id,
        "claim_id": d.claim_id,
        "org": view.org,
        "task": view.activity,
        "date": view.service_date,
        "recorded_minutes": view.record.minutes if view.record else None,
        "reason": d.reason,
        "status": d.status,
        "response": d.response,
        "responded_by": view.responder.name if view.responder else None,
        "responded_at": d.responded_at,
        "correction_id": d.correction_id,
        "created_at": d.created_at,
    }


def _one_dispute_out(dispute: HourDispute) -> dict:
    return dispute_out(queries.describe_disputes([dispute])[0])


# --- confirmation ---


@blp.post("/claims/<int:claim_id>/confirm")
@blp.arguments(ConfirmHoursIn)
@blp.response(201, EntryOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def confirm(data, claim_id, user):
    """Confirm an attendee's minutes into the ledger (organizers of the task's organisation subtree; not your own
    hours, nor a shift you served on). Without minutes the proposal is confirmed; other minutes need a reason.
    409 `already_confirmed` when the claim has its entry (correct it instead), `shift_not_started`,
    `shift_not_over`, `no_show`, `no_attendance`. Minutes are at most the time since the shift began."""
    claim = claim_services.get_claim(claim_id)
    return entry_out(services.confirm_hours(user, claim, minutes=data.get("minutes"), reason=data.get("reason")))


@blp.post("/shifts/<int:shift_id>/confirm-all")
@blp.response(200, ConfirmAllOut)
@blp.errors(401, 403, 404)
@auth_required
def confirm_all(shift_id, user):
    """Confirm the proposed minutes of every attendee of the shift still waiting; the others are listed in
    `skipped` with the reason."""
    result = services.confirm_all(user, get_shift(shift_id))
    return {"entries": [entry_out(e) for e in result.entries], "skipped": result.skipped}


@blp.get("/shifts/<int:shift_id>/hours")
@blp.response(200, ShiftHoursOut)
@blp.errors(401, 403, 404)
@auth_required
def shift_hours(shift_id, user):
    """Each attendee of a shift: attendance, the proposed minutes and why, and the entries recorded
    (organizers and reviewers of the task's organisation subtree)."""
    shift = get_shift(shift_id)
    permissions.require_review(user, shift.task.org)
    deadline = rules.deadline(shift.ends_at) if shift.ends_at <= now() else None
    items = []
    for row in queries.shift_rows(shift):
        items.append(
            {
                "claim_id": row.claim.id,
                "volunteer": {"id": row.user.id, "name": row.user.name},
                "attendance": row.facts.attendance,
                "checked_in_at": row.facts.checked_in_at,
                "checked_out_at": row.facts.checked_out_at,
                "basis": row.proposal.basis,
                "basis_text": labels.basis_text(row.proposal),
                "proposed_minutes": row.proposal.minutes,
                "pending_check_out": row.proposal.pending_check_out,
                "recorded_minutes": row.record.minutes if row.record else None,
                "entries": _flatten([row.record]) if row.record else [],
            }
        )
    return {"shift_id": shift.id, "deadline": _deadline_out(deadline) if deadline else None, "items": items}


# --- the volunteer's ledger and requests ---


@blp.get("/me/hours")
@blp.response(200, MeHoursOut)
@blp.errors(401)
@auth_required
def my_hours(user):
    """My confirmed total and every ledger entry (corrections included, each pointing at what it corrects),
    plus hours still waiting for confirmation."""
    mine = queries.my_hours(user)
    return {
        "total_minutes": mine.total,
        "this_month_minutes": mine.this_month,
        "this_year_minutes": mine.this_year,
        "entries": _flatten(mine.records),
        "pending": [
            {
                "claim_id": p.claim.id,
                "shift_id": p.claim.shift_id,
                "task": p.claim.shift.task.title,
                "organisation": p.claim.shift.task.org.name,
                "date": p.deadline.activity_day,
                "proposed_minutes": p.proposal.minutes,
                "basis": p.proposal.basis,
                "basis_text": labels.basis_text(p.proposal),
                "confirm_by": p.deadline.due,
            }
            for p in mine.pending
        ],
    }


@blp.get("/me/hours/disputes")
@blp.response(200, DisputesOut)
@blp.errors(401)
@auth_required
def my_disputes(user):
    """My requests for corrections and their answers, newest first."""
    return {"items": [dispute_out(v) for v in queries.describe_disputes(queries.disputes_of(user))]}


@blp.post("/hours/<int:entry_id>/disputes")
@blp.arguments(HoursRequestIn)
@blp.response(201, DisputeOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def open_dispute(data, entry_id, user):
    """Ask the recording organisation to correct one of my entries (my own entries only; 409 `dispute_open`
    while an earlier request about it waits for an answer)."""
    entry = queries.get_entry(entry_id)
    if entry is None or entry.volunteer_id != user.id:
        raise NotFound(_l("No such record."))
    return _one_dispute_out(services.open_dispute(user, entry, data["reason"]))


@blp.post("/claims/<int:claim_id>/missing-hours")
@blp.arguments(HoursRequestIn)
@blp.response(201, DisputeOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def report_missing(data, claim_id, user):
    """Report hours missing for one of my claims on a shift that is over (409 `already_recorded` when it has
    an entry: dispute that instead)."""
    claim = claim_services.get_own_claim(user, claim_id)
    return _one_dispute_out(services.report_missing(user, claim, data["reason"]))


# --- organizers: corrections and requests ---


@blp.post("/hours/corrections")
@blp.arguments(CorrectionIn)
@blp.response(201, EntryOut)
@blp.errors(400, 401, 403, 409)
@auth_required
def correct(data, user):
    """Write a correction entry for a volunteer (organizers of the organisation subtree concerned). Say what it
    is for with `shift_id` (a shift the volunteer claimed), `entry_id` (one of their entries) or `org_id` with
    `activity_name` and `service_date` (service outside any shift). Entries are never edited: the correction
    is a new entry pointing at the first entry of the record."""
    data["content"] = data.pop("service_content", None)
    return entry_out(services.correct_hours(user, **data))


@blp.get("/hours/disputes")
@blp.arguments(DisputesQuery, location="query")
@blp.response(200, DisputesOut)
@blp.errors(400, 401)
@auth_required
def list_disputes(query, user):
    """Volunteers' requests addressed to organisations I organize or review: open ones first."""
    return {
        "items": [
            dispute_out(v) for v in queries.describe_disputes(queries.disputes_for(user, status=query.get("status")))
        ]
    }


@blp.post("/hours/disputes/<int:dispute_id>/accept")
@blp.arguments(DisputeAcceptIn)
@blp.response(200, DisputeAcceptOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def accept_dispute(data, dispute_id, user):
    """Accept a request: a correction entry brings the record to `total_minutes` (409 `dispute_answered` once
    answered)."""
    dispute = services.get_dispute_for(user, dispute_id, manage=True)
    dispute, entry = services.accept_dispute(user, dispute, data["total_minutes"], data.get("response"))
    return {"dispute": _one_dispute_out(dispute), "entry": entry_out(entry)}


@blp.post("/hours/disputes/<int:dispute_id>/refuse")
@blp.arguments(DisputeRefuseIn)
@blp.response(200, DisputeOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def refuse_dispute(data, dispute_id, user):
    """Refuse a request with a reason the volunteer sees."""
    dispute = services.get_dispute_for(user, dispute_id, manage=True)
    return _one_dispute_out(services.refuse_dispute(user, dispute, data["response"]))


# --- deadlines and anomalies ---


@blp.get("/hours/unconfirmed")
@blp.response(200, UnconfirmedListOut)
@blp.errors(401)
@auth_required
def unconfirmed(user):
    """Ended shifts in my organisations whose attendees still wait for hours, most urgent first, with the
    recording deadline (10 working days, Monday to Friday; public holidays are not modelled)."""
    return {
        "items": [
            {
                "shift_id": item.shift.id,
                "task": item.shift.task,
                "org": item.shift.task.org,
                "starts_at": item.shift.starts_at,
                "ends_at": item.shift.ends_at,
                "waiting": item.waiting,
                "deadline": _deadline_out(item.deadline),
                "can_confirm": item.can_manage,
            }
            for item in queries.unconfirmed_shifts(user)
        ]
    }


@blp.get("/hours/overdue")
@blp.arguments(OverdueQuery, location="query")
@blp.response(200, OverdueListOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def overdue(query, user):
    """Attendee records past the recording deadline and still unconfirmed, per organisation owning the task
    (organizers and reviewers)."""
    scope = None
    if query.get("org_id") is not None:
        scope = get_org(query["org_id"])
        permissions.require_review(user, scope)
    pairs = queries.overdue_by_org(user, scope_org=scope)
    return {"items": [{"org": org, "overdue": count} for org, count in pairs]}


@blp.get("/hours/anomalies")
@blp.arguments(AnomalyQuery, location="query")
@blp.response(200, AnomaliesOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def anomalies(query, user):
    """Anomaly flags for review in my organisations (or one organisation's subtree), newest first. They never
    blocked a confirmation."""
    org = None
    if query.get("org_id") is not None:
        org = get_org(query["org_id"])
        permissions.require_review(user, org)
    flags = queries.anomalies_for(user, org=org, kind=query.get("kind"))
    names = queries.users_by_id([f.volunteer_id for f in flags] + [(f.details or {}).get("actor_id") for f in flags])
    return {
        "items": [
            {
                "id": f.id,
                "kind": f.kind,
                "label": labels.anomaly_label(f.kind),
                "text": labels.anomaly_text(f, names),
                "org_id": f.org_id,
                "claim_id": f.claim_id,
                "entry_id": f.entry_id,
                "details": f.details,
                "volunteer": (
                    {"id": f.volunteer_id, "name": names[f.volunteer_id].name} if f.volunteer_id in names else None
                ),
                "created_at": f.created_at,
            }
            for f in flags
        ]
    }
