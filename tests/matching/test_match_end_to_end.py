"""The whole path once: an organizer posts a task, a real RQ worker matches it, the volunteer is notified."""

from datetime import timedelta

from tests.conftest import SHENZHEN
from volunteer_hub.core.timeutil import isoformat, now
from volunteer_hub.extensions import db
from volunteer_hub.worker import run_worker

ALL_BANDS = {f"avail_{code}": True for code in ("weekday_day", "weekday_night", "weekend_day", "weekend_night")}


def test_a_posted_task_reaches_a_nearby_volunteer_through_the_worker(app, api, make_org, make_user, grant, api_token):
    org, organizer = make_org(), make_user("王书记")
    grant(organizer, org)
    neighbour = make_user("李晓明", lat=SHENZHEN[0] + 0.01, lon=SHENZHEN[1], locale="en", **ALL_BANDS)
    with app.app_context():  # the real clock runs here: no quiet hours, so the hour of the run does not matter
        saved = db.session.get(type(neighbour), neighbour.id)
        saved.quiet_start_min = saved.quiet_end_min = None
        db.session.commit()
        starts = now() + timedelta(days=1)
        shift = {"starts_at": isoformat(starts), "ends_at": isoformat(starts + timedelta(hours=4)), "capacity": 2}
    posted = api.post(
        "/tasks",
        token=api_token(organizer),
        json={
            "org_id": org.id,
            "title": "东门卡口值守",
            "type": "checkpoint",
            "lat": SHENZHEN[0],
            "lon": SHENZHEN[1],
            "shifts": [shift],
        },
    )
    assert posted.status_code == 201

    run_worker(app, burst=True)

    inbox = api.get("/me/notifications", token=api_token(neighbour)).json
    assert [(item["kind"], item["task_id"]) for item in inbox["items"]] == [("task_match", posted.json["id"])]
    assert "“东门卡口值守”" in inbox["items"][0]["text"]
