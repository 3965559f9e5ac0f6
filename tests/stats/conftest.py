"""Statistics fixtures: a small Shenzhen-like tree with reviewers, and ledger entries written directly (the
ledger's own services are tested elsewhere; here only the numbers matter)."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.stats import tallies


@pytest.fixture
def tree(make_org):
    """深圳市 > 龙华区 > 民治街道 > 白石龙社区 / 民泰社区, 龙华区 > 大浪街道 > 浪口社区, 深圳市 > 福田区."""
    city = make_org("深圳市", "city")
    longhua = make_org("龙华区", "district", city)
    minzhi = make_org("民治街道", "street", longhua)
    bsl = make_org("白石龙社区", "community", minzhi)
    mintai = make_org("民泰社区", "community", minzhi)
    dalang = make_org("大浪街道", "street", longhua)
    langkou = make_org("浪口社区", "community", dalang)
    futian = make_org("福田区", "district", city)
    return SimpleNamespace(
        city=city, longhua=longhua, minzhi=minzhi, bsl=bsl, mintai=mintai, dalang=dalang, langkou=langkou, futian=futian
    )


@pytest.fixture
def confirmer(make_user):
    return make_user("王书记")


@pytest.fixture
def add_entries(app, confirmer):
    """add_entries([dict(volunteer=, org=, day=, minutes=, task_type=?, corrects=?, confirmed_at=?, id=?, team=?),
    ...]) writes ledger rows in one transaction and returns their ids."""

    def add(specs):
        with app.app_context():
            entries = [_entry(spec, confirmer.id) for spec in specs]
            db.session.add_all(entries)
            db.session.commit()
            return [entry.id for entry in entries]

    return add


@pytest.fixture
def add_entry(add_entries):
    """add_entry(volunteer, org, day, minutes, **fields) -> the new entry's id."""

    def add(volunteer, org, day, minutes, **fields):
        return add_entries([dict(volunteer=volunteer, org=org, day=day, minutes=minutes, **fields)])[0]

    return add


def _entry(spec: dict, confirmer_id: int) -> HourEntry:
    spec = dict(spec)
    volunteer, org, day = spec.pop("volunteer"), spec.pop("org"), spec.pop("day")
    corrects = spec.pop("corrects", None)
    team = spec.pop("team", None)
    entry = HourEntry(
        id=spec.pop("id", None),
        volunteer_id=volunteer if isinstance(volunteer, int) else volunteer.id,
        org_id=org if isinstance(org, int) else org.id,
        service_date=day,
        minutes=spec.pop("minutes"),
        task_type=spec.pop("task_type", "checkpoint"),
        activity_name=spec.pop("activity_name", "东门卡口值守"),
        place=spec.pop("place", "民治街道东门"),
        service_content=spec.pop("service_content", "测温登记"),
        leader_name=spec.pop("leader_name", "王书记"),
        source="correction" if corrects else "attendance",
        corrects_id=corrects,
        reason=spec.pop("reason", "补录" if corrects else None),
        confirmed_by_id=spec.pop("confirmed_by", confirmer_id),
        confirmed_at=spec.pop("confirmed_at", datetime(2026, 3, 2, 12, 0, tzinfo=UTC)),
        team_id=team if team is None or isinstance(team, int) else team.id,
    )
    assert not spec, f"unknown fields {spec}"
    return entry


@pytest.fixture
def run_tally(app):
    """run_tally() runs the incremental tally job's work and returns how many entries it added."""

    def run(**kwargs):
        with app.app_context():
            return tallies.tally_new_entries(**kwargs)

    return run


def org_day_rows(app) -> dict:
    """{(org_id, day, task_type): (minutes, entries)} as stored."""
    from volunteer_hub.stats.models import OrgDayTally

    with app.app_context():
        rows = db.session.execute(
            sa.select(
                OrgDayTally.org_id, OrgDayTally.day, OrgDayTally.task_type, OrgDayTally.minutes, OrgDayTally.entries
            )
        ).all()
        return {(o, d, t): (m, n) for o, d, t, m, n in rows}


def volunteer_span_rows(app) -> dict:
    """{(org_id, span, first_day, volunteer_id): (minutes, entries)} as stored."""
    from volunteer_hub.stats.models import VolunteerSpanTally as T

    with app.app_context():
        rows = db.session.execute(sa.select(T.org_id, T.span, T.first_day, T.volunteer_id, T.minutes, T.entries))
        return {(o, s, f, v): (mi, n) for o, s, f, v, mi, n in rows}


MARCH = date(2026, 3, 1)
