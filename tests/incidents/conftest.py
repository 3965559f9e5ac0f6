"""A post with a shift under way: its community's organizer, volunteer 李晓明 checked in, 张伟 confirmed but not
checked in; readers of the incidents and notifications stored."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.attendance.conftest import join, scene  # noqa: F401  (fixtures)
from tests.attendance.helpers import at, point
from volunteer_hub.extensions import db
from volunteer_hub.incidents.models import Incident
from volunteer_hub.notifications.models import Notification


@pytest.fixture
def post(scene, join, api):  # noqa: F811
    """The scene of the attendance tests, 10 minutes into its shift, with 李晓明 checked in 50 m from the post."""
    s = scene(leader_name="王书记")
    s.other, s.other_token, s.other_claim = join(s, "张伟")
    s.moment = s.shift.starts_at + timedelta(minutes=10)
    with at(s.moment):
        response = api.post(f"/claims/{s.claim_id}/check-in", json=point(50), token=s.token)
        assert response.status_code == 200, response.json
    return s


def body(s, **fields) -> dict:
    """A valid report: a volunteer injured, 5 minutes before the post's moment."""
    return {
        "category": "injury",
        "severity": "medium",
        "occurred_at": (s.moment - timedelta(minutes=5)).isoformat(),
        "description": "李晓明在卡口搬运物资时扭伤左脚踝。",
        **fields,
    }


@pytest.fixture
def stored(app):
    """stored() -> every incident, oldest first."""

    def read():
        with app.app_context():
            rows = db.session.execute(sa.select(Incident).order_by(Incident.id)).scalars().all()
            db.session.expunge_all()
            return rows

    return read


@pytest.fixture
def notes(app):
    """notes(kind) -> (user id, urgent, params) of the notifications of kind, oldest first."""

    def read(kind="incident_reported"):
        with app.app_context():
            return [
                (n.user_id, n.urgent, n.params)
                for n in db.session.execute(
                    sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)
                ).scalars()
            ]

    return read
