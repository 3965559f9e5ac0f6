"""The tallies always equal a fresh sum over the ledger: incrementally, after a rebuild, after re-runs."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.stats.conftest import MARCH, org_day_rows, volunteer_span_rows
from volunteer_hub.extensions import db
from volunteer_hub.stats import tallies
from volunteer_hub.stats.models import OrgDayTally, TallyCursor
from volunteer_hub.stats.spans import MONTH, SPANS, YEAR, YEAR_DEPTH, span_start

TASK_TYPES = ("checkpoint", "disinfection", "delivery", "door_to_door")


def fresh_sums(app):
    """What the tallies must hold, summed here in Python straight from the ledger rows."""
    from volunteer_hub.hours.models import HourEntry
    from volunteer_hub.orgs.models import Organisation

    with app.app_context():
        paths = dict(db.session.execute(sa.select(Organisation.id, Organisation.path)).all())
        days, spans = {}, {}
        for entry in db.session.execute(sa.select(HourEntry)).scalars():
            record = 0 if entry.corrects_id else 1
            lineage = [int(p) for p in paths[entry.org_id].strip("/").split("/")]
            # days roll up to every ancestor; months stay with the recording organisation, years go up to
            # the streets' level
            keys = [(days, (org_id, entry.service_date, entry.task_type)) for org_id in lineage]
            keepers = {MONTH: entry.org_id, YEAR: lineage[:YEAR_DEPTH][-1]}
            keys += [
                (spans, (keepers[span], span, span_start(span, entry.service_date), entry.volunteer_id))
                for span in SPANS
            ]
            for table, key in keys:
                minutes, entries = table.get(key, (0, 0))
                table[key] = (minutes + entry.minutes, entries + record)
        return days, spans


def random_ledger(add_entries, tree, volunteers, rng, count):
    """count random confirmations from December to April (two years, three quarters), then corrections of some
    of them (negative ones too)."""
    orgs = [tree.bsl, tree.mintai, tree.langkou, tree.minzhi, tree.futian]
    specs = [
        dict(
            volunteer=rng.choice(volunteers),
            org=rng.choice(orgs),
            day=MARCH + timedelta(days=rng.randrange(-90, 61)),
            minutes=rng.choice((60, 90, 240, 720)),
            task_type=rng.choice(TASK_TYPES),
        )
        for _ in range(count)
    ]
    ids = add_entries(specs)
    corrections = []
    for entry_id, spec in rng.sample(list(zip(ids, specs, strict=True)), count // 5):
        corrections.append(dict(spec, minutes=rng.choice((-spec["minutes"], -30, 15, 45)), corrects=entry_id))
    add_entries(corrections)


def test_incremental_tallies_equal_a_fresh_sum_after_random_confirmations_and_corrections(
    app, tree, make_user, add_entries, run_tally
):
    rng = random.Random(20200203)
    volunteers = [make_user() for _ in range(8)]
    for _round in range(4):  # the job runs between bursts of ledger writes, with small batches
        random_ledger(add_entries, tree, volunteers, rng, 40)
        run_tally(batch_size=7)
    assert (org_day_rows(app), volunteer_span_rows(app)) == fresh_sums(app)
    with app.app_context():
        assert tallies.verify_tallies().ok


def test_a_rebuild_gives_the_same_tallies_as_the_incremental_job(app, tree, make_user, add_entries, run_tally):
    rng = random.Random(7)
    volunteers = [make_user() for _ in range(5)]
    random_ledger(add_entries, tree, volunteers, rng, 60)
    run_tally(batch_size=11)
    incremental = (org_day_rows(app), volunteer_span_rows(app))
    with app.app_context():
        tallies.rebuild_tallies()
    assert (org_day_rows(app), volunteer_span_rows(app)) == incremental


def test_an_entry_counts_for_its_organisation_and_every_ancestor(app, tree, make_user, add_entry, run_tally):
    volunteer = make_user()
    add_entry(volunteer, tree.bsl, MARCH, 240)
    run_tally()
    days = org_day_rows(app)
    assert {org for org, _day, _type in days} == {tree.city.id, tree.longhua.id, tree.minzhi.id, tree.bsl.id}
    assert set(days.values()) == {(240, 1)}


def test_a_correction_changes_minutes_but_is_not_another_service_record(app, tree, make_user, add_entry, run_tally):
    volunteer = make_user()
    entry = add_entry(volunteer, tree.bsl, MARCH, 240)
    add_entry(volunteer, tree.bsl, MARCH, -60, corrects=entry)
    run_tally()
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (180, 1)
    assert volunteer_span_rows(app)[tree.bsl.id, "month", MARCH, volunteer.id] == (180, 1)


def test_running_the_job_again_counts_nothing_twice(app, tree, make_user, add_entry, run_tally):
    volunteer = make_user()
    add_entry(volunteer, tree.bsl, MARCH, 240)
    assert run_tally() == 1
    assert run_tally() == 0
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (240, 1)


def test_a_crash_before_the_commit_leaves_tallies_and_cursor_as_they_were(
    app, tree, make_user, add_entry, run_tally, monkeypatch
):
    volunteer = make_user()
    add_entry(volunteer, tree.bsl, MARCH, 240)
    run_tally()
    add_entry(volunteer, tree.bsl, MARCH, 60)
    original = tallies._add_range

    def add_then_die(after, upto):
        original(after, upto)  # the sums are written, then the worker dies before the cursor moves
        raise RuntimeError("worker killed")

    monkeypatch.setattr(tallies, "_add_range", add_then_die)
    with pytest.raises(RuntimeError):
        run_tally()
    monkeypatch.undo()
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (240, 1)
    assert run_tally() == 1
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (300, 2)


def cursor(app):
    with app.app_context():
        return db.session.execute(sa.select(TallyCursor.last_entry_id)).scalar()


CONFIRMED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_gap_in_ids_holds_the_cursor_until_the_entry_after_it_has_settled(
    app, tree, make_user, add_entries, run_tally
):
    """Id 2 is missing (its transaction still open, or rolled back): id 3 waits until it is SETTLE old."""
    volunteer = make_user()
    add_entries(
        [
            dict(id=1, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=60, confirmed_at=CONFIRMED),
            dict(id=3, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=90, confirmed_at=CONFIRMED),
        ]
    )
    with time_machine.travel(CONFIRMED + timedelta(minutes=1), tick=False):
        assert run_tally() == 1
    assert cursor(app) == 1
    with time_machine.travel(CONFIRMED + tallies.SETTLE + timedelta(seconds=1), tick=False):
        assert run_tally() == 1
    assert cursor(app) == 3
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (150, 2)


def test_an_entry_committed_late_with_a_lower_id_is_still_counted(app, tree, make_user, add_entries, run_tally):
    volunteer = make_user()
    add_entries(
        [
            dict(id=1, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=60, confirmed_at=CONFIRMED),
            dict(id=3, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=90, confirmed_at=CONFIRMED),
        ]
    )
    with time_machine.travel(CONFIRMED + timedelta(minutes=1), tick=False):
        run_tally()
        add_entries([dict(id=2, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=30, confirmed_at=CONFIRMED)])
        assert run_tally() == 2
    assert cursor(app) == 3
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (180, 3)


# --- flask stats verify-tallies ---


def test_verify_tallies_reports_a_tampered_tally_and_rebuild_fixes_it(app, tree, make_user, add_entry, run_tally):
    volunteer = make_user()
    add_entry(volunteer, tree.bsl, MARCH, 240)
    run_tally()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["stats", "verify-tallies"]).output == "Tallies equal the ledger up to entry 1.\n"
    with app.app_context():
        db.session.execute(sa.update(OrgDayTally).where(OrgDayTally.org_id == tree.minzhi.id).values(minutes=9))
        db.session.commit()
    broken = runner.invoke(args=["stats", "verify-tallies"])
    assert broken.exit_code == 1
    assert f"org_day ledger: org {tree.minzhi.id}, 2026-03-01, checkpoint: 240 min, 1 entries" in broken.output
    assert "2 tally rows differ from the ledger" in broken.output
    fixed = runner.invoke(args=["stats", "verify-tallies", "--rebuild"])
    assert fixed.exit_code == 0
    assert org_day_rows(app)[tree.minzhi.id, MARCH, "checkpoint"] == (240, 1)


def test_a_rebuild_leaves_the_newest_entries_to_the_incremental_job_only_when_ids_have_gaps(
    app, tree, make_user, add_entries
):
    volunteer = make_user()
    add_entries(
        [
            dict(id=1, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=60, confirmed_at=CONFIRMED),
            dict(id=3, volunteer=volunteer, org=tree.bsl, day=MARCH, minutes=90, confirmed_at=CONFIRMED),
        ]
    )
    with time_machine.travel(CONFIRMED + timedelta(minutes=1), tick=False), app.app_context():
        assert tallies.rebuild_tallies() == 1
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (60, 1)


# --- the recurring job ---


def test_the_tally_job_is_scheduled_every_minute():
    from volunteer_hub.schedule import RECURRING

    assert ("volunteer_hub.stats.jobs.tally_new_entries", 60) in RECURRING


def test_the_job_runs_once_per_minute_however_often_it_is_enqueued(app, tree, make_user, add_entry):
    from volunteer_hub.stats import jobs

    volunteer = make_user()
    add_entry(volunteer, tree.bsl, MARCH, 240)
    with time_machine.travel(CONFIRMED + timedelta(seconds=5), tick=False), app.app_context():
        jobs.tally_new_entries()
        add_entry(volunteer, tree.bsl, MARCH, 60)
        jobs.tally_new_entries()  # a second scheduler's copy in the same minute
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (240, 1)
    with time_machine.travel(CONFIRMED + timedelta(seconds=65), tick=False), app.app_context():
        jobs.tally_new_entries()
    assert org_day_rows(app)[tree.bsl.id, MARCH, "checkpoint"] == (300, 2)
