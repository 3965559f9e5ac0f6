"""The demo's shift under way: 李晓明 checks in at the post, writes the handover with the counted supplies, the
thermometers fall to their alert level and 王书记 is told once; the log shows the entry."""

import sqlalchemy as sa

from volunteer_hub import demo
from volunteer_hub.accounts.models import User
from volunteer_hub.attendance import services as attendance
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Shift, Task


def _person(phone: str) -> User:
    return db.session.execute(sa.select(User).filter_by(phone="+86" + phone)).scalar_one()


def test_the_demo_post_walks_through_a_handover_with_supplies(app, api, api_token):
    with app.test_request_context():
        demo.seed()
        volunteer, organizer = _person(demo.VOLUNTEER.phone), _person(demo.ORGANIZER.phone)
        task = db.session.execute(sa.select(Task).where(Task.title == "党群服务中心防疫物资清点")).scalar_one()
        claim = db.session.execute(
            sa.select(Claim).join(Shift).where(Shift.task_id == task.id, Claim.user_id == volunteer.id)
        ).scalar_one()
        where = attendance.Position(task.lat, task.lon, 15.0)
        attendance.check_in(volunteer, claim, where, device="demo-phone")
        task_id, shift_id = task.id, claim.shift_id
    token = api_token(volunteer)

    levels = api.get(f"/tasks/{task_id}/supplies", token=token).json["items"]
    written = api.post(
        f"/shifts/{shift_id}/handovers",
        json={
            "notes": "体温计摔坏两支。",
            "supplies": [{"item": "masks", "count": 180}, {"item": "thermometers", "count": 1}],
        },
        token=token,
    )

    assert [(i["kind"], i["count"], i["low"]) for i in levels] == [
        ("masks", 200, False),
        ("gloves", 100, False),
        ("sanitizer", 6, False),
        ("thermometers", 3, False),
    ]
    assert written.status_code == 201
    with app.app_context():
        told = db.session.execute(sa.select(Notification.user_id).where(Notification.kind == "supply_low")).scalars()
        assert list(told) == [organizer.id]
    log = api.get(f"/tasks/{task_id}/handovers", token=api_token(organizer)).json["items"]
    assert [h["notes"] for h in log] == ["体温计摔坏两支。"]
