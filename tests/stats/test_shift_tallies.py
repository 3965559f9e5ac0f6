"""Shift figures and overdue counts are recounted by a job, not summed per request: they equal a fresh count
after each refresh, the window refresh leaves days outside it alone, and the dashboard says when they were
counted."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.stats import queries, shift_tallies
from volunteer_hub.stats.periods import Period
from volunteer_hub.tasks.models import Shift

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def community(make_org):
    return make_org("白石龙社区")


def claim(app, shift_id, user, attendance=None):
    with app.app_context():
        db.session.add(Claim(shift_id=shift_id, user_id=user.id, status="confirmed", attendance=attendance))
        db.session.execute(sa.update(Shift).where(Shift.id == shift_id).values(confirmed=Shift.confirmed + 1))
        db.session.commit()


def stored(app, org, day):
    with app.app_context():
        return shift_tallies.stored([org.id], day, day).get(org.id)


def test_a_night_shift_counts_on_its_local_start_day(app, community, make_task):
    # 20:00 Shanghai on 18 March is 12:00 UTC: the day is the local one, not the UTC one.
    make_task(community, shifts=((datetime(2026, 3, 18, 20, tzinfo=SHANGHAI) - NOW, 12, 4),))
    with app.app_context():
        shift_tallies.refresh_window()
    assert stored(app, community, datetime(2026, 3, 18).date()).shifts == 1
    assert stored(app, community, datetime(2026, 3, 19).date()) is None


def test_figures_change_on_the_next_refresh_and_then_equal_a_fresh_count(app, community, make_task, make_user):
    task = make_task(community, shifts=((timedelta(days=-2), 4, 2), (timedelta(days=1), 4, 3)))
    past, future = (s.id for s in task.shifts)
    day = (NOW - timedelta(days=2)).date()
    with app.app_context():
        shift_tallies.refresh_window()
    assert (stored(app, community, day).filled, stored(app, community, day).marked) == (0, 0)

    claim(app, past, make_user("阿明"), "present")
    claim(app, past, make_user("小红"), "no_show")
    claim(app, future, make_user("老张"))
    assert stored(app, community, day).filled == 0  # not counted until the job runs again
    with app.app_context():
        shift_tallies.refresh_window()
        assert shift_tallies.differences() == []
    s = stored(app, community, day)
    assert (s.shifts, s.full, s.places, s.filled, s.marked, s.no_shows) == (1, 1, 2, 2, 2, 1)
    assert stored(app, community, (NOW + timedelta(days=1)).date()).filled == 1


def test_the_window_refresh_leaves_older_days_to_the_daily_one(app, community, make_task, make_user):
    old = make_task(community, shifts=((timedelta(days=-60), 4, 2),))
    with app.app_context():
        shift_tallies.refresh_all()
    claim(app, old.shifts[0].id, make_user("阿明"), "present")
    with app.app_context():
        shift_tallies.refresh_window()
        assert len(shift_tallies.differences()) == 1  # 60 days ago is outside the window
        shift_tallies.refresh_all()
        assert shift_tallies.differences() == []
    assert stored(app, community, (NOW - timedelta(days=60)).date()).filled == 1


def test_a_cancelled_task_offers_nothing(app, community, make_task):
    make_task(community, shifts=((timedelta(days=1), 4, 5),), status="cancelled")
    with app.app_context():
        shift_tallies.refresh_window()
    assert stored(app, community, (NOW + timedelta(days=1)).date()) is None


def test_the_first_refresh_counts_every_day(app, community, make_task):
    make_task(community, shifts=((timedelta(days=-200), 4, 2), (timedelta(days=300), 4, 2)))
    with app.app_context():
        shift_tallies.refresh_window()
        assert shift_tallies.differences() == []
        assert shift_tallies.as_of() is not None


def test_overdue_records_are_recounted_with_the_shifts(app, community, make_task, make_user):
    task = make_task(community, shifts=((timedelta(days=-30), 4, 2),))
    claim(app, task.shifts[0].id, make_user("阿明"), "present")  # never confirmed: past the 10 working days
    with app.app_context():
        assert shift_tallies.stored_overdue([community.id]) == {}
        shift_tallies.refresh_window()
        assert shift_tallies.stored_overdue([community.id]) == {community.id: 1}


def test_the_dashboard_says_when_shift_figures_were_counted(app, community, make_task, make_user, grant, login, client):
    reviewer = make_user("陈主任")
    grant(reviewer, community, "reviewer")
    make_task(community, shifts=((timedelta(days=-1), 4, 2),))
    login(reviewer)
    page = client.get(f"/review/{community.id}?period=month", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "being counted for the first time" in page
    with app.app_context():
        shift_tallies.refresh_window()
        board = queries.dashboard(
            reviewer, db.session.get(Organisation, community.id), Period.around("month", NOW.date())
        )
    assert board.shifts.shifts == 1 and board.shifts_as_of is not None
    page = client.get(f"/review/{community.id}?period=month", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "figures as of Today 10:00" in page


def test_the_dashboard_says_when_the_hours_were_counted(community, make_user, grant, login, client):
    reviewer = make_user("陈主任")
    grant(reviewer, community, "reviewer")
    login(reviewer)
    page = client.get(f"/review/{community.id}?period=month", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Counted Today 10:00: hours and volunteers include every confirmation up to then." in page


def test_the_dashboard_says_when_the_shift_recount_is_behind(
    app, community, make_task, make_user, grant, login, client
):
    reviewer = make_user("陈主任")
    grant(reviewer, community, "reviewer")
    make_task(community, shifts=((timedelta(days=-1), 4, 2),))
    with app.app_context():
        shift_tallies.refresh_window()
    login(reviewer)
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        page = client.get(f"/review/{community.id}?period=month", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
    assert "figures were last counted Today 10:00; their recount is behind." in page
    assert "recounted every few minutes" not in page
