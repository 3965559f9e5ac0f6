"""The relief alarm: a shift under way RELIEF_ALERT_MINUTES with fewer check-ins than places alarms once; the
organizers, the outgoing shift still on the post and the absent volunteers hear it (urgent); a late check-in clears
it; the outgoing volunteer stays with one tap; with auto call-out on, volunteers are paged for the free places."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from tests.posts.conftest import check_in, notes, place
from volunteer_hub.accounts.models import User
from volunteer_hub.callouts.models import Callout
from volunteer_hub.extensions import db
from volunteer_hub.posts import jobs, services
from volunteer_hub.posts.models import ReliefAlarm, ReliefStay
from volunteer_hub.tasks.models import Task


def alarms(app) -> list[ReliefAlarm]:
    with app.app_context():
        rows = list(db.session.execute(sa.select(ReliefAlarm).order_by(ReliefAlarm.id)).scalars())
        db.session.expunge_all()
        return rows


def run(app) -> dict:
    """One run of the job's work, as the worker runs it: an app context, no request."""
    with app.app_context():
        return services.raise_relief_alarms()


def test_nothing_fires_before_relief_alert_minutes(app, post, clock):
    clock.move_to("2026-03-10 14:09 +08:00")

    assert run(app) == {"cleared": 0, "fired": 0}
    assert alarms(app) == []


def test_the_alarm_fires_once_and_tells_the_right_people_urgently(app, post, make_user):
    first, second = run(app), run(app)

    assert (first["fired"], second["fired"]) == (1, 0)
    [alarm] = alarms(app)
    assert (alarm.shift_id, alarm.missing, alarm.cleared_at, alarm.callout_id) == (post.afternoon, 3, None, None)
    assert notes(app, "relief_alarm") == [(post.organizer.id, True)]
    assert notes(app, "relief_stay_ask") == sorted((u.id, True) for u in post.morning_crew)
    assert notes(app, "relief_absent") == [(post.afternoon_crew[0].id, True)]


def test_the_recurring_job_fires_once_across_periods(app, post, clock):
    with app.app_context():
        jobs.raise_relief_alarms()
        clock.shift(timedelta(seconds=61))
        jobs.raise_relief_alarms()

    assert len(alarms(app)) == 1
    assert len(notes(app, "relief_alarm")) == 1


def test_two_concurrent_runs_fire_once(app, post):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                results.append(services.raise_relief_alarms()["fired"])
                db.session.remove()
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [0, 1]
    assert len(alarms(app)) == 1
    assert notes(app, "relief_stay_ask") == sorted((u.id, True) for u in post.morning_crew)


def test_late_check_ins_reaching_the_places_clear_the_alarm(app, post, make_user, clock):
    run(app)
    check_in(app, post.afternoon_claims[0])
    run(app)
    assert alarms(app)[0].cleared_at is None  # one of three: still short

    for name in ("午班乙", "午班丙"):
        place(app, post.afternoon, make_user(name), present=True)
    clock.shift(timedelta(minutes=1))
    assert run(app) == {"cleared": 1, "fired": 0}

    [alarm] = alarms(app)
    assert alarm.cleared_at is not None
    assert len(notes(app, "relief_alarm")) == 1  # never again for this shift


def test_a_shift_with_its_places_on_the_post_does_not_alarm(app, post, make_user):
    check_in(app, post.afternoon_claims[0])
    for name in ("午班乙", "午班丙"):
        place(app, post.afternoon, make_user(name), present=True)

    assert run(app)["fired"] == 0


def test_auto_call_out_pages_for_the_free_places_once(app, post):
    with app.app_context():
        db.session.execute(sa.update(Task).where(Task.id == post.task.id).values(auto_callout=True))
        db.session.commit()

    run(app)
    run(app)

    with app.app_context():
        callouts = list(db.session.execute(sa.select(Callout)).scalars())
        assert len(callouts) == 1
        assert (callouts[0].shift_id, callouts[0].needed, callouts[0].organizer_id) == (
            post.afternoon,
            2,  # three places, one held by the absent volunteer: two are free to offer
            post.organizer.id,
        )
        assert alarms(app)[0].callout_id == callouts[0].id


def test_without_auto_call_out_nobody_is_paged(app, post):
    run(app)

    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Callout)).scalar_one() == 0


def stays(app) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            (claim_id, until.isoformat())
            for claim_id, until in db.session.execute(sa.select(ReliefStay.claim_id, ReliefStay.until)).all()
        ]


def test_the_outgoing_volunteer_stays_with_one_tap(app, post, api, api_token):
    run(app)
    alarm = alarms(app)[0]
    token = api_token(post.morning_crew[0])

    first = api.post(f"/relief-alarms/{alarm.id}/stay", token=token)
    again = api.post(f"/relief-alarms/{alarm.id}/stay", token=token)

    assert first.status_code == again.status_code == 201
    # until the relieving shift ends, at most two hours past the stayer's own end (their check-out window)
    assert first.get_json() == {"shift_id": post.afternoon, "until": "2026-03-10T16:00:00+08:00"}
    assert len(stays(app)) == 1 and stays(app)[0][0] == post.morning_claims[0]
    board = api.get(f"/tasks/{post.task.id}/board", token=api_token(post.organizer)).get_json()
    afternoon = board["shifts"][1]
    assert afternoon["alarm"]["stays"] == [{"name": "早班甲", "until": "2026-03-10T16:00:00+08:00"}]


def test_only_the_outgoing_volunteers_on_the_post_can_stay(app, post, api, api_token, make_user):
    run(app)
    alarm = alarms(app)[0]

    for user in (post.afternoon_crew[0], make_user(), post.organizer):
        assert api.post(f"/relief-alarms/{alarm.id}/stay", token=api_token(user)).status_code == 404
    assert stays(app) == []


def test_no_stay_once_the_relief_arrived(app, post, api, api_token, make_user, clock):
    run(app)
    check_in(app, post.afternoon_claims[0])
    for name in ("午班乙", "午班丙"):
        place(app, post.afternoon, make_user(name), present=True)
    clock.shift(timedelta(minutes=1))
    run(app)

    response = api.post(f"/relief-alarms/{alarms(app)[0].id}/stay", token=api_token(post.morning_crew[1]))

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "relief_arrived"


def test_turning_auto_call_out_on_during_an_alarm_starts_the_call_out_once(app, post):
    run(app)
    with app.test_request_context():
        task = db.session.get(Task, post.task.id)
        organizer = db.session.get(User, post.organizer.id)
        services.set_auto_callout(organizer, task, True)
        services.set_auto_callout(organizer, task, True)
        callouts = list(db.session.execute(sa.select(Callout)).scalars())

        assert [(c.shift_id, c.needed) for c in callouts] == [(post.afternoon, 2)]
        assert db.session.execute(sa.select(ReliefAlarm.callout_id)).scalar_one() == callouts[0].id
