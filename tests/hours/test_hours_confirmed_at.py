"""Claim.hours_confirmed_at: set with a claim's first ledger entry, so "hours still to confirm" and overdue counts
read the small partial index instead of every claim; entries of team claims carry the team."""

import pytest
import sqlalchemy as sa

from tests.hours.conftest import local
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.hours import queries
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.teams.models import Team


def confirmed_at(app, claim_id):
    with app.app_context():
        return db.session.get(Claim, claim_id).hours_confirmed_at


def test_confirming_hours_stamps_the_claim_and_takes_it_out_of_the_overdue_count(
    api, app, world, clock, make_shift, attend, volunteer
):
    shift = make_shift("2026-03-02", "08:00")
    first, second = (attend(shift, volunteer()[0], marked=True) for _ in range(2))
    clock.move_to(local("2026-03-17", "09:00"))  # past the deadline of 2026-03-16
    with app.app_context():
        assert queries.overdue_counts(world.street) == {world.community.id: 2}

    assert api.post(f"/claims/{first}/confirm", json={}, token=world.tokens["organizer"]).status_code == 201

    assert confirmed_at(app, first) == local("2026-03-17", "09:00")
    assert confirmed_at(app, second) is None
    with app.app_context():
        assert queries.overdue_counts(world.street) == {world.community.id: 1}


def test_a_correction_that_records_a_claim_stamps_it_and_later_corrections_leave_the_stamp(
    api, app, world, clock, make_shift, attend, volunteer
):
    shift = make_shift("2026-03-02", "08:00")
    user, _token = volunteer()
    claim_id = attend(shift, user, marked=True)
    clock.move_to(local("2026-03-03", "10:00"))
    body = {"volunteer_id": user.id, "shift_id": shift.id, "minutes": 200, "reason": "补录"}
    assert api.post("/hours/corrections", json=body, token=world.tokens["organizer"]).status_code == 201
    clock.move_to(local("2026-03-04", "10:00"))
    body = {"volunteer_id": user.id, "shift_id": shift.id, "minutes": -20, "reason": "午休"}
    assert api.post("/hours/corrections", json=body, token=world.tokens["organizer"]).status_code == 201

    assert confirmed_at(app, claim_id) == local("2026-03-03", "10:00")
    with app.app_context():
        assert queries.overdue_counts(world.street) == {}


def test_sqlite_counts_overdue_hours_from_the_partial_index(app, world):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the plan is checked on SQLite: PostgreSQL scans tables this small whatever the indexes")
        compiled = queries._overdue_query(None).compile(db.engine)
        plan = (
            db.session.connection()
            .exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", (None,) * len(compiled.positiontup))
            .all()
        )
    assert "ix_claims_hours_to_confirm" in " ".join(row[-1] for row in plan)


def test_hours_of_a_team_claim_count_for_the_team_and_so_do_their_corrections(
    api, app, world, clock, make_shift, attend, volunteer
):
    shift = make_shift("2026-03-02", "08:00")
    user, _token = volunteer()
    claim_id = attend(shift, user, marked=True)
    with app.app_context():
        team = Team(name="白石龙先锋队", org_id=world.community.id, founder_id=user.id, invite_code="t-1")
        db.session.add(team)
        db.session.flush()
        db.session.execute(sa.update(Claim).where(Claim.id == claim_id).values(team_id=team.id))
        db.session.commit()
        team_id = team.id
    clock.move_to(local("2026-03-03", "10:00"))
    assert api.post(f"/claims/{claim_id}/confirm", json={}, token=world.tokens["organizer"]).status_code == 201
    body = {"volunteer_id": user.id, "shift_id": shift.id, "minutes": -20, "reason": "午休"}
    assert api.post("/hours/corrections", json=body, token=world.tokens["organizer"]).status_code == 201

    with app.app_context():
        assert db.session.execute(sa.select(HourEntry.team_id)).scalars().all() == [team_id, team_id]
