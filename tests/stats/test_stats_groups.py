"""Issue 5 on the reviewers' dashboards: Party members against others, each Party branch, and teams (from
TeamMonthTally kept by the tally job), on hand-built ledgers; with the API and the exports."""

import csv
import io
import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.stats.conftest import MARCH
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.orgs.models import BranchMember, Organisation
from volunteer_hub.stats import queries, tallies
from volunteer_hub.stats.models import TeamMonthTally
from volunteer_hub.stats.periods import Period
from volunteer_hub.teams.models import Team, TeamMember

MONTH = Period.around("month", MARCH)


@pytest.fixture
def people(make_user):
    """阿明 and 老张 are Party members; 小红 is not."""
    return {
        "ming": make_user("阿明", party_member=True),
        "hong": make_user("小红"),
        "zhang": make_user("老张", party_member=True),
    }


@pytest.fixture
def march(tree, people, add_entry):
    """民治街道 in March: 阿明 240 (白石龙) + 60 (the street's own task), 小红 180 − 60 (民泰), 老张 −30 net
    (白石龙: 30 then a −60 correction); 老张 300 in 浪口 lies outside 民治."""
    ming, hong, zhang = people["ming"], people["hong"], people["zhang"]
    add_entry(ming, tree.bsl, date(2026, 3, 2), 240)
    add_entry(ming, tree.minzhi, date(2026, 3, 12), 60)
    corrected = add_entry(hong, tree.mintai, date(2026, 3, 2), 180)
    add_entry(hong, tree.mintai, date(2026, 3, 3), -60, corrects=corrected)
    short = add_entry(zhang, tree.bsl, date(2026, 3, 4), 30)
    add_entry(zhang, tree.bsl, date(2026, 3, 5), -60, corrects=short)
    add_entry(zhang, tree.langkou, date(2026, 3, 10), 300)
    return tree


def figures(app, org, period, read):
    with app.app_context():
        return [
            (f.id, f.sums.minutes, f.sums.entries, f.volunteers, f.members)
            for f in read(queries.load_scope(db.session.get(Organisation, org.id)), period)
        ]


def test_party_members_and_others_split_the_scopes_hours(app, march, run_tally):
    run_tally()
    assert figures(app, march.minzhi, MONTH, queries.party_figures) == [
        ("party", 240 + 60 + 30 - 60, 3, 1, None),
        ("others", 120, 1, 1, None),
    ]
    assert figures(app, march.longhua, MONTH, queries.party_figures)[0][1:4] == (270 + 300, 4, 2)


def test_the_split_includes_entries_the_tally_job_has_not_reached(app, march, run_tally, people, add_entry):
    run_tally()
    add_entry(people["hong"], march.bsl, date(2026, 3, 20), 45)
    assert figures(app, march.minzhi, MONTH, queries.party_figures)[1] == ("others", 165, 2, 1, None)


@pytest.fixture
def branches(app, march, make_org, people):
    """A temporary branch at 白石龙 with 阿明 and 老张, a branch at 民泰 with 阿明 only, and one at 浪口
    (outside 民治) with 老张."""
    checkpoint = make_org("东门卡口临时党支部", "party_branch", march.bsl, temporary=True)
    mintai = make_org("民泰党支部", "party_branch", march.mintai)
    langkou = make_org("浪口党支部", "party_branch", march.langkou)
    with app.app_context():
        db.session.add_all(
            [
                BranchMember(org_id=checkpoint.id, user_id=people["ming"].id),
                BranchMember(org_id=checkpoint.id, user_id=people["zhang"].id),
                BranchMember(org_id=mintai.id, user_id=people["ming"].id),
                BranchMember(org_id=langkou.id, user_id=people["zhang"].id),
            ]
        )
        db.session.commit()
    return checkpoint, mintai, langkou


def test_each_branch_counts_its_members_hours_inside_the_scope(app, march, branches, run_tally):
    checkpoint, mintai, _langkou = branches
    run_tally()
    assert figures(app, march.minzhi, MONTH, queries.branch_figures) == [
        (mintai.id, 300, 2, 1, 1),
        (checkpoint.id, 300 - 30, 3, 1, 2),
    ]
    # Seen from the whole district, 老张's hours in 浪口 count for both of his branches.
    district = {row[0]: row[1:4] for row in figures(app, march.longhua, MONTH, queries.branch_figures)}
    assert district == {checkpoint.id: (570, 4, 2), mintai.id: (300, 2, 1), _langkou.id: (270, 2, 1)}


def test_a_branch_without_hours_is_listed_with_zero(app, march, branches):
    assert figures(app, march.mintai, Period.around("month", date(2026, 1, 1)), queries.branch_figures) == [
        (branches[1].id, 0, 0, 0, 1)
    ]


# --- teams ---


@pytest.fixture
def teams(app, tree, people):
    """先锋队 at 白石龙 (阿明, 小红 active; 老张 left) and 青年队 at 浪口 (老张)."""
    with app.app_context():
        vanguard = Team(name="白石龙先锋队", org_id=tree.bsl.id, founder_id=people["ming"].id, invite_code="v")
        youth = Team(name="浪口青年队", org_id=tree.langkou.id, founder_id=people["zhang"].id, invite_code="y")
        db.session.add_all([vanguard, youth])
        db.session.flush()
        db.session.add_all(
            [
                TeamMember(team_id=vanguard.id, user_id=people["ming"].id, role="leader"),
                TeamMember(team_id=vanguard.id, user_id=people["hong"].id),
                TeamMember(team_id=vanguard.id, user_id=people["zhang"].id, status="left"),
                TeamMember(team_id=youth.id, user_id=people["zhang"].id, role="leader"),
            ]
        )
        db.session.commit()
        return vanguard.id, youth.id


def team_entries(app, start=None, end=None) -> list[HourEntry]:
    with app.app_context():
        return [
            entry
            for entry in db.session.execute(sa.select(HourEntry).where(HourEntry.team_id.is_not(None))).scalars()
            if start is None or start <= entry.service_date <= end
        ]


def team_sums_from_ledger(app, start=None, end=None) -> dict:
    """{(team_id, month): (minutes, entries)} recomputed in Python from the ledger rows."""
    sums = defaultdict(lambda: (0, 0))
    for entry in team_entries(app, start, end):
        key = (entry.team_id, entry.service_date.replace(day=1))
        minutes, entries = sums[key]
        sums[key] = (minutes + entry.minutes, entries + (0 if entry.corrects_id else 1))
    return dict(sums)


def stored_team_tallies(app) -> dict:
    with app.app_context():
        return {
            (t, m): (mi, n)
            for t, m, mi, n in db.session.execute(
                sa.select(TeamMonthTally.team_id, TeamMonthTally.month, TeamMonthTally.minutes, TeamMonthTally.entries)
            )
        }


def random_team_ledger(add_entries, tree, people, teams, rng, count):
    members = {teams[0]: [people["ming"], people["hong"], people["zhang"]], teams[1]: [people["zhang"]]}
    specs = []
    for _ in range(count):
        team = rng.choice([*teams, None])
        volunteer = rng.choice(members[team] if team else list(people.values()))
        specs.append(
            dict(
                volunteer=volunteer,
                org=rng.choice([tree.bsl, tree.mintai, tree.langkou]),
                day=MARCH + timedelta(days=rng.randrange(61)),
                minutes=rng.choice((60, 240, 720)),
                team=team,
            )
        )
    ids = add_entries(specs)
    add_entries(
        [
            dict(spec, minutes=rng.choice((-30, 15)), corrects=entry_id)
            for entry_id, spec in rng.sample(list(zip(ids, specs, strict=True)), count // 5)
        ]
    )


def test_team_tallies_equal_a_direct_recompute_and_a_rebuild(app, tree, people, teams, add_entries, run_tally):
    rng = random.Random(5)
    for _round in range(3):
        random_team_ledger(add_entries, tree, people, teams, rng, 30)
        run_tally(batch_size=7)
    assert stored_team_tallies(app) == team_sums_from_ledger(app)
    assert run_tally() == 0  # running again counts nothing twice
    with app.app_context():
        assert tallies.verify_tallies().ok
        tallies.rebuild_tallies()
    assert stored_team_tallies(app) == team_sums_from_ledger(app)


def test_a_tampered_team_tally_is_reported(app, tree, people, teams, add_entry, run_tally):
    add_entry(people["ming"], tree.bsl, MARCH, 60, team=teams[0])
    run_tally()
    with app.app_context():
        db.session.execute(sa.update(TeamMonthTally).values(minutes=61))
        db.session.commit()
        check = tallies.verify_tallies()
    assert check.differences == 2 and "team_month" in check.examples[0]


def test_team_figures_add_whole_months_from_the_tally_and_the_ends_from_the_ledger(
    app, tree, people, teams, add_entries, add_entry, run_tally
):
    random_team_ledger(add_entries, tree, people, teams, random.Random(9), 60)
    run_tally()
    add_entry(people["hong"], tree.bsl, date(2026, 4, 30), 90, team=teams[0])  # after the cursor
    period = Period("custom", date(2026, 3, 10), date(2026, 4, 30))
    expected = defaultdict(lambda: [0, 0])
    for (team, _month), (minutes, entries) in team_sums_from_ledger(app, period.start, period.end).items():
        expected[team][0] += minutes
        expected[team][1] += entries
    per_member = defaultdict(int)
    for entry in team_entries(app, period.start, period.end):
        per_member[(entry.team_id, entry.volunteer_id)] += entry.minutes
    active = sum(1 for (team, _v), minutes in per_member.items() if team == teams[0] and minutes > 0)
    rows = {row[0]: row[1:] for row in figures(app, tree.minzhi, period, queries.team_figures)}
    # 浪口's team is outside 民治; 老张 left 先锋队 (2 current members) but his team time still counts.
    assert rows == {teams[0]: (*expected[teams[0]], active, 2)}
    assert {row[0] for row in figures(app, tree.longhua, period, queries.team_figures)} == set(teams)


def test_active_team_members_are_those_with_positive_team_time(app, tree, people, teams, add_entry, run_tally):
    first = add_entry(people["ming"], tree.bsl, MARCH, 60, team=teams[0])
    add_entry(people["ming"], tree.bsl, MARCH, -60, corrects=first, team=teams[0])
    add_entry(people["hong"], tree.bsl, MARCH, 240, team=teams[0])
    add_entry(people["hong"], tree.bsl, MARCH, 120)  # not as part of the team
    run_tally()
    assert figures(app, tree.bsl, MONTH, queries.team_figures) == [(teams[0], 240, 2, 1, 2)]


# --- pages, API, exports ---


@pytest.fixture
def reviewer(make_user, grant, tree):
    user = make_user("陈主任")
    grant(user, tree.minzhi, "reviewer")
    return user


def test_the_dashboard_shows_party_branch_and_team_figures(
    client, login, reviewer, march, branches, teams, add_entry, people, run_tally
):
    add_entry(people["hong"], march.bsl, date(2026, 3, 6), 120, team=teams[0])
    run_tally()
    client.set_cookie("lang", "en")
    login(reviewer)
    page = client.get(f"/review/{march.minzhi.id}?period=month&on=2026-03-01").get_data(as_text=True)
    assert "Party members and other volunteers" in page and "Other volunteers" in page
    assert "东门卡口临时党支部" in page and "Temporary" in page and "浪口党支部" not in page
    assert "白石龙先锋队" in page and "浪口青年队" not in page
    assert "1 of 2 members active" in page


def test_the_api_groups_by_party_branch_and_team(api, api_token, reviewer, march, branches, teams, run_tally):
    run_tally()
    token = api_token(reviewer)
    query = f"org_id={march.minzhi.id}&from=2026-03-01&to=2026-03-31"
    party = api.get(f"/stats/hours?{query}&group_by=party", token=token).json["rows"]
    assert [(r["group"], r["minutes"], r["shifts"], r["volunteers"]) for r in party] == [
        ("party", 270, 3, 1),
        ("others", 120, 1, 1),
    ]
    branch = api.get(f"/stats/hours?{query}&group_by=branch", token=token).json["rows"]
    assert [(r["branch_id"], r["minutes"], r["members"]) for r in branch] == [
        (branches[1].id, 300, 1),
        (branches[0].id, 270, 2),
    ]
    team = api.get(f"/stats/hours?{query}&group_by=team", token=token).json["rows"]
    assert [(r["team_id"], r["name"], r["minutes"], r["members"]) for r in team] == [(teams[0], "白石龙先锋队", 0, 2)]


def test_the_party_table_is_exported_as_csv(client, login, reviewer, march, run_tally):
    run_tally()
    client.set_cookie("lang", "en")
    login(reviewer)
    response = client.post(
        f"/review/{march.minzhi.id}/exports",
        data={
            "csrf_token": csrf_token(client, "/review"),
            "period": "month",
            "on": "2026-03-01",
            "what": "party",
            "format": "csv",
        },
    )
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8")[1:])))
    assert rows == [
        ["Volunteers", "Hours", "Minutes", "Shifts served", "Active volunteers"],
        ["Party members", "4.50", "270", "3", "1"],
        ["Other volunteers", "2.00", "120", "1", "1"],
    ]


@pytest.mark.parametrize(
    "period",
    [
        MONTH,
        Period("custom", date(2026, 3, 2), date(2026, 3, 12)),
        Period("custom", date(2025, 12, 15), date(2026, 6, 30)),
    ],
)
def test_the_dashboards_one_read_gives_the_party_split_ranking_and_active_volunteers_per_community(
    app, march, run_tally, make_user, people, period
):
    run_tally()
    with app.app_context():
        board = queries.dashboard(make_user(is_admin=True), db.session.get(Organisation, march.minzhi.id), period)
    assert board.volunteers == 2  # 老张's net time is negative: not active, not ranked
    assert [(v.id, v.sums) for v in board.top_volunteers] == [
        (people["ming"].id, queries.Sums(300, 2)),
        (people["hong"].id, queries.Sums(120, 1)),
    ]
    assert [(g.id, g.sums, g.volunteers) for g in board.party] == [
        ("party", queries.Sums(270, 3), 1),
        ("others", queries.Sums(120, 1), 1),
    ]
    assert {c.org.name: (c.sums.minutes, c.volunteers) for c in board.children} == {
        "白石龙社区": (210, 1),
        "民泰社区": (120, 1),
        "民治街道": (60, 1),
    }


@pytest.mark.parametrize("seed", range(3))
def test_volunteer_figures_equal_a_fresh_sum_for_every_level_and_period(
    app, tree, make_org, make_user, add_entries, run_tally, seed
):
    """Year buckets are kept per street (spans.YEAR_DEPTH), months per recording organisation: whatever the
    scope's level, the period and the entries the job has not reached yet, each figure is the ledger's sum."""
    rng = random.Random(seed)
    volunteers = [make_user(party_member=rng.random() < 0.4) for _ in range(7)]
    compound = make_org("白石龙一区", "compound", tree.bsl)
    orgs = [
        tree.city,
        tree.longhua,
        tree.minzhi,
        tree.bsl,
        compound,
        tree.mintai,
        tree.dalang,
        tree.langkou,
        tree.futian,
    ]
    today = date.today()

    def burst(count):
        specs = [
            dict(
                volunteer=rng.choice(volunteers),
                org=rng.choice(orgs),
                day=today - timedelta(days=rng.randrange(0, 700)),
                minutes=rng.choice((60, 240, 720)),
            )
            for _ in range(count)
        ]
        ids = add_entries(specs)
        add_entries(
            [
                dict(spec, minutes=rng.choice((-spec["minutes"], -30, 45)), corrects=entry_id)
                for entry_id, spec in rng.sample(list(zip(ids, specs, strict=True)), count // 4)
            ]
        )

    burst(120)
    run_tally()
    burst(12)  # after the cursor: read from the ledger
    periods = [Period("custom", today - timedelta(days=364), today)]
    for _ in range(5):
        start = today - timedelta(days=rng.randrange(0, 700))
        periods.append(Period("custom", start, start + timedelta(days=rng.randrange(0, 500))))
    with app.app_context():
        paths = dict(db.session.execute(sa.select(Organisation.id, Organisation.path)).all())
        ledger = db.session.execute(
            sa.select(
                HourEntry.org_id,
                HourEntry.volunteer_id,
                HourEntry.service_date,
                HourEntry.minutes,
                HourEntry.corrects_id,
            )
        ).all()
        party = {v.id for v in volunteers if v.party_member}
        for org in (tree.city, tree.longhua, tree.minzhi, tree.bsl):
            scope = queries.load_scope(db.session.get(Organisation, org.id))
            for period in periods:
                per_child, per_volunteer = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
                for org_id, volunteer_id, day, minutes, corrects_id in ledger:
                    if paths[org_id].startswith(scope.org.path) and period.start <= day <= period.end:
                        child = scope.child_of(org_id) if scope.children else None
                        for sums in (per_child[child, volunteer_id], per_volunteer[volunteer_id]):
                            sums[0] += minutes
                            sums[1] += corrects_id is None
                active_by_child = defaultdict(int)
                for (child, _volunteer), (minutes, _entries) in per_child.items():
                    active_by_child[child] += minutes > 0
                ranking = sorted(
                    ((v, queries.Sums(*sums)) for v, sums in per_volunteer.items() if sums[0] > 0),
                    key=lambda item: (-item[1].minutes, item[0]),
                )

                groups = queries.volunteer_groups(scope, period)

                where = (org.name, period.start, period.end)
                assert groups.active == len(ranking), where
                assert groups.ranking == ranking[: queries.TOP_VOLUNTEERS], where
                assert {k: v for k, v in groups.active_by_child.items() if v} == {
                    k: v for k, v in active_by_child.items() if v
                }, where
                assert groups.party.get(True, (None, 0))[1] == sum(v in party for v, _ in ranking), where
                assert queries.active_volunteers(scope, period) == ({scope.org.id: len(ranking)} if ranking else {})
