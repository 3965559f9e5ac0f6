"""Figures for a scope (an organisation with its subtree) and a period, read from the tallies.

Each figure is one statement that adds two things: the tallies, and the ledger entries after the tally cursor
(a short range of the primary key; the job runs every minute). Both halves read the cursor in the same
statement, so nothing is counted twice or missed while the job moves it, and a confirmation shows at once.

Volunteer figures (active volunteers, the ranking, Party members and branches) come from one read of the
volunteer span tallies: the period as a signed sum of year and month buckets and ledger days
(spans.cover), each volunteer's sums added up per direct child of the scope. It is the dashboard's costliest
statement, so the dashboard starts it on a connection of its own (core.db.start_read) and reads the rest
meanwhile. Shift, attendance and overdue figures come from the shift tallies (stats.shift_tallies), which a
job recounts.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import load_only

from volunteer_hub.accounts.models import User
from volunteer_hub.catalogue import task_type_name
from volunteer_hub.core.db import rows_table, start_read
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import AnomalyFlag, HourEntry
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import BranchMember, Organisation, OrgKind
from volunteer_hub.orgs.names import org_name
from volunteer_hub.stats import shift_tallies, spans, tallies
from volunteer_hub.stats.models import OrgDayTally, TeamMonthTally, VolunteerSpanTally
from volunteer_hub.stats.periods import Period, as_date, month_start, next_month
from volunteer_hub.stats.shift_tallies import ShiftSums
from volunteer_hub.teams.models import MemberStatus, Team, TeamMember

TOP_VOLUNTEERS = 10
DAY = timedelta(days=1)


@dataclass(frozen=True)
class OrgNode:
    id: int
    parent_id: int | None
    name: str
    kind: str
    path: str
    name_en: str | None = None

    @property
    def depth(self) -> int:
        """The level in the tree: 1 for a root ("/1/"), 2 for its children, and so on."""
        return self.path.count("/") - 1


@dataclass
class Scope:
    """An organisation and everything below it."""

    org: OrgNode
    orgs: dict[int, OrgNode]
    children: list[OrgNode]

    @property
    def ids(self) -> list[int]:
        return list(self.orgs)

    def child_of(self, org_id: int) -> int | None:
        """The direct child of the scope that contains org_id (None: the scope's own organisation)."""
        if org_id == self.org.id:
            return None
        rest = self.orgs[org_id].path[len(self.org.path) :]
        return int(rest.split("/", 1)[0])


def load_scope(org: Organisation) -> Scope:
    """The subtree of org, its direct children sorted by name."""
    rows = db.session.execute(
        sa.select(
            Organisation.id,
            Organisation.parent_id,
            Organisation.name,
            Organisation.kind,
            Organisation.path,
            Organisation.name_en,
        ).where(Organisation.path.startswith(org.path, autoescape=True))
    ).all()
    orgs = {row.id: OrgNode(*row) for row in rows}
    children = sorted((node for node in orgs.values() if node.parent_id == org.id), key=lambda n: (n.name, n.id))
    return Scope(orgs[org.id], orgs, children)


@dataclass
class Sums:
    minutes: int = 0
    entries: int = 0  # service records (corrections excluded): shifts served

    def add(self, minutes: int, entries: int) -> None:
        self.minutes += int(minutes or 0)
        self.entries += int(entries or 0)


def _src(label: str):
    return sa.literal_column(f"'{label}'").label("src")


def _recent():
    """Ledger entries after the tally cursor, read by the primary key alone and materialized before anything
    filters them: the cursor is given as a value (so the planner walks the key from it) and as a subquery (so
    the statement's own snapshot decides). Filtered in the same query, planners prefer the (org_id,
    service_date) index and read the whole period instead of the few new rows."""
    return (
        sa.select(
            HourEntry.org_id,
            HourEntry.service_date,
            HourEntry.task_type,
            HourEntry.volunteer_id,
            HourEntry.team_id,
            HourEntry.minutes,
            tallies.RECORD.label("record"),
        )
        .where(HourEntry.id > tallies.cursor_position(), HourEntry.id > tallies.cursor_subquery())
        .cte("recent")
        .prefix_with("MATERIALIZED")
    )


def org_day_sums(
    scope: Scope, period: Period, keys: tuple[str, ...] = (), *, by_child: bool = False
) -> dict[tuple, Sums]:
    """{(group, *keys): Sums} where group is the scope's id, or with by_child each direct child's id (entries
    recorded by the scope's own organisation then belong to no group), and keys are "day" or "month" (its first
    day) and/or "task_type". Months are summed in the database: a year is 12 rows per type, not 365."""
    recent = _recent()
    tally_keys = [_day_key(k, OrgDayTally.day, OrgDayTally.task_type) for k in keys]
    ledger_keys = [_day_key(k, recent.c.service_date, recent.c.task_type) for k in keys]
    groups = [child.id for child in scope.children] if by_child else [scope.org.id]
    tallied = (
        sa.select(
            _src("t"),
            OrgDayTally.org_id,
            *tally_keys,
            sa.func.sum(OrgDayTally.minutes),
            sa.func.sum(OrgDayTally.entries),
        )
        .where(OrgDayTally.org_id.in_(groups), OrgDayTally.day.between(period.start, period.end))
        .group_by(OrgDayTally.org_id, *tally_keys)
    )
    untallied = (
        sa.select(_src("l"), recent.c.org_id, *ledger_keys, sa.func.sum(recent.c.minutes), sa.func.sum(recent.c.record))
        .where(recent.c.org_id.in_(scope.ids), recent.c.service_date.between(period.start, period.end))
        .group_by(recent.c.org_id, *ledger_keys)
    )
    sums: dict[tuple, Sums] = defaultdict(Sums)
    for src, org_id, *rest in db.session.execute(sa.union_all(tallied, untallied)):
        *key, minutes, entries = rest
        group = org_id if src == "t" else (scope.child_of(org_id) if by_child else scope.org.id)
        if group is not None:
            sums[(group, *key)].add(minutes, entries)
    return sums


def _day_key(key: str, day, task_type):
    """The grouping column of org_day_sums for key, given the day and task type columns of its source."""
    if key == "task_type":
        return task_type.label(key)
    return (tallies.month_of(day) if key == "month" else day).label(key)


def _per_volunteer(scope: Scope, period: Period, by: str | None):
    """A select (grp, volunteer_id, minutes, entries): each volunteer's sums per group, where the group is the
    scope's id, each direct child's id (by="child", with NULL for the scope's own tasks) or the first day of
    each month (by="month"). Year buckets are read only where every group lies at spans.YEAR_DEPTH or above:
    deeper organisations' years are in their ancestor's rows there.

    The period's cover (signed tally buckets and ledger days) and the scope's organisations with their groups
    go in as two parameter tables (core.db.rows_table), so the statement is the same for every period and
    scope of a kind: compiled once, and planned once on PostgreSQL."""
    tally, recent = VolunteerSpanTally, _recent()
    group_depth = scope.org.depth + (by == "child")
    cover = _volunteer_cover(period, by_month=by == "month", years=group_depth <= spans.YEAR_DEPTH)
    pieces = rows_table(
        db.session,
        "cover",
        _COVER_COLUMNS,
        [
            *((b.span, b.first, spans.span_end(b.span, b.first), month_start(b.first), b.sign) for b in cover.buckets),
            *((None, first, last, month_start(first), sign) for first, last, sign in cover.days),
        ],
    )
    orgs = rows_table(
        db.session,
        "scope_orgs",
        {"org_id": sa.Integer, "grp": sa.Integer},
        [(org_id, scope.child_of(org_id) if by == "child" else scope.org.id) for org_id in scope.orgs],
    )
    group = pieces.c.month if by == "month" else orgs.c.grp
    sign = pieces.c.sign

    def signed(volunteer_id, minutes, entries, *joined):
        return sa.select(
            group.label("grp"),
            volunteer_id.label("volunteer_id"),
            (minutes * sign).label("minutes"),
            (entries * sign).label("entries"),
        ).select_from(*joined)

    tally_minutes = sa.cast(tally.minutes, sa.Integer)  # a volunteer's month or year: see _volunteer_total
    tallied = signed(
        tally.volunteer_id,
        tally_minutes,
        tally.entries,
        pieces.join(orgs, sa.true()).join(
            tally,
            (tally.org_id == orgs.c.org_id) & (tally.span == pieces.c.span) & (tally.first_day == pieces.c.first_day),
        ),
    )
    ledger_days = signed(
        HourEntry.volunteer_id,
        HourEntry.minutes,
        tallies.RECORD,
        pieces.join(orgs, sa.true()).join(
            HourEntry,
            (HourEntry.org_id == orgs.c.org_id) & HourEntry.service_date.between(pieces.c.first_day, pieces.c.last_day),
        ),
    ).where(pieces.c.span.is_(None))
    # The entries after the tally cursor, with the sign of each bucket they fall in (ledger days hold them).
    untallied = signed(
        recent.c.volunteer_id,
        recent.c.minutes,
        recent.c.record,
        orgs.join(recent, recent.c.org_id == orgs.c.org_id).join(
            pieces, recent.c.service_date.between(pieces.c.first_day, pieces.c.last_day) & pieces.c.span.is_not(None)
        ),
    )
    rows = sa.union_all(tallied, ledger_days, untallied).subquery("rows")
    return sa.select(
        rows.c.grp,
        rows.c.volunteer_id,
        _volunteer_total(rows.c.minutes).label("minutes"),
        _volunteer_total(rows.c.entries).label("entries"),
    ).group_by(rows.c.grp, rows.c.volunteer_id)


# A cover's buckets (span set) and ledger day ranges (span NULL), each with its first day's month and its sign.
_COVER_COLUMNS: dict[str, type[sa.types.TypeEngine[Any]]] = {
    "span": sa.String,
    "first_day": sa.Date,
    "last_day": sa.Date,
    "month": sa.Date,
    "sign": sa.Integer,
}


def _total(column):
    """SUM as a Python int on every backend (PostgreSQL sums bigints as numeric)."""
    return sa.cast(sa.func.sum(column), sa.BigInteger)


def _volunteer_total(column):
    """SUM of one volunteer's minutes or entries in a period as an integer: PostgreSQL adds integers in
    machine words but bigints as numeric, at several times the cost on the 100,000s of rows of a long period.
    Four bytes hold it with room to spare: a period is at most rules.MAX_RANGE_DAYS long and every record nets
    at most a day's minutes (hours.rules.MAX_ENTRY_MINUTES), so it would take some 1.5 million records of one
    volunteer in one period."""
    return sa.cast(sa.func.sum(column), sa.Integer)


def _volunteer_cover(period: Period, *, by_month: bool = False, years: bool = True) -> spans.Cover:
    """The tally buckets and ledger days that add up to the period (spans.cover), without year buckets unless
    years; by_month, each month of the period on its own, from month buckets only, so every bucket belongs to
    one month."""
    today = to_local(now()).date()
    if not by_month:
        return spans.cover(period.start, period.end, today, top=spans.YEAR if years else spans.MONTH)
    cover = spans.Cover()
    for first in period.months():
        cover += spans.cover(max(first, period.start), min(next_month(first) - DAY, period.end), today, top=spans.MONTH)
    return cover


def active_volunteers(scope: Scope, period: Period, *, by: str | None = None) -> dict:
    """{group: volunteers with a positive net time}; groups as in _per_volunteer."""
    grouped = _per_volunteer(scope, period, by).subquery()
    rows = db.session.execute(
        sa.select(grouped.c.grp, sa.func.count()).where(grouped.c.minutes > 0).group_by(grouped.c.grp)
    ).all()
    return {as_date(grp) if by == "month" else grp: count for grp, count in rows}


def volunteer_ranking(
    scope: Scope, period: Period, *, limit: int | None = TOP_VOLUNTEERS
) -> tuple[int, list[tuple[int, Sums]]]:
    """(volunteers with a positive net time, the first ``limit`` of them by net time with their Sums); with
    limit None, every volunteer with any entry, whatever the net time."""
    grouped = _per_volunteer(scope, period, None).subquery()
    query = sa.select(
        grouped.c.volunteer_id, grouped.c.minutes, grouped.c.entries, sa.func.count().over().label("active")
    )
    if limit is not None:
        query = query.where(grouped.c.minutes > 0).limit(limit)
    rows = db.session.execute(query.order_by(grouped.c.minutes.desc(), grouped.c.volunteer_id)).all()
    active = rows[0].active if rows and limit is not None else sum(1 for row in rows if row.minutes > 0)
    return active, [(row.volunteer_id, Sums(int(row.minutes), int(row.entries))) for row in rows]


@dataclass
class VolunteerGroups:
    """What the dashboard shows of volunteers in a scope and period, each figure over net time per volunteer."""

    active: int = 0  # volunteers with a positive net time
    ranking: list[tuple[int, Sums]] = field(default_factory=list)  # the first TOP_VOLUNTEERS by net time
    active_by_child: dict[int | None, int] = field(default_factory=dict)  # None: the scope's own tasks
    party: dict[bool, tuple[Sums, int]] = field(default_factory=dict)  # Party members or not: (Sums, active)
    branches: dict[int, tuple[Sums, int]] = field(default_factory=dict)  # Party branch id: (Sums, active)


def volunteer_groups(scope: Scope, period: Period, branch_ids: Sequence[int] = ()) -> VolunteerGroups:
    """The ranking, the active volunteers per direct child, the Party split and the branches' sums, in one
    statement over one read of the per-volunteer sums per child (at a year's scale the dashboard's costliest
    read), added up per volunteer in the database."""
    pv = (
        _per_volunteer(scope, period, "child" if scope.children else None)
        .cte("per_child_volunteer")
        .prefix_with("MATERIALIZED")
    )
    volunteers = (
        sa.select(
            pv.c.volunteer_id,
            _volunteer_total(pv.c.minutes).label("minutes"),
            _volunteer_total(pv.c.entries).label("entries"),
        )
        .group_by(pv.c.volunteer_id)
        .cte("per_volunteer")
    )

    def figures(kind: str, key, rows, *group_by):
        active = _total(sa.case((rows.c.minutes > 0, 1), else_=0))
        return sa.select(
            sa.literal(kind).label("kind"), key.label("key"), _total(rows.c.minutes), _total(rows.c.entries), active
        ).group_by(*group_by)

    top = (
        sa.select(volunteers)
        .where(volunteers.c.minutes > 0)
        .order_by(volunteers.c.minutes.desc(), volunteers.c.volunteer_id)
        .limit(TOP_VOLUNTEERS)
        .subquery()
    )
    # Membership by a subquery over the members' partial index: a join would read every user.
    is_party = sa.case((volunteers.c.volunteer_id.in_(sa.select(User.id).where(User.party_member)), 1), else_=0)
    parts = [
        figures("child", pv.c.grp, pv, pv.c.grp),
        sa.select(sa.literal("top"), top.c.volunteer_id, top.c.minutes, top.c.entries, sa.literal(1)),
        figures("party", is_party, volunteers, is_party),
    ]
    if branch_ids:
        members = (
            sa.select(BranchMember.org_id, volunteers.c.minutes, volunteers.c.entries)
            .join(volunteers, volunteers.c.volunteer_id == BranchMember.user_id)
            .where(BranchMember.org_id.in_(list(branch_ids)))
            .subquery()
        )
        parts.append(figures("branch", members.c.org_id, members, members.c.org_id))
    result = VolunteerGroups()
    for kind, key, minutes, entries, active in db.session.execute(sa.union_all(*parts)):
        sums = Sums(int(minutes or 0), int(entries or 0))
        if kind == "child":
            result.active_by_child[key if scope.children else None] = int(active)
        elif kind == "top":
            result.ranking.append((key, sums))
        elif kind == "party":
            result.party[bool(key)] = (sums, int(active))
            result.active += int(active)
        else:
            result.branches[key] = (sums, int(active))
    result.ranking.sort(key=lambda item: (-item[1].minutes, item[0]))
    return result


# --- shifts and claims ---


def shift_sums(scope: Scope, period: Period) -> dict[int, ShiftSums]:
    """{organisation of the task: ShiftSums} for shifts starting in the period, from the shift tallies."""
    return shift_tallies.stored(scope.ids, period.start, period.end)


def anomaly_counts(scope: Scope, period: Period) -> dict[int, int]:
    """{organisation: anomaly flags raised during the period} in the scope."""
    starts, ends = period.utc_bounds()
    return dict(
        db.session.execute(
            sa.select(AnomalyFlag.org_id, sa.func.count())
            .where(AnomalyFlag.org_id.in_(scope.ids), AnomalyFlag.created_at >= starts, AnomalyFlag.created_at < ends)
            .group_by(AnomalyFlag.org_id)
        ).all()
    )


_V = TypeVar("_V")


def _roll_up(
    scope: Scope, per_org: Mapping[int, _V], add: Callable[[_V | None, _V], _V]
) -> tuple[dict[int | None, _V], _V | None]:
    """Fold per-organisation values into (per direct child, None for the scope's own) and a total."""
    by_child: dict[int | None, _V] = {}
    total: _V | None = None
    for org_id, value in per_org.items():
        child = scope.child_of(org_id)
        by_child[child] = add(by_child.get(child), value)
        total = add(total, value)
    return by_child, total


def _add_shifts(left: ShiftSums | None, right: ShiftSums) -> ShiftSums:
    result = ShiftSums()
    for part in (left, right):
        if part is not None:
            result.add(part)
    return result


def _add_ints(left: int | None, right: int) -> int:
    return (left or 0) + right


# --- self-organisation (issue 5): Party members against everyone else, Party branches, teams ---
#
# Party figures group the scope's per-volunteer sums (the same tallies-plus-ledger sums as the volunteer
# ranking) by who the volunteers are: membership is the profile's *current* Party flag, and a branch's figure
# is the time its current members (BranchMember) served inside the scope; a volunteer in two branches counts
# in both. Team figures read TeamMonthTally for the whole months of the period (plus the untallied entries
# after the cursor) and the ledger for the days at its ends; active members come from the ledger through the
# (volunteer_id, service_date) index, restricted to the teams' members.


@dataclass
class GroupFigures:
    """Minutes, shifts served and active volunteers of one group (Party/others, a branch or a team)."""

    id: int | str
    name: str
    sums: Sums
    volunteers: int  # with a positive net time in the period
    members: int | None = None  # branches and teams: current members
    temporary: bool = False  # a temporary Party branch


def party_figures(scope: Scope, period: Period) -> list[GroupFigures]:
    """Party members ("party") and everyone else ("others") in the scope and period, in that order."""
    return _party_groups(volunteer_groups(scope, period).party)


def _party_groups(split: dict[bool, tuple[Sums, int]]) -> list[GroupFigures]:
    """Party members, then everyone else, from {is a Party member: (Sums, active volunteers)}."""
    return [
        GroupFigures("party", str(_l("Party members")), *split.get(True, (Sums(), 0))),
        GroupFigures("others", str(_l("Other volunteers")), *split.get(False, (Sums(), 0))),
    ]


def branch_figures(
    scope: Scope, period: Period, groups: VolunteerGroups | None = None, branches: Sequence[Any] | None = None
) -> list[GroupFigures]:
    """Every Party branch in the scope (temporary ones included) with its members' time inside the scope,
    largest first; branches without hours are listed too. The dashboard passes the branches and the groups it
    made with their ids."""
    branches = party_branches(scope) if branches is None else branches
    if not branches:
        return []
    ids = [row.id for row in branches]
    members = dict(
        db.session.execute(
            sa.select(BranchMember.org_id, sa.func.count())
            .where(BranchMember.org_id.in_(ids))
            .group_by(BranchMember.org_id)
        ).all()
    )
    sums = (groups or volunteer_groups(scope, period, ids)).branches
    figures = [
        GroupFigures(
            row.id,
            org_name(row),
            *sums.get(row.id, (Sums(), 0)),
            members=members.get(row.id, 0),
            temporary=row.temporary,
        )
        for row in branches
    ]
    return sorted(figures, key=lambda f: (-f.sums.minutes, f.name, f.id))


def party_branches(scope: Scope) -> Sequence[sa.Row[int, str, str | None, bool]]:
    """(id, name, name_en, temporary) of the Party branches in the scope."""
    return db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.name_en, Organisation.temporary).where(
            Organisation.kind == OrgKind.PARTY_BRANCH, Organisation.path.startswith(scope.org.path, autoescape=True)
        )
    ).all()


def team_figures(scope: Scope, period: Period) -> list[GroupFigures]:
    """Teams attached to an organisation of the scope with the time they served as a team (wherever the
    task was) in the period, largest first; teams without hours are listed too."""
    teams = db.session.execute(sa.select(Team.id, Team.name).where(Team.org_id.in_(scope.ids))).all()
    if not teams:
        return []
    ids = [row.id for row in teams]
    sums: dict[int, Sums] = defaultdict(Sums)
    months = period.whole_months()
    if months:
        for team_id, minutes, entries in db.session.execute(
            sa.select(TeamMonthTally.team_id, sa.func.sum(TeamMonthTally.minutes), sa.func.sum(TeamMonthTally.entries))
            .where(TeamMonthTally.team_id.in_(ids), TeamMonthTally.month.in_(months))
            .group_by(TeamMonthTally.team_id)
        ):
            sums[team_id].add(minutes, entries)
        recent = _recent().c
        in_months = sa.or_(*(recent.service_date.between(m, next_month(m) - DAY) for m in months))
        for team_id, minutes, entries in db.session.execute(
            sa.select(recent.team_id, sa.func.sum(recent.minutes), sa.func.sum(recent.record))
            .where(recent.team_id.in_(ids), in_months)
            .group_by(recent.team_id)
        ):
            sums[team_id].add(minutes, entries)
    ever_members = sa.select(TeamMember.user_id).where(TeamMember.team_id.in_(ids))
    mine = (HourEntry.team_id.in_(ids), HourEntry.volunteer_id.in_(ever_members))
    for first, last in period.edges():
        for team_id, minutes, entries in db.session.execute(
            sa.select(HourEntry.team_id, sa.func.sum(HourEntry.minutes), sa.func.sum(tallies.RECORD))
            .where(*mine, HourEntry.service_date.between(first, last))
            .group_by(HourEntry.team_id)
        ):
            sums[team_id].add(minutes, entries)
    per_member = (
        sa.select(HourEntry.team_id, HourEntry.volunteer_id)
        .where(*mine, HourEntry.service_date.between(period.start, period.end))
        .group_by(HourEntry.team_id, HourEntry.volunteer_id)
        .having(sa.func.sum(HourEntry.minutes) > 0)
        .subquery()
    )
    active: dict[int, int] = dict(
        db.session.execute(sa.select(per_member.c.team_id, sa.func.count()).group_by(per_member.c.team_id)).all()
    )
    members = dict(
        db.session.execute(
            sa.select(TeamMember.team_id, sa.func.count())
            .where(TeamMember.team_id.in_(ids), TeamMember.status == MemberStatus.ACTIVE)
            .group_by(TeamMember.team_id)
        ).all()
    )
    figures = [
        GroupFigures(row.id, row.name, sums.get(row.id, Sums()), active.get(row.id, 0), members=members.get(row.id, 0))
        for row in teams
    ]
    return sorted(figures, key=lambda f: (-f.sums.minutes, f.name, f.id))


# --- the dashboard ---


@dataclass
class ChildFigures:
    org: OrgNode
    sums: Sums
    volunteers: int
    shifts: ShiftSums
    overdue: int
    anomalies: int
    own: bool = False  # the scope's own organisation: tasks it posted itself


@dataclass
class VolunteerFigures:
    id: int
    name: str
    sums: Sums


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    totals: Sums
    volunteers: int
    shifts: ShiftSums
    overdue: int
    anomalies: int
    children: list[ChildFigures]
    types: list[tuple[str, Sums]]
    trend: list[tuple[date, int]]  # (first day of the point, minutes) per period.trend_unit
    top_volunteers: list[VolunteerFigures]
    ancestors: list[tuple[OrgNode, bool]] = field(default_factory=list)  # (organisation, may the user open it)
    party: list[GroupFigures] = field(default_factory=list)  # Party members, then everyone else
    branches: list[GroupFigures] = field(default_factory=list)
    teams: list[GroupFigures] = field(default_factory=list)
    shifts_as_of: datetime | None = None  # when shift and overdue figures were counted (stats.shift_tallies)
    counted_at: datetime | None = None  # hours and volunteers: every confirmation up to this moment

    @property
    def shifts_behind(self) -> bool:
        """The shift figures missed their recounts (the job is down or late): the page says so."""
        return bool(
            self.shifts_as_of and self.counted_at and self.counted_at - self.shifts_as_of > shift_tallies.STALE_AFTER
        )

    @property
    def max_child_minutes(self) -> int:
        return max((max(c.sums.minutes, 0) for c in self.children), default=0)

    @property
    def max_type_minutes(self) -> int:
        return max((max(s.minutes, 0) for _t, s in self.types), default=0)


def dashboard(user, org: Organisation, period: Period) -> Dashboard:
    """Everything the reviewer dashboard shows for org's subtree in the period."""
    scope = load_scope(org)
    branches = party_branches(scope)
    # The costliest read, on a connection of its own while the rest is read and added up.
    reading_volunteers = start_read(volunteer_groups, scope, period, [row.id for row in branches])
    by_point_type = org_day_sums(scope, period, (period.trend_unit, "task_type"))
    totals = Sums()
    per_type: defaultdict[str, Sums] = defaultdict(Sums)
    per_point: defaultdict[Any, int] = defaultdict(int)
    for (_group, point, task_type), s in by_point_type.items():
        totals.add(s.minutes, s.entries)
        per_type[task_type].add(s.minutes, s.entries)
        per_point[point] += s.minutes
    shift_by_child, shift_total = _roll_up(scope, shift_sums(scope, period), _add_shifts)
    overdue_by_child, overdue_total = _roll_up(scope, shift_tallies.stored_overdue(scope.ids), _add_ints)
    anomalies_by_child, anomalies_total = _roll_up(scope, anomaly_counts(scope, period), _add_ints)
    child_sums = org_day_sums(scope, period, by_child=True)
    teams = team_figures(scope, period)
    ancestors = _ancestors(user, scope.org)
    shifts_as_of = shift_tallies.as_of()
    volunteers = reading_volunteers.result()
    return Dashboard(
        scope=scope,
        period=period,
        totals=totals,
        volunteers=volunteers.active,
        shifts=shift_total or ShiftSums(),
        overdue=overdue_total or 0,
        anomalies=anomalies_total or 0,
        children=_children(
            scope, child_sums, totals, volunteers.active_by_child, shift_by_child, overdue_by_child, anomalies_by_child
        ),
        types=sorted(per_type.items(), key=lambda item: (-item[1].minutes, item[0])),
        trend=[(first, per_point.get(first, 0)) for first in period.trend_points()],
        top_volunteers=_named(volunteers.ranking),
        ancestors=ancestors,
        party=_party_groups(volunteers.party),
        branches=branch_figures(scope, period, volunteers, branches),
        teams=teams,
        shifts_as_of=shifts_as_of,
        counted_at=now(),
    )


def _children(scope, child_sums, totals, volunteers, shifts, overdue, anomalies) -> list[ChildFigures]:
    """The figures of each direct child (child_sums: org_day_sums by child), and of the scope's own tasks."""
    figures = []
    own = Sums(totals.minutes, totals.entries)
    for child in scope.children:
        sums = child_sums.get((child.id,), Sums())
        own.add(-sums.minutes, -sums.entries)
        figures.append(
            ChildFigures(
                child,
                sums,
                volunteers.get(child.id, 0),
                shifts.get(child.id, ShiftSums()),
                overdue.get(child.id, 0),
                anomalies.get(child.id, 0),
            )
        )
    figures.sort(key=lambda f: (-f.sums.minutes, f.org.name))
    if own.minutes or own.entries or None in shifts or None in overdue:
        figures.append(
            ChildFigures(
                scope.org,
                own,
                volunteers.get(None, 0),
                shifts.get(None, ShiftSums()),
                overdue.get(None, 0),
                anomalies.get(None, 0),
                own=True,
            )
        )
    return figures


def _named(ranking: list[tuple[int, Sums]]) -> list[VolunteerFigures]:
    """Volunteers with their names (never phone numbers)."""
    people = volunteers_by_id(vid for vid, _s in ranking)
    return [VolunteerFigures(vid, people[vid].name, s) for vid, s in ranking]


def volunteers_by_id(ids) -> dict[int, User]:
    """{id: User} with only what statistics show of a person: the name (and the number derived from the id)."""
    ids = list(ids)
    if not ids:
        return {}
    return {
        user.id: user
        for user in db.session.execute(
            sa.select(User).options(load_only(User.id, User.name)).where(User.id.in_(ids))
        ).scalars()
    }


def _ancestors(user, org: OrgNode) -> list[tuple[OrgNode, bool]]:
    """The breadcrumb from the root down to org; each step says whether the user may open it."""
    ids = [int(part) for part in org.path.strip("/").split("/")]
    rows = {
        row.id: row for row in db.session.execute(sa.select(Organisation).where(Organisation.id.in_(ids))).scalars()
    }
    return [
        (OrgNode(o.id, o.parent_id, o.name, o.kind, o.path, o.name_en), permissions.can_review(user, o))
        for o in (rows[i] for i in ids)
    ]


# --- rows of one grouping: the API and the table exports ---


@dataclass
class HoursRow:
    key: object  # organisation id, volunteer id, task type code, first day of the month, the day, "party" or
    # "others", a Party branch's organisation id or a team id
    label: str
    minutes: int
    shifts: int  # shifts served: service records, corrections excluded
    volunteers: int | None  # with positive net time; None where tallies do not keep volunteers (type, day)
    own: bool = False  # group_by=org: the scope's own organisation (tasks it posted itself)
    number: str | None = None  # group_by=volunteer: the platform volunteer number
    members: int | None = None  # group_by=branch or team: current members


def hours_rows(org: Organisation, period: Period, group_by: str, *, locale: str = "zh") -> list[HoursRow]:
    """The scope's figures in the period grouped by direct child organisation ("org"), volunteer, task type,
    month, day, Party members against others ("party"), Party branch ("branch") or team; largest first except
    for months and days, which run in order, and the Party split (members first)."""
    scope = load_scope(org)
    groups = {"party": party_figures, "branch": branch_figures, "team": team_figures}.get(group_by)
    if groups is not None:
        return [
            HoursRow(g.id, g.name, g.sums.minutes, g.sums.entries, g.volunteers, members=g.members)
            for g in groups(scope, period)
        ]
    if group_by == "org":
        totals = org_day_sums(scope, period).get((scope.org.id,), Sums())
        children = _children(
            scope,
            org_day_sums(scope, period, by_child=True),
            totals,
            volunteer_groups(scope, period).active_by_child,
            {},
            {},
            {},
        )
        return [
            HoursRow(c.org.id, org_name(c.org, locale), c.sums.minutes, c.sums.entries, c.volunteers, own=c.own)
            for c in children
        ]
    if group_by == "volunteer":
        _active, ranking = volunteer_ranking(scope, period, limit=None)
        people = volunteers_by_id(vid for vid, _s in ranking)
        return [
            HoursRow(vid, people[vid].name, s.minutes, s.entries, int(s.minutes > 0), number=people[vid].volunteer_no)
            for vid, s in ranking
        ]
    if group_by == "type":
        sums = org_day_sums(scope, period, ("task_type",))
        return sorted(
            (
                HoursRow(code, task_type_name(code, locale), s.minutes, s.entries, None)
                for (_group, code), s in sums.items()
            ),
            key=lambda r: (-r.minutes, r.key),
        )
    if group_by == "day":
        return [
            HoursRow(day, day.isoformat(), s.minutes, s.entries, None)
            for (_group, day), s in sorted(org_day_sums(scope, period, ("day",)).items())
        ]
    volunteers = active_volunteers(scope, period, by="month")
    return [
        HoursRow(month, month.strftime("%Y-%m"), s.minutes, s.entries, volunteers.get(month, 0))
        for (_group, month), s in sorted(org_day_sums(scope, period, ("month",)).items())
    ]


def review_scopes(user) -> list[Organisation]:
    """The highest organisations whose statistics the user may read (administrators: the roots)."""
    if user.is_admin:
        condition = Organisation.parent_id.is_(None)
    else:
        paths = {path for role, path in permissions.grants(user) if role in permissions.READ_ROLES}
        condition = Organisation.path.in_([p for p in paths if not any(p != q and p.startswith(q) for q in paths)])
    return list(db.session.execute(sa.select(Organisation).where(condition).order_by(Organisation.path)).scalars())
