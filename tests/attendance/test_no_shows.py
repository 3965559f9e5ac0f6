"""The recurring job that marks volunteers who never checked in as no-shows, once, and its reversal."""

from datetime import timedelta

import sqlalchemy as sa

from tests.attendance.helpers import at, point
from volunteer_hub import schedule
from volunteer_hub.attendance import jobs, services
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification


def run_job(app, moment):
    with at(moment), app.app_context():
        return services.mark_no_shows()


def notes(app, user):
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
            ).scalars()
        )


def test_a_volunteer_who_never_checked_in_becomes_a_no_show_after_the_grace_period(app, scene, stored, events, audits):
    s = scene()
    grace = timedelta(minutes=app.config["NO_SHOW_AFTER_MIN"])

    assert run_job(app, s.shift.ends_at + grace - timedelta(minutes=1)) == 0
    assert stored(s.claim_id).attendance is None
    assert run_job(app, s.shift.ends_at + grace) == 1

    assert stored(s.claim_id).attendance == "no_show"
    assert events(s.claim_id) == [("auto_no_show", "job", None)]
    assert audits(s.claim_id) == [("attendance.auto_no_show", None)]
    assert "marked_no_show" in notes(app, s.volunteer)


def test_running_the_job_again_marks_and_tells_nobody_twice(app, scene, events):
    s = scene()
    later = s.shift.ends_at + timedelta(hours=1)
    run_job(app, later)

    assert run_job(app, later + timedelta(minutes=5)) == 0
    assert len(events(s.claim_id)) == 1
    assert notes(app, s.volunteer).count("marked_no_show") == 1


def test_checked_in_and_hand_marked_volunteers_are_left_alone(app, api, scene, join, stored):
    s = scene()
    _, _, marked = join(s)
    with at(s.shift.starts_at):
        api.post(f"/claims/{s.claim_id}/check-in", json=point(10), token=s.token)
        api.post(f"/claims/{marked}/attendance", json={"present": True}, token=s.organizer_token)

    assert run_job(app, s.shift.ends_at + timedelta(hours=1)) == 0
    assert (stored(s.claim_id).attendance, stored(marked).attendance) == ("present", "present")


def test_cancelled_places_are_not_no_shows(app, api, scene, stored):
    s = scene()
    api.delete(f"/claims/{s.claim_id}", token=s.token)

    assert run_job(app, s.shift.ends_at + timedelta(hours=1)) == 0
    assert stored(s.claim_id).attendance is None


def test_the_organizer_can_reverse_an_automatic_no_show(app, api, scene, stored, events, audits):
    s = scene()
    later = s.shift.ends_at + timedelta(hours=1)
    run_job(app, later)
    with at(later):
        response = api.post(f"/claims/{s.claim_id}/attendance", json={"present": True}, token=s.organizer_token)

    assert response.status_code == 200 and response.json["attendance"] == "present"
    assert stored(s.claim_id).attendance == "present"
    assert [kind for kind, _, _ in events(s.claim_id)] == ["auto_no_show", "no_show_reversed"]
    assert audits(s.claim_id)[-1] == ("attendance.no_show_reversed", s.organizer.id)


def test_the_job_runs_every_five_minutes_once_per_period(app, scene, events):
    s = scene()
    assert ("volunteer_hub.attendance.jobs.mark_no_shows", 300) in schedule.RECURRING
    with at(s.shift.ends_at + timedelta(hours=1)), app.app_context():
        jobs.mark_no_shows()
        # Another scheduler enqueued it for the same period: the second run returns at once.
        with app.app_context():
            db.session.execute(sa.text("UPDATE claims SET attendance = NULL"))
            db.session.commit()
        jobs.mark_no_shows()

    assert len(events(s.claim_id)) == 1
