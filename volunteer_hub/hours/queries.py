"""Read-side queries for service hours: proposals per shift, a volunteer's records, what awaits confirmation
and what is overdue, disputes and anomaly flags in an organisation subtree."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from volunteer_hub.accounts.models import User
from volunteer_hub.attendance.queries import attendance_of, offline_records  # noqa: F401 (for the views)
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.core.db import get_row
from volunteer_hub.core.timeutil import local_to_utc, now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.hours import rules
from volunteer_hub.hours.models import AnomalyFlag, DisputeStatus, HourDispute, HourEntry
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation, Role, RoleGrant
from volunteer_hub.tasks.models import Shift, Task

# A claim whose volunteer served: present (checked in or marked) and not a no-show.
ATTENDED = sa.and_(
    Claim.status == ClaimStatus.CONFIRMED,
    sa.func.coalesce(Claim.attendance, "") != Attendance.NO_SHOW,
    sa.or_(Claim.attendance == Attendance.PRESENT, Claim.checked_in_at.is_not(None)),
)
# Attended claims without their service record yet (hours_confirmed_at is set with the claim's first entry).
# Written as the partial index ix_claims_hours_to_confirm's own condition, the literal 'present' included,
# so SQLite and PostgreSQL read that small index instead of every claim. Check-in always sets attendance to
# present, so this is ATTENDED without a record.
TO_CONFIRM = sa.and_(
    Claim.status == ClaimStatus.CONFIRMED,
    Claim.attendance == sa.literal_column(f"'{Attendance.PRESENT.value}'"),
    Claim.hours_confirmed_at.is_(None),
)


# --- attendance as the hours see it ---


def attendance_facts(claims) -> dict[int, rules.AttendanceFacts]:
    """{claim id: AttendanceFacts} for the claims, as the attendance module summarises them."""
    return {
        claim_id: rules.AttendanceFacts(s.attendance, s.checked_in_at, s.checked_out_at)
        for claim_id, s in attendance_of(claims).items()
    }


def attendee_ids(shift_id: int) -> set[int]:
    """Users who served on the shift (they may not confirm its hours)."""
    return set(db.session.execute(sa.select(Claim.user_id).where(Claim.shift_id == shift_id, ATTENDED)).scalars())


# --- the ledger ---


@dataclass
class Record:
    """A service record as people read it: the entry and the corrections written against it."""

    entry: HourEntry
    corrections: list[HourEntry] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return self.entry.minutes + sum(c.minutes for c in self.corrections)

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)


def group_records(entries) -> list[Record]:
    """Entries (in display order) grouped as records; corrections attach to the entry they correct."""
    records: dict[int, Record] = {}
    for entry in entries:
        if entry.corrects_id is None:
            records[entry.id] = Record(entry)
    for entry in entries:
        if entry.corrects_id is not None:
            root = records.get(entry.corrects_id)
            if root is None:  # its root lies outside the loaded page: show it on its own
                records[entry.id] = root = Record(entry)
            else:
                root.corrections.append(entry)
    return list(records.values())


def record_root(entry: HourEntry) -> HourEntry:
    """The entry a correction of this entry must point at (corrections always point at the first entry)."""
    return get_row(db.session, HourEntry, entry.corrects_id) if entry.corrects_id else entry


def net_minutes(root: HourEntry) -> int:
    """Minutes a record counts now: the entry plus every correction written against it. (Corrections copy the
    volunteer and service date of their record, so the volunteer/date index finds them.)"""
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(HourEntry.minutes), 0)).where(
            HourEntry.volunteer_id == root.volunteer_id,
            HourEntry.service_date == root.service_date,
            sa.or_(HourEntry.id == root.id, HourEntry.corrects_id == root.id),
        )
    ).scalar_one()


def root_entry_of_claim(claim_id: int) -> HourEntry | None:
    return db.session.execute(
        sa.select(HourEntry).where(HourEntry.claim_id == claim_id, HourEntry.corrects_id.is_(None))
    ).scalar_one_or_none()


def get_entry(entry_id) -> HourEntry | None:
    return db.session.get(HourEntry, entry_id) if isinstance(entry_id, int) else None


def entries_of_claims(claims) -> dict[int, Record]:
    """{claim id: Record} for the claims that have hours."""
    claims = list(claims)
    if not claims:
        return {}
    entries = (
        db.session.execute(
            sa.select(HourEntry)
            .where(
                HourEntry.volunteer_id.in_({c.user_id for c in claims}), HourEntry.claim_id.in_([c.id for c in claims])
            )
            .options(selectinload(HourEntry.confirmed_by))
            .order_by(HourEntry.id)
        )
        .scalars()
        .all()
    )
    return {record.entry.claim_id: record for record in group_records(entries) if record.entry.claim_id}


# --- one shift, for its organizers ---


@dataclass
class AttendeeRow:
    claim: Claim
    user: User
    facts: rules.AttendanceFacts
    proposal: rules.Proposal
    record: Record | None

    @property
    def confirmable(self) -> bool:
        return self.record is None and self.proposal.minutes is not None


def shift_rows(shift: Shift) -> list[AttendeeRow]:
    """Everyone who held a place on the shift, with what they did, what is proposed and what is recorded."""
    pairs = db.session.execute(
        sa.select(Claim, User)
        .join(User, User.id == Claim.user_id)
        .where(Claim.shift_id == shift.id, Claim.status == ClaimStatus.CONFIRMED)
        .order_by(User.name, Claim.id)
    ).all()
    facts = attendance_facts(claim for claim, _ in pairs)
    records = entries_of_claims(claim for claim, _ in pairs)
    rows = [
        AttendeeRow(claim, user, facts[claim.id], rules.propose(shift, facts[claim.id]), records.get(claim.id))
        for claim, user in pairs
    ]
    # Waiting rows first, then the recorded ones, then those with nothing to confirm.
    rows.sort(key=lambda row: 0 if row.confirmable else 1 if row.record else 2)
    return rows


# --- a volunteer's hours ---


@dataclass
class PendingHours:
    claim: Claim
    proposal: rules.Proposal
    deadline: rules.Deadline


@dataclass
class MyHours:
    total: int
    this_month: int
    this_year: int
    by_type: list[tuple[str, int]]
    records: list[Record]
    pending: list[PendingHours]
    not_counted: list[tuple[Claim, rules.Proposal]]  # past places without hours: no-show or nothing recorded
    disputes: list[HourDispute]
    claims: dict[int, Claim]  # the claims of the records, for their check-in and check-out times

    @property
    def pending_minutes(self) -> int:
        return sum(p.proposal.minutes or 0 for p in self.pending)

    def disputes_about(self, *, entry_id=None, claim_id=None) -> list[HourDispute]:
        return [
            d
            for d in self.disputes
            if (entry_id and d.entry_id == entry_id) or (claim_id and d.claim_id == claim_id and d.entry_id is None)
        ]


def my_hours(user: User, *, today: date | None = None, limit: int = 200) -> MyHours:
    """Totals, records with their corrections, hours waiting for confirmation, places not counted, disputes."""
    today = today or rules.local_today()
    totals = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(HourEntry.minutes), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((HourEntry.service_date >= today.replace(day=1), HourEntry.minutes), else_=0)), 0
            ),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case((HourEntry.service_date >= today.replace(month=1, day=1), HourEntry.minutes), else_=0)
                ),
                0,
            ),
        ).where(HourEntry.volunteer_id == user.id)
    ).one()
    by_type = db.session.execute(
        sa.select(HourEntry.task_type, sa.func.sum(HourEntry.minutes))
        .where(HourEntry.volunteer_id == user.id)
        .group_by(HourEntry.task_type)
        .order_by(sa.func.sum(HourEntry.minutes).desc())
    ).all()
    entries = (
        db.session.execute(
            sa.select(HourEntry)
            .where(HourEntry.volunteer_id == user.id)
            .options(selectinload(HourEntry.org), selectinload(HourEntry.confirmed_by))
            .order_by(HourEntry.service_date.desc(), HourEntry.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    pending, not_counted = _unrecorded_claims(user, today)
    disputes = disputes_of(user)
    claim_ids = {entry.claim_id for entry in entries if entry.claim_id}
    claims = (
        {claim.id: claim for claim in db.session.execute(sa.select(Claim).where(Claim.id.in_(claim_ids))).scalars()}
        if claim_ids
        else {}
    )
    return MyHours(
        total=totals[0],
        this_month=totals[1],
        this_year=totals[2],
        by_type=[(code, minutes) for code, minutes in by_type if minutes],
        records=group_records(entries),
        pending=pending,
        not_counted=not_counted,
        disputes=disputes,
        claims=claims,
    )


def _unrecorded_claims(user: User, today: date) -> tuple[list[PendingHours], list]:
    """Places on shifts that are over (or checked out of) and have no hours yet, split into those waiting for
    the organizer and those that will not count unless corrected."""
    claims = (
        db.session.execute(
            sa.select(Claim)
            .join(Shift, Shift.id == Claim.shift_id)
            .where(
                Claim.user_id == user.id,
                Claim.status == ClaimStatus.CONFIRMED,
                Claim.hours_confirmed_at.is_(None),
                sa.or_(Shift.ends_at <= now(), Claim.checked_out_at.is_not(None)),
            )
            .options(selectinload(Claim.shift).selectinload(Shift.task).selectinload(Task.org))
            .order_by(Shift.starts_at.desc())
            .limit(100)
        )
        .scalars()
        .all()
    )
    facts = attendance_facts(claims)
    pending, not_counted = [], []
    for claim in claims:
        proposal = rules.propose(claim.shift, facts[claim.id])
        if proposal.minutes is None:
            not_counted.append((claim, proposal))
        else:
            pending.append(PendingHours(claim, proposal, rules.deadline(claim.shift.ends_at, today)))
    return pending, not_counted


# --- what awaits confirmation, and what is overdue ---


@dataclass
class UnconfirmedShift:
    shift: Shift
    waiting: int  # attendees without hours
    deadline: rules.Deadline
    can_manage: bool


def _waiting_per_shift(*conditions):
    """A subquery (shift_id, waiting): ended shifts with attendees still without hours."""
    return (
        sa.select(Claim.shift_id, sa.func.count().label("waiting"))
        .join(Shift, Shift.id == Claim.shift_id)
        .join(Task, Task.id == Shift.task_id)
        .join(Organisation, Organisation.id == Task.org_id)
        .where(TO_CONFIRM, Shift.ends_at <= now(), *conditions)
        .group_by(Claim.shift_id)
        .subquery()
    )


def unconfirmed_shifts(user: User, *, today: date | None = None, limit: int = 100) -> list[UnconfirmedShift]:
    """Ended shifts in the user's subtree whose attendees still wait for their hours, most urgent first."""
    scope = permissions.scope_filter(user, permissions.READ_ROLES)
    waiting = _waiting_per_shift(*([] if scope is None else [scope]))
    rows = db.session.execute(
        sa.select(Shift, waiting.c.waiting)
        .join(waiting, waiting.c.shift_id == Shift.id)
        .order_by(Shift.ends_at, Shift.id)
        .limit(limit)
    ).all()
    return [
        UnconfirmedShift(
            shift, count, rules.deadline(shift.ends_at, today), permissions.can_manage(user, shift.task.org)
        )
        for shift, count in rows
    ]


def _overdue_query(today: date | None):
    cutoff = local_to_utc(rules.overdue_before(today), time(0, 0))
    return (
        sa.select(Task.org_id, sa.func.count(Claim.id))
        .select_from(Claim)
        .join(Shift, Shift.id == Claim.shift_id)
        .join(Task, Task.id == Shift.task_id)
        .join(Organisation, Organisation.id == Task.org_id)
        .where(TO_CONFIRM, Shift.ends_at < cutoff)
        .group_by(Task.org_id)
    )


def overdue_counts(scope_org: Organisation | None, *, today: date | None = None) -> dict[int, int]:
    """{org id: attendee records past the recording deadline and still unconfirmed} for the organisations in
    scope_org's subtree (None: everywhere) that have any. Keys are the organisations that own the tasks (not
    rolled up: add a child's subtree by path to get its total)."""
    query = _overdue_query(today)
    if scope_org is not None:
        query = query.where(Organisation.path.startswith(scope_org.path, autoescape=True))
    return dict(db.session.execute(query).all())


def overdue_by_org(
    user: User, *, scope_org: Organisation | None = None, today: date | None = None
) -> list[tuple[Organisation, int]]:
    """Overdue counts per organisation the user organizes or reviews (within scope_org's subtree if given),
    largest first."""
    query = _overdue_query(today)
    scope = permissions.scope_filter(user, permissions.READ_ROLES)
    if scope is not None:
        query = query.where(scope)
    if scope_org is not None:
        query = query.where(Organisation.path.startswith(scope_org.path, autoescape=True))
    counts = dict(db.session.execute(query).all())
    orgs = (
        {
            org.id: org
            for org in db.session.execute(sa.select(Organisation).where(Organisation.id.in_(counts))).scalars()
        }
        if counts
        else {}
    )
    return sorted(((orgs[org_id], n) for org_id, n in counts.items()), key=lambda pair: (-pair[1], pair[0].name))


def shifts_due_for_reminder(since: datetime) -> Sequence[sa.Row[Shift, int]]:
    """(shift, attendees waiting) for shifts that ended after since and still have unconfirmed attendees."""
    waiting = _waiting_per_shift(Shift.ends_at > since)
    return db.session.execute(
        sa.select(Shift, waiting.c.waiting).join(waiting, waiting.c.shift_id == Shift.id).order_by(Shift.id)
    ).all()


def organizers_to_notify(org: Organisation) -> list[int]:
    """The organizers closest to org: those granted on org itself, else on its nearest ancestor with any."""
    rows = db.session.execute(
        sa.select(RoleGrant.user_id, RoleGrant.org_id).where(
            RoleGrant.org_id.in_(org.ancestor_ids), RoleGrant.role == Role.ORGANIZER
        )
    ).all()
    depth = {org_id: index for index, org_id in enumerate(org.ancestor_ids)}
    if not rows:
        return []
    nearest = max(depth[org_id] for _, org_id in rows)
    return sorted({user_id for user_id, org_id in rows if depth[org_id] == nearest})


# --- disputes and anomaly flags in a subtree ---


def get_dispute(dispute_id) -> HourDispute | None:
    return db.session.get(HourDispute, dispute_id) if isinstance(dispute_id, int) else None


def disputes_of(volunteer: User, *, limit: int = 100) -> list[HourDispute]:
    """The volunteer's own requests, newest first."""
    return list(
        db.session.execute(
            sa.select(HourDispute)
            .where(HourDispute.volunteer_id == volunteer.id)
            .order_by(HourDispute.id.desc())
            .limit(limit)
        ).scalars()
    )


def disputes_for(user: User, *, status: str | None = None, limit: int = 100) -> list[HourDispute]:
    """Disputes addressed to organisations the user organizes or reviews; open ones first, oldest first."""
    query = (
        sa.select(HourDispute)
        .join(Organisation, Organisation.id == HourDispute.org_id)
        .order_by((HourDispute.status != DisputeStatus.OPEN), HourDispute.created_at, HourDispute.id)
        .limit(limit)
    )
    scope = permissions.scope_filter(user, permissions.READ_ROLES)
    if scope is not None:
        query = query.where(scope)
    if status:
        query = query.where(HourDispute.status == status)
    return list(db.session.execute(query).scalars())


def count_open_disputes(user: User) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(HourDispute)
        .join(Organisation, Organisation.id == HourDispute.org_id)
        .where(HourDispute.status == DisputeStatus.OPEN)
    )
    scope = permissions.scope_filter(user, (Role.ORGANIZER,))
    if scope is not None:
        query = query.where(scope)
    return db.session.execute(query).scalar_one()


def anomalies_for(
    user: User, *, org: Organisation | None = None, kind: str | None = None, limit: int = 100
) -> list[AnomalyFlag]:
    """Anomaly flags in the user's organizing or reviewing scope (or in org's subtree), newest first."""
    query = (
        sa.select(AnomalyFlag)
        .join(Organisation, Organisation.id == AnomalyFlag.org_id)
        .order_by(AnomalyFlag.created_at.desc(), AnomalyFlag.id.desc())
        .limit(limit)
    )
    scope = permissions.scope_filter(user, permissions.READ_ROLES)
    if scope is not None:
        query = query.where(scope)
    if org is not None:
        query = query.where(Organisation.path.startswith(org.path, autoescape=True))
    if kind:
        query = query.where(AnomalyFlag.kind == kind)
    return list(db.session.execute(query).scalars())


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {user.id: user for user in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()}


@dataclass
class DisputeView:
    """A request for a correction with what it is about: the activity, its date, and the record as it is now."""

    dispute: HourDispute
    volunteer: User
    activity: str
    service_date: date
    org: Organisation
    record: Record | None
    proposed: int | None  # for a missing record: what the attendance records would propose
    responder: User | None


def describe_disputes(disputes) -> list[DisputeView]:
    """DisputeViews for the disputes (a handful of queries whatever their number)."""
    disputes = list(disputes)
    if not disputes:
        return []
    users = users_by_id([d.volunteer_id for d in disputes] + [d.responded_by_id for d in disputes])
    orgs = {
        org.id: org
        for org in db.session.execute(
            sa.select(Organisation).where(Organisation.id.in_({d.org_id for d in disputes}))
        ).scalars()
    }
    claims = {
        claim.id: claim
        for claim in db.session.execute(
            sa.select(Claim)
            .where(Claim.id.in_({d.claim_id for d in disputes if d.claim_id}))
            .options(selectinload(Claim.shift))
        ).scalars()
    }
    roots = [d.entry_id for d in disputes if d.entry_id]
    entries = (
        db.session.execute(
            sa.select(HourEntry)
            .where(
                HourEntry.volunteer_id.in_({d.volunteer_id for d in disputes}),
                sa.or_(HourEntry.id.in_(roots), HourEntry.corrects_id.in_(roots), HourEntry.claim_id.in_(claims)),
            )
            .options(selectinload(HourEntry.confirmed_by))
            .order_by(HourEntry.id)
        )
        .scalars()
        .all()
    )
    records = group_records(entries)
    by_entry = {record.entry.id: record for record in records}
    by_claim = {record.entry.claim_id: record for record in records if record.entry.claim_id}
    facts = attendance_facts(claims.values())
    views = []
    for d in disputes:
        claim = claims.get(d.claim_id)
        record = by_entry.get(d.entry_id) if d.entry_id else by_claim.get(d.claim_id)
        if record is not None:
            activity, day = record.entry.activity_name, record.entry.service_date
        else:
            assert claim is not None  # a dispute without a record is about a claim (report_missing)
            activity, day = claim.shift.task.title, to_local(claim.shift.starts_at).date()
        proposed = rules.propose(claim.shift, facts[claim.id]).minutes if claim is not None else None
        views.append(
            DisputeView(
                d, users[d.volunteer_id], activity, day, orgs[d.org_id], record, proposed, users.get(d.responded_by_id)
            )
        )
    return views
