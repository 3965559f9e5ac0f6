"""The demo's under-filled shift: 王书记 calls for help, two answer yes and fill it, a third is told it is full."""

import sqlalchemy as sa

from tests.callouts.conftest import pages
from volunteer_hub import demo
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift, Task


def test_the_demo_shift_starting_soon_fills_through_a_call_out(app, api, api_token):
    with app.app_context():
        demo.seed()
        organizer = db.session.execute(sa.select(User).filter_by(phone="+86" + demo.ORGANIZER.phone)).scalar_one()
        shift_id = db.session.execute(
            sa.select(Shift.id).join(Task).where(Task.title == "白石龙地铁站口应急疏导")
        ).scalar_one()
    token = api_token(organizer)

    started = api.post(f"/shifts/{shift_id}/callouts", json={"needed": 2, "message": "B出口集合"}, token=token)

    assert started.status_code == 201
    links = list(pages(app, started.json["id"]).values())
    assert len(links) == 6
    said = [api.post(f"/callout-answers/{link}", json={"answer": "yes"}) for link in links[:3]]
    assert [r.status_code for r in said] == [201, 201, 409]
    assert said[2].json["error"]["code"] == "callout_full"
    assert api.get(f"/callouts/{started.json['id']}", token=token).json["status"] == "filled"
