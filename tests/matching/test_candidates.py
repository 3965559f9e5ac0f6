"""Who hears about a new task: near enough, the right skills, free at that time, fairly chosen, never twice."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import SHENZHEN
from volunteer_hub.claims import services as claim_services
from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.extensions import db
from volunteer_hub.matching.models import MatchNotice
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.tasks import services as task_services
from volunteer_hub.tasks.models import Shift

TOMORROW_10AM = timedelta(days=1)  # the clock stands on Monday 10:00, so this is a weekday day shift
TONIGHT_8PM = timedelta(hours=10)


def test_volunteers_just_inside_the_radius_are_matched_and_just_outside_are_not(make_task, volunteer, match, notices):
    inside, outside = volunteer(km=4.95), volunteer(km=5.05)
    task = make_task(match_radius_km=5.0)

    match(task)

    assert inside.id in notices(task)
    assert outside.id not in notices(task)


def test_the_task_radius_decides_how_far_matching_reaches(make_task, volunteer, match, notices):
    near, farther = volunteer(km=1.5), volunteer(km=2.5)
    task = make_task(match_radius_km=2.0)

    match(task)

    assert near.id in notices(task)
    assert farther.id not in notices(task)


@pytest.mark.usefixtures("both_searches")
def test_a_volunteer_without_a_required_skill_is_not_matched(make_task, volunteer, match, notices):
    medic, driver = volunteer(skills=["medical"]), volunteer(skills=["driving"])
    task = make_task(type="disinfection", skills=["medical"])

    match(task)

    assert set(notices(task)) == {medic.id}
    assert driver.id not in notices(task)


@pytest.mark.usefixtures("both_searches")
def test_a_foreign_language_task_needs_one_of_its_languages(make_task, volunteer, match, notices):
    english, german = volunteer(skills=["english"]), volunteer(skills=["german"])
    french = volunteer(skills=["french"])
    task = make_task(type="foreign_language", skills=["english", "german"])

    match(task)

    assert set(notices(task)) == {english.id, german.id}
    assert french.id not in notices(task)


@pytest.mark.usefixtures("both_searches")
def test_other_skills_of_a_foreign_language_task_are_all_needed(make_task, volunteer, match, notices):
    both, only_language = volunteer(skills=["english", "medical"]), volunteer(skills=["english"])
    task = make_task(type="foreign_language", skills=["english", "medical"])

    match(task)

    assert set(notices(task)) == {both.id}
    assert only_language.id not in notices(task)


def test_a_weekday_night_shift_goes_to_volunteers_free_on_weekday_nights(make_task, volunteer, match, notices):
    night_owl = volunteer(availability=["weekday_night"])
    day_only = volunteer(availability=["weekday_day", "weekend_night"])
    task = make_task(shifts=[(TONIGHT_8PM, 12, 2)])

    match(task)

    assert set(notices(task)) == {night_owl.id}
    assert day_only.id not in notices(task)


def test_a_volunteer_holding_an_overlapping_confirmed_shift_is_not_matched(app, make_task, volunteer, match, notices):
    busy, free = volunteer(), volunteer()
    other = make_task(title="另一个任务", shifts=[(TOMORROW_10AM + timedelta(hours=2), 4, 5)])
    with app.test_request_context():
        claim_services.claim_shift(db.session.get(type(busy), busy.id), db.session.get(Shift, other.shifts[0].id))
    task = make_task(shifts=[(TOMORROW_10AM, 4, 5)])

    match(task)

    assert set(notices(task)) == {free.id}


def test_a_volunteer_over_their_weekly_hours_cap_is_not_matched(app, make_task, volunteer, match, notices):
    capped, roomy = volunteer(max_weekly_hours=8), volunteer(max_weekly_hours=10)
    earlier = make_task(title="周二的任务", shifts=[(TOMORROW_10AM, 6, 5)])
    with app.test_request_context():
        for user in (capped, roomy):
            claim_services.claim_shift(db.session.get(type(user), user.id), db.session.get(Shift, earlier.shifts[0].id))
    task = make_task(shifts=[(timedelta(days=2), 4, 5)])  # Wednesday, the same week: 6 + 4 hours

    match(task)

    assert set(notices(task)) == {roomy.id}


def test_the_weekly_cap_counts_only_the_week_of_the_shift(app, make_task, volunteer, match, notices):
    capped = volunteer(max_weekly_hours=8, availability=["weekday_day", "weekend_day"])
    earlier = make_task(title="周二的任务", shifts=[(TOMORROW_10AM, 6, 5)])
    with app.test_request_context():
        claim_services.claim_shift(db.session.get(type(capped), capped.id), db.session.get(Shift, earlier.shifts[0].id))
    task = make_task(shifts=[(timedelta(days=7), 4, 5)])  # next Monday

    match(task)

    assert set(notices(task)) == {capped.id}


def test_opted_out_and_deactivated_volunteers_are_not_matched(make_task, volunteer, match, notices):
    keen = volunteer()
    volunteer(match_opt_out=True)
    volunteer(active=False)
    task = make_task()

    match(task)

    assert set(notices(task)) == {keen.id}


def test_a_volunteer_who_already_claimed_the_task_is_not_told_about_it(app, make_task, volunteer, match, notices):
    claimed, other = volunteer(), volunteer()
    task = make_task(shifts=[(TOMORROW_10AM, 4, 5), (timedelta(days=2), 4, 5)])
    with app.test_request_context():
        claim_services.claim_shift(db.session.get(type(claimed), claimed.id), db.session.get(Shift, task.shifts[0].id))

    match(task)

    assert set(notices(task)) == {other.id}


def test_the_volunteer_with_fewer_recent_hours_is_asked_first(app, monkeypatch, make_task, volunteer, match, notices):
    monkeypatch.setitem(app.config, "MATCH_NOTIFY_FACTOR", 1)
    veteran, newcomer = volunteer("老志愿者"), volunteer("新志愿者")  # same place, same skills
    past = make_task(title="上周的任务", shifts=[(timedelta(days=-5), 8, 5)])
    with app.app_context():
        db.session.add(Claim(shift_id=past.shifts[0].id, user_id=veteran.id, status=ClaimStatus.CONFIRMED))
        db.session.commit()
    task = make_task(shifts=[(TOMORROW_10AM, 4, 1)])

    match(task)

    assert notices(task) == {newcomer.id: "sent"}


def test_nearer_volunteers_are_asked_first(app, monkeypatch, make_task, volunteer, match, notices):
    monkeypatch.setitem(app.config, "MATCH_NOTIFY_FACTOR", 1)
    volunteer(km=3.0)
    nearest = volunteer(km=0.5)
    task = make_task(shifts=[(TOMORROW_10AM, 4, 1)])

    match(task)

    assert set(notices(task)) == {nearest.id}


def test_a_task_tells_three_volunteers_per_open_place_nearest_first(make_task, volunteer, match, notices):
    people = [volunteer(km=0.2 * (i + 1)) for i in range(10)]
    task = make_task(shifts=[(TOMORROW_10AM, 4, 2)])

    assert match(task) == 6

    assert set(notices(task)) == {user.id for user in people[:6]}


@pytest.mark.usefixtures("both_searches")
def test_among_many_skilled_volunteers_the_nearest_are_asked(make_task, volunteer, match, notices):
    near = [volunteer(km=0.3 * (i + 1), skills=["driving"]) for i in range(3)]
    for i in range(12):
        volunteer(km=1.2 + 0.3 * i, skills=["driving"])
    volunteer(km=0.1)  # nearest of all, but cannot drive
    task = make_task(type="delivery", skills=["driving"], shifts=[(TOMORROW_10AM, 4, 1)])

    match(task)

    assert set(notices(task)) == {user.id for user in near}


def test_running_the_match_twice_tells_nobody_twice(make_task, volunteer, match, notices, inbox):
    people = [volunteer(km=0.5 + i) for i in range(4)]
    task = make_task(shifts=[(TOMORROW_10AM, 4, 1)])

    assert match(task) == 3
    assert match(task) == 0

    assert len(notices(task)) == 3
    assert [len(inbox(user, "task_match")) for user in people] == [1, 1, 1, 0]


def test_added_places_tell_new_volunteers_and_never_the_first_ones_again(
    app, make_task, make_user, make_org, grant, volunteer, match, notices, inbox
):
    people = [volunteer(km=0.5 + 0.5 * i) for i in range(6)]
    org, organizer = make_org(), make_user("组织者")
    grant(organizer, org)
    task = make_task(org, shifts=[(TOMORROW_10AM, 4, 1)])
    match(task)

    with app.test_request_context():
        task_services.update_task(
            db.session.get(type(organizer), organizer.id), task.id, shifts=[{"id": task.shifts[0].id, "capacity": 2}]
        )
        recorded = db.session.execute(
            sa.select(OutboxEvent.payload).where(OutboxEvent.job == "volunteer_hub.matching.jobs.match_task")
        ).scalars()
        recorded = list(recorded)
    assert recorded == [{"task_id": task.id}]
    assert match(task) == 3

    assert set(notices(task)) == {user.id for user in people}
    assert all(len(inbox(user, "task_match")) == 1 for user in people)


def test_a_task_without_coordinates_or_places_tells_nobody(app, make_task, volunteer, match, notices):
    volunteer()
    full = make_task(shifts=[(TOMORROW_10AM, 4, 1)])
    with app.app_context():
        db.session.get(Shift, full.shifts[0].id).confirmed = 1
        db.session.commit()
    waiting = make_task(lat=None, lon=None)

    assert (match(full), match(waiting)) == (0, 0)


@pytest.mark.parametrize(
    ("kind", "code"),
    [("distance", None), ("skill", "medical"), ("language", "english"), ("availability", "weekday_day")],
)
def test_a_match_records_why_the_volunteer_was_chosen(app, make_task, volunteer, match, kind, code):
    volunteer(km=1.2, skills=["medical", "english"])
    task = make_task(type="foreign_language", skills=["medical", "english"], lat=SHENZHEN[0], lon=SHENZHEN[1])
    match(task)

    with app.app_context():
        (notice,) = db.session.execute(sa.select(MatchNotice)).scalars()
    found = [reason for reason in notice.reasons if reason["kind"] == kind]
    assert found and (code is None or found[0]["code"] == code)
    if kind == "distance":
        assert found[0]["km"] == pytest.approx(1.2, abs=0.01)
