"""Service-hours use cases: confirm attendees' minutes into the ledger, correct records, volunteers' requests
for corrections (办法 §13) and the recording-deadline reminders (§11). One transaction each.

The ledger (hours.models.HourEntry) is append-only: nothing here updates or deletes an entry. A claim is
confirmed once (a partial unique index); every later change is a correction entry that points at the first
entry of the record (corrects_id) and says why.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.audit import services as audit
from volunteer_hub.catalogue import task_type_name
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.db import get_row, updated_rows
from volunteer_hub.core.errors import Conflict, DomainError, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.timeutil import local_to_utc, now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.hours import anomalies, queries, rules
from volunteer_hub.hours.models import DisputeStatus, EntrySource, HourDispute, HourEntry
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.tasks.models import Shift, Task

CONTENT_MAX = 200


# --- the §7 fields of a record ---


def service_content(task: Task) -> str:
    """What was done, short: the task type's name and the description, in the platform's language."""
    kind = task_type_name(task.type, current_app.config["BABEL_DEFAULT_LOCALE"])
    text = re.sub(r"\s+", " ", task.description or "").strip()
    content = f"{kind}：{text}" if text else kind
    return content if len(content) <= CONTENT_MAX else content[: CONTENT_MAX - 1] + "…"


def record_fields(task: Task, shift: Shift, actor: User) -> dict:
    """Activity name, service date (the local date the shift started: a night shift counts on its start
    date), place, service content, task type, organising unit and the person in charge."""
    return {
        "activity_name": task.title[:100],
        "service_date": to_local(shift.starts_at).date(),
        "place": (task.address or "")[:200],
        "service_content": service_content(task),
        "task_type": task.type,
        "org_id": task.org_id,
        "task_id": task.id,
        "shift_id": shift.id,
        "leader_name": (task.leader_name or actor.name)[:50],
    }


def _copied_fields(root: HourEntry) -> dict:
    names = (
        "activity_name",
        "service_date",
        "place",
        "service_content",
        "task_type",
        "org_id",
        "task_id",
        "shift_id",
        "leader_name",
        "claim_id",
        "team_id",
    )
    return {name: getattr(root, name) for name in names}


def _already_confirmed(claim_id: int) -> Conflict:
    entry = queries.root_entry_of_claim(claim_id)
    return Conflict(
        _l("These hours are already confirmed; correct the record if they are wrong."),
        code="already_confirmed",
        entry_id=entry.id if entry else None,
    )


def _check_confirmer(actor: User, volunteer_id: int | None, shift: Shift, claim_id: int | None) -> None:
    """Nobody confirms or corrects their own hours, nor hours of a shift they served on. A refused attempt
    is flagged for the reviewers all the same."""
    try:
        if volunteer_id is not None:
            rules.check_not_own(actor, volunteer_id)
        rules.check_not_attendee(actor, queries.attendee_ids(shift.id))
    except NotAllowed as exc:
        atomic(anomalies.refused_confirmation, actor, shift, volunteer_id, claim_id, exc.code)
        raise


# --- confirmation ---


def confirm_hours(actor: User, claim: Claim, *, minutes: int | None = None, reason: str | None = None) -> HourEntry:
    """Confirm one attendee's minutes: the proposal, or adjusted minutes with a reason. Writes one entry."""
    shift = claim.shift
    permissions.require_manage(actor, shift.task.org)
    _check_confirmer(actor, claim.user_id, shift, claim.id)
    rules.check_claim_served(claim)
    facts = queries.attendance_facts([claim])[claim.id]
    rules.check_shift_over(shift, facts)
    if queries.root_entry_of_claim(claim.id) is not None:
        raise _already_confirmed(claim.id)
    proposal = rules.propose(shift, facts)
    rules.check_proposal(proposal)
    assert proposal.minutes is not None  # check_proposal refuses a proposal without minutes
    minutes = proposal.minutes if minutes is None else minutes
    reason = (reason or "").strip() or None
    rules.check_minutes(minutes, proposal.minutes, reason, served_at_most=rules.minutes_since_start(shift))
    try:
        return atomic(_write_confirmation, actor, claim, facts, proposal, minutes, reason)
    except sa.exc.IntegrityError:
        # Someone confirmed the same claim a moment ago: the partial unique index let only one through.
        raise _already_confirmed(claim.id) from None


def _write_confirmation(
    actor: User, claim: Claim, facts, proposal: rules.Proposal, minutes: int, reason: str | None
) -> HourEntry:
    shift = claim.shift
    source = EntrySource.MANUAL if proposal.basis == rules.Basis.MARKED_BY_HAND else EntrySource.ATTENDANCE
    entry = HourEntry(
        volunteer_id=claim.user_id,
        claim_id=claim.id,
        minutes=minutes,
        source=source,
        reason=reason,
        confirmed_by_id=actor.id,
        confirmed_at=now(),
        team_id=claim.team_id,
        **record_fields(shift.task, shift, actor),
    )
    db.session.add(entry)
    db.session.flush()
    _mark_claim_recorded(claim.id, entry.confirmed_at)
    audit.record(
        actor.id,
        "hours.confirmed",
        "hour_entry",
        entry.id,
        claim_id=claim.id,
        minutes=minutes,
        proposed=proposal.minutes,
        basis=str(proposal.basis),
        reason=reason,
    )
    anomalies.check_entry(entry, claim, shift, facts)
    notify(
        claim.user_id,
        "hours_confirmed",
        task_id=shift.task_id,
        dedupe_key=f"hours_confirmed:claim:{claim.id}",
        task=entry.activity_name,
        date=entry.service_date.isoformat(),
        minutes=minutes,
    )
    return entry


def _mark_claim_recorded(claim_id: int, at) -> None:
    """The claim has its service record: it leaves the "hours to confirm" index (only the first entry sets it)."""
    db.session.execute(
        sa.update(Claim).where(Claim.id == claim_id, Claim.hours_confirmed_at.is_(None)).values(hours_confirmed_at=at)
    )


@dataclass
class ConfirmAllResult:
    entries: list[HourEntry] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {claim_id, volunteer_id, code, message}


def confirm_all(actor: User, shift: Shift) -> ConfirmAllResult:
    """Confirm the proposal of every attendee still waiting; the others are listed with the reason."""
    permissions.require_manage(actor, shift.task.org)
    _check_confirmer(actor, None, shift, None)
    result = ConfirmAllResult()
    for row in queries.shift_rows(shift):
        claim = row.claim
        try:
            if claim.user_id == actor.id:
                rules.check_not_own(actor, claim.user_id)  # skipped, not flagged: nobody asked for it
            result.entries.append(confirm_hours(actor, claim))
        except DomainError as exc:
            result.skipped.append(
                {"claim_id": claim.id, "volunteer_id": claim.user_id, "code": exc.code, "message": str(exc.message)}
            )
    return result


# --- corrections ---


@dataclass
class _Correction:
    """What a checked correction will write: whose, which §7 fields, and which record it corrects."""

    volunteer_id: int
    fields: dict
    corrects_id: int | None

    @property
    def takes_claim(self) -> bool:  # it becomes the claim's record, guarded by the unique index
        return self.corrects_id is None and self.fields.get("claim_id") is not None


def correct_hours(
    actor: User,
    *,
    volunteer_id,
    minutes: int,
    reason: str | None,
    shift_id=None,
    entry_id=None,
    org_id=None,
    activity_name: str | None = None,
    service_date: date | None = None,
    place: str | None = None,
    content: str | None = None,
    task_type: str | None = None,
) -> HourEntry:
    """Write a correction entry (minutes may be negative) for a volunteer. Three ways to say what it is for:

    - entry_id: a record of the volunteer's; the correction points at it;
    - shift_id: a shift the volunteer claimed; the correction points at that claim's record if it has one,
      else it becomes the claim's record (hours that were never confirmed);
    - org_id with activity_name and service_date: service outside any shift on the platform, recorded by that
      organisation (positive minutes only: there is nothing to take time away from).
    """
    reason = (reason or "").strip() or None
    volunteer = db.session.get(User, volunteer_id) if isinstance(volunteer_id, int) else None
    if volunteer is None:
        raise ValidationError(fields={"volunteer_id": _l("No such volunteer.")})
    if entry_id is not None:
        root = queries.get_entry(entry_id)
        if root is None or root.volunteer_id != volunteer.id:
            raise ValidationError(fields={"entry_id": _l("This volunteer has no such record.")})
        plan = _plan_record_correction(actor, queries.record_root(root), minutes, reason)
    elif shift_id is not None:
        plan = _plan_shift_correction(actor, volunteer, shift_id, minutes, reason)
    else:
        plan = _plan_outside_shifts(
            actor,
            volunteer,
            org_id,
            minutes,
            reason,
            activity_name=activity_name,
            service_date=service_date,
            place=place,
            content=content,
            task_type=task_type,
        )
    return _write(plan, _write_correction, actor, plan, minutes, reason)


def correct_record_to(actor: User, entry: HourEntry, total_minutes: int, reason: str | None) -> HourEntry:
    """Correct a record so that it counts total_minutes (the organizer's correction form)."""
    root = queries.record_root(entry)
    reason = (reason or "").strip() or None
    minutes = total_minutes - queries.net_minutes(root)
    with _messages_on_total():
        plan = _plan_record_correction(actor, root, minutes, reason)
    return _write(plan, _write_correction, actor, plan, minutes, reason)


@contextmanager
def _messages_on_total():
    """The user entered the total a record should count: put messages about the change on that field."""
    try:
        yield
    except ValidationError as exc:
        if "minutes" in exc.fields:
            exc.fields["total_minutes"] = exc.fields.pop("minutes")
        raise


def _write(plan: _Correction, work, *args):
    try:
        return atomic(work, *args)
    except sa.exc.IntegrityError:
        if plan.takes_claim:  # confirmed by someone else a moment ago
            raise _already_confirmed(plan.fields["claim_id"]) from None
        raise


def _plan_record_correction(actor: User, root: HourEntry, minutes: int, reason: str | None) -> _Correction:
    permissions.require_manage(actor, get_row(db.session, Organisation, root.org_id))
    if root.shift_id:
        _check_confirmer(actor, root.volunteer_id, get_row(db.session, Shift, root.shift_id), root.claim_id)
    else:
        rules.check_not_own(actor, root.volunteer_id)
    rules.check_correction(minutes, reason, net_before=queries.net_minutes(root))
    return _Correction(root.volunteer_id, _copied_fields(root), root.id)


def _plan_shift_correction(actor: User, volunteer: User, shift_id, minutes: int, reason: str | None) -> _Correction:
    shift = db.session.get(Shift, shift_id) if isinstance(shift_id, int) else None
    if shift is None:
        raise ValidationError(fields={"shift_id": _l("No such shift.")})
    permissions.require_manage(actor, shift.task.org)
    claim = _claim_on(volunteer.id, shift.id)
    if claim is None:
        raise ValidationError(fields={"shift_id": _l("%(name)s did not sign up for this shift.", name=volunteer.name)})
    root = queries.root_entry_of_claim(claim.id)
    if root is not None:
        return _plan_record_correction(actor, root, minutes, reason)
    return _plan_claim_record(actor, claim, minutes, reason)


def _plan_claim_record(actor: User, claim: Claim, minutes: int, reason: str | None) -> _Correction:
    """Hours for a claim that has none: the correction becomes the claim's record (it takes the claim's
    one confirmation, so a later confirmation is refused as already done)."""
    shift = claim.shift
    permissions.require_manage(actor, shift.task.org)
    _check_confirmer(actor, claim.user_id, shift, claim.id)
    rules.check_shift_over(shift, queries.attendance_facts([claim])[claim.id])
    rules.check_correction(minutes, reason, net_before=None, served_at_most=rules.minutes_since_start(shift))
    return _Correction(
        claim.user_id, record_fields(shift.task, shift, actor) | {"claim_id": claim.id, "team_id": claim.team_id}, None
    )


def _plan_outside_shifts(
    actor: User,
    volunteer: User,
    org_id,
    minutes: int,
    reason: str | None,
    *,
    activity_name,
    service_date,
    place,
    content,
    task_type,
) -> _Correction:
    org = db.session.get(Organisation, org_id) if isinstance(org_id, int) else None
    errors = {}
    if org is None:
        errors["org_id"] = (
            _l("No such organisation.")
            if org_id is not None
            else _l("Give shift_id, entry_id, or org_id with the activity.")
        )
    if not strip_text(activity_name):
        errors["activity_name"] = _l("Name the activity.")
    rules.check_service_date(service_date, errors)
    if errors or org is None:  # no organisation: errors says why
        raise ValidationError(fields=errors)
    permissions.require_manage(actor, org)
    rules.check_not_own(actor, volunteer.id)
    rules.check_correction(minutes, reason, net_before=None)
    kind = task_type or "other"
    fields = {
        "activity_name": activity_name.strip()[:100],
        "service_date": service_date,
        "place": (place or "").strip()[:200],
        "task_type": kind,
        "org_id": org.id,
        "leader_name": actor.name[:50],
        "service_content": (content or "").strip()[:CONTENT_MAX]
        or task_type_name(kind, current_app.config["BABEL_DEFAULT_LOCALE"]),
    }
    return _Correction(volunteer.id, fields, None)


def _claim_on(user_id: int, shift_id: int) -> Claim | None:
    """The volunteer's claim on the shift: the one that held a place, else the latest."""
    return db.session.execute(
        sa.select(Claim)
        .where(Claim.user_id == user_id, Claim.shift_id == shift_id)
        .order_by((Claim.status != ClaimStatus.CONFIRMED), Claim.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _write_correction(
    actor: User, plan: _Correction, minutes: int, reason: str, *, dispute: HourDispute | None = None
) -> HourEntry:
    entry = HourEntry(
        volunteer_id=plan.volunteer_id,
        minutes=minutes,
        source=EntrySource.CORRECTION,
        reason=reason,
        corrects_id=plan.corrects_id,
        confirmed_by_id=actor.id,
        confirmed_at=now(),
        **plan.fields,
    )
    db.session.add(entry)
    db.session.flush()
    if plan.takes_claim and entry.claim_id is not None:  # takes_claim: the plan names the claim
        _mark_claim_recorded(entry.claim_id, entry.confirmed_at)
    audit.record(
        actor.id,
        "hours.corrected",
        "hour_entry",
        entry.id,
        corrects_id=plan.corrects_id,
        minutes=minutes,
        reason=reason,
        dispute_id=dispute.id if dispute else None,
    )
    if entry.claim_id:
        claim = get_row(db.session, Claim, entry.claim_id)
        anomalies.check_entry(entry, claim, claim.shift, queries.attendance_facts([claim])[claim.id])
    if dispute is None:
        notify(
            plan.volunteer_id,
            "hours_corrected",
            task_id=entry.task_id,
            dedupe_key=f"hours_corrected:{entry.id}",
            task=entry.activity_name,
            date=entry.service_date.isoformat(),
            minutes=minutes,
            total=queries.net_minutes(get_row(db.session, HourEntry, plan.corrects_id) if plan.corrects_id else entry),
            reason=reason,
        )
    return entry


# --- volunteers' requests for corrections (办法 §13) ---


def _check_request_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    errors: dict = {}
    if not reason:
        errors["reason"] = _l("Say what is wrong, so the organizer can check it.")
    rules.check_reason_length(reason, errors)
    if errors:
        raise ValidationError(fields=errors)
    return reason


def _open_dispute_exists(*, entry_id=None, claim_id=None) -> bool:
    query = sa.select(HourDispute.id).where(HourDispute.status == DisputeStatus.OPEN)
    query = (
        query.where(HourDispute.entry_id == entry_id)
        if entry_id
        else query.where(HourDispute.claim_id == claim_id, HourDispute.entry_id.is_(None))
    )
    return db.session.execute(query.limit(1)).first() is not None


def _already_requested() -> Conflict:
    return Conflict(
        _l("You already asked for a correction of this; the organizer will answer it."), code="dispute_open"
    )


def open_dispute(volunteer: User, entry: HourEntry, reason: str | None) -> HourDispute:
    """The volunteer questions one of their records; the recording unit's organizers are told."""
    if entry.volunteer_id != volunteer.id:
        raise NotFound(_l("No such record."))
    root = queries.record_root(entry)
    reason = _check_request_reason(reason)
    if _open_dispute_exists(entry_id=root.id):
        raise _already_requested()
    return atomic(
        _file_dispute,
        volunteer,
        root.org_id,
        reason,
        entry=root,
        claim_id=root.claim_id,
        task=root.activity_name,
        day=root.service_date,
    )


def report_missing(volunteer: User, claim: Claim, reason: str | None) -> HourDispute:
    """The volunteer reports hours missing for a claim of theirs on a shift that is over."""
    if claim.user_id != volunteer.id:
        raise NotFound(_l("No such claim."))
    shift = claim.shift
    if shift.ends_at > now() and claim.checked_out_at is None:
        raise Conflict(_l("The shift has not ended yet."), code="shift_not_over")
    entry = queries.root_entry_of_claim(claim.id)
    if entry is not None:
        raise Conflict(
            _l("These hours are recorded; ask for a correction of the record instead."),
            code="already_recorded",
            entry_id=entry.id,
        )
    reason = _check_request_reason(reason)
    if _open_dispute_exists(claim_id=claim.id):
        raise _already_requested()
    return atomic(
        _file_dispute,
        volunteer,
        shift.task.org_id,
        reason,
        entry=None,
        claim_id=claim.id,
        task=shift.task.title,
        day=to_local(shift.starts_at).date(),
    )


def _file_dispute(
    volunteer: User, org_id: int, reason: str, *, entry: HourEntry | None, claim_id: int | None, task: str, day: date
) -> HourDispute:
    dispute = HourDispute(
        volunteer_id=volunteer.id,
        entry_id=entry.id if entry else None,
        claim_id=claim_id,
        org_id=org_id,
        reason=reason,
        created_at=now(),
    )
    db.session.add(dispute)
    db.session.flush()
    audit.record(
        volunteer.id,
        "hours.dispute_opened",
        "dispute",
        dispute.id,
        entry_id=dispute.entry_id,
        claim_id=claim_id,
        reason=reason,
    )
    kind = "hours_disputed" if entry else "hours_missing_reported"
    for organizer_id in queries.organizers_to_notify(get_row(db.session, Organisation, org_id)):
        if organizer_id != volunteer.id:
            notify(
                organizer_id,
                kind,
                dedupe_key=f"dispute:{dispute.id}:opened",
                name=volunteer.name,
                task=task,
                date=day.isoformat(),
                dispute_id=dispute.id,
            )
    return dispute


def get_dispute_for(user: User, dispute_id, *, manage: bool = False) -> HourDispute:
    """A request as its recording unit sees it: organizers and reviewers of the subtree read it, organizers
    (manage=True) answer it."""
    dispute = queries.get_dispute(dispute_id)
    if dispute is None:
        raise NotFound(_l("No such request."))
    org = get_row(db.session, Organisation, dispute.org_id)
    (permissions.require_manage if manage else permissions.require_review)(user, org)
    return dispute


def _answerable(actor: User, dispute: HourDispute) -> None:
    permissions.require_manage(actor, get_row(db.session, Organisation, dispute.org_id))
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(_l("This request was already answered."), code="dispute_answered")


def _close(dispute: HourDispute, actor: User, status: str, response: str | None, correction_id: int | None = None):
    """Answer an open dispute once: a second answer (another organizer, a double tap) finds it closed and its
    transaction, correction included, is rolled back."""
    changed = updated_rows(
        db.session.execute(
            sa.update(HourDispute)
            .where(HourDispute.id == dispute.id, HourDispute.status == DisputeStatus.OPEN)
            .values(
                status=status,
                response=response,
                responded_by_id=actor.id,
                responded_at=now(),
                correction_id=correction_id,
            )
            .execution_options(synchronize_session=False)
        )
    )
    if changed != 1:
        raise Conflict(_l("This request was already answered."), code="dispute_answered")
    db.session.expire(dispute)


def accept_dispute(
    actor: User, dispute: HourDispute, total_minutes: int, response: str | None = None
) -> tuple[HourDispute, HourEntry]:
    """Accept a volunteer's request: a correction entry brings the record to total_minutes."""
    _answerable(actor, dispute)
    response = (response or "").strip() or None
    rules.check_answer(response, required=False)
    reason = response or dispute.reason
    root = (
        db.session.get(HourEntry, dispute.entry_id)
        if dispute.entry_id
        else queries.root_entry_of_claim(dispute.claim_id)
        if dispute.claim_id
        else None
    )  # a missing record may have been confirmed since
    with _messages_on_total():
        if root is not None:
            minutes = total_minutes - queries.net_minutes(root)
            plan = _plan_record_correction(actor, root, minutes, reason)
        else:
            minutes = total_minutes
            plan = _plan_claim_record(actor, get_row(db.session, Claim, dispute.claim_id), minutes, reason)
    entry = _write(plan, _accept, actor, dispute, plan, minutes, reason, response, total_minutes)
    return dispute, entry


def _accept(
    actor: User, dispute: HourDispute, plan: _Correction, minutes: int, reason: str, response: str | None, total: int
) -> HourEntry:
    entry = _write_correction(actor, plan, minutes, reason, dispute=dispute)
    _close(dispute, actor, DisputeStatus.ACCEPTED, response, entry.id)
    audit.record(
        actor.id,
        "hours.dispute_accepted",
        "dispute",
        dispute.id,
        correction_id=entry.id,
        total=total,
        response=response,
    )
    notify(
        dispute.volunteer_id,
        "hours_dispute_accepted",
        task_id=entry.task_id,
        dedupe_key=f"dispute:{dispute.id}:answered",
        task=entry.activity_name,
        date=entry.service_date.isoformat(),
        total=total,
        response=response,
    )
    return entry


def refuse_dispute(actor: User, dispute: HourDispute, response: str | None) -> HourDispute:
    """Refuse a volunteer's request, saying why; the record stays as it is."""
    _answerable(actor, dispute)
    response = (response or "").strip() or None
    rules.check_answer(response, required=True)
    atomic(_refuse, actor, dispute, response)
    return dispute


def _refuse(actor: User, dispute: HourDispute, response: str) -> None:
    _close(dispute, actor, DisputeStatus.REFUSED, response)
    audit.record(actor.id, "hours.dispute_refused", "dispute", dispute.id, response=response)
    task, day = dispute_subject(dispute)
    notify(
        dispute.volunteer_id,
        "hours_dispute_refused",
        dedupe_key=f"dispute:{dispute.id}:answered",
        task=task,
        date=day.isoformat(),
        response=response,
    )


def dispute_subject(dispute: HourDispute) -> tuple[str, date]:
    """The activity name and service date a dispute is about."""
    if dispute.entry_id:
        entry = get_row(db.session, HourEntry, dispute.entry_id)
        return entry.activity_name, entry.service_date
    shift = get_row(db.session, Claim, dispute.claim_id).shift
    return shift.task.title, to_local(shift.starts_at).date()


# --- the recording deadline ---


def remind_unconfirmed(today: date | None = None) -> int:
    """Remind the organizers of shifts whose attendees still wait for hours HOURS_REMIND_AT_WORKING_DAYS
    (default 7 and 9) working days after the shift, once for each; only the latest due reminder is sent.
    Returns how many notifications were created."""
    today = today or rules.local_today()
    thresholds = sorted(current_app.config["HOURS_REMIND_AT_WORKING_DAYS"])
    # Reminders stop at the deadline: shifts that ended before the first day not yet overdue need none.
    sent = 0
    for shift, waiting in queries.shifts_due_for_reminder(local_to_utc(rules.overdue_before(today), time(0, 0))):
        due = rules.deadline(shift.ends_at, today)
        reached = [days for days in thresholds if days <= due.elapsed]
        if reached and not due.overdue:
            sent += atomic(_remind, shift, waiting, reached[-1], due)
    return sent


def _remind(shift: Shift, waiting: int, threshold: int, due: rules.Deadline) -> int:
    task = shift.task
    created = 0
    for organizer_id in queries.organizers_to_notify(task.org):
        created += (
            notify(
                organizer_id,
                "hours_unconfirmed",
                task_id=task.id,
                dedupe_key=f"hours_deadline:{threshold}:shift:{shift.id}",
                task=task.title,
                starts_at=shift.starts_at.isoformat(),
                ends_at=shift.ends_at.isoformat(),
                waiting=waiting,
                due=due.due.isoformat(),
                shift_id=shift.id,
            )
            is not None
        )
    return created
