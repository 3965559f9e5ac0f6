"""Matching fixtures: a frozen Monday morning in Shenzhen, volunteers placed by distance, match results."""

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import SHENZHEN
from volunteer_hub.core.geo import EARTH_RADIUS_KM
from volunteer_hub.extensions import db
from volunteer_hub.matching import queries, services
from volunteer_hub.matching.models import MatchNotice
from volunteer_hub.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def north(km: float) -> tuple[float, float]:
    """The point km due north of the test centre (great-circle distance)."""
    return SHENZHEN[0] + math.degrees(km / EARTH_RADIUS_KM), SHENZHEN[1]


@pytest.fixture
def clock():
    """clock(local datetime) freezes time there; the tests start on Monday 2 March 2026, 10:00 in Shenzhen."""
    travellers = []

    def travel(at: datetime):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(at, tick=False)
        traveller.start()
        travellers.append(traveller)

    travel(MONDAY_10AM)
    yield travel
    travellers.pop().stop()


@pytest.fixture(params=["holders of the skill", "widening area"])
def both_searches(request, monkeypatch):
    """Run a test along both searches for skilled volunteers: reading a rare skill's holders, and reading
    ever wider boxes of the area (what a common skill gets)."""
    if request.param == "widening area":
        monkeypatch.setattr(queries, "HOLDERS_CAP", 0)


@pytest.fixture
def volunteer(make_user, clock):
    """volunteer(km=1.0, skills=(), availability=("weekday_day",), **fields): a volunteer km north of the task."""

    def factory(name=None, *, km=1.0, skills=(), availability=("weekday_day",), **fields):
        lat, lon = north(km)
        bands = {
            f"avail_{code}": code in availability
            for code in ("weekday_day", "weekday_night", "weekend_day", "weekend_night")
        }
        return make_user(name, lat=lat, lon=lon, skills=skills, **bands, **fields)

    return factory


@pytest.fixture
def match(app):
    """match(task) runs the matching service as the job would and returns how many volunteers it added."""

    def run(task):
        with app.test_request_context():
            return services.match_task(task.id)

    return run


@pytest.fixture
def notices(app):
    """notices(task) -> {user_id: status} of the volunteers matched to the task."""

    def read(task):
        with app.app_context():
            rows = db.session.execute(
                sa.select(MatchNotice.user_id, MatchNotice.status).where(MatchNotice.task_id == task.id)
            )
            return dict(rows.all())

    return read


@pytest.fixture
def inbox(app):
    """inbox(user, kind=None) -> the user's notifications, oldest first."""

    def read(user, kind=None):
        with app.app_context():
            query = sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
            if kind:
                query = query.where(Notification.kind == kind)
            notes = list(db.session.execute(query).scalars())
            db.session.expunge_all()
            return notes

    return read
