"""A community's shift starting in two hours and short of people, its organizer, and volunteers placed by distance."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.jobs.conftest import work  # noqa: F401  (a fixture: a real RQ worker in burst mode)
from tests.matching.conftest import north
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification

ALL_BANDS = {f"avail_{code}": True for code in ("weekday_day", "weekday_night", "weekend_day", "weekend_night")}


@pytest.fixture
def short(api, make_org, make_user, make_task, grant, api_token):
    """A shift for 5 starting in two hours with nobody on it yet, at the task's point; its community's organizer."""
    org = make_org()
    organizer = make_user("王书记")
    grant(organizer, org)
    task = make_task(org, shifts=[(timedelta(hours=2), 4, 5)], address="民治街道东门卡口")
    return {
        "org": org,
        "task": task,
        "shift_id": task.shifts[0].id,
        "organizer": organizer,
        "token": api_token(organizer),
    }


@pytest.fixture
def near(make_user):
    """near(km, name=None, **fields): a volunteer km north of the task, free at any time, without quiet hours."""

    def factory(km=1.0, name=None, **fields):
        lat, lon = north(km)
        values = {"lat": lat, "lon": lon, "quiet_start_min": None, "quiet_end_min": None, **ALL_BANDS, **fields}
        return make_user(name, **values)

    return factory


def pages(app, callout_id: int) -> dict[int, str]:
    """user id -> the answer token their page carried (from the notification's own link)."""
    with app.app_context():
        notes = db.session.execute(
            sa.select(Notification).where(
                Notification.kind == "callout_page", Notification.cause == f"callout:{callout_id}"
            )
        ).scalars()
        return {note.user_id: urlsplit(note.params["link"]).path.rsplit("/", 1)[1] for note in notes}
