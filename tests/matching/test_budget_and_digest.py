"""A volunteer's match budget: a few notifications a day, none in quiet hours unless urgent, the rest in one
daily digest."""

from datetime import datetime, timedelta

from tests.matching.conftest import SHANGHAI
from volunteer_hub.extensions import db
from volunteer_hub.matching import services
from volunteer_hub.notifications.texts import render
from volunteer_hub.tasks.models import Task, TaskStatus

ALL_BANDS = ("weekday_day", "weekday_night", "weekend_day", "weekend_night")
MONDAY_11PM = datetime(2026, 3, 2, 23, 0, tzinfo=SHANGHAI)


def test_the_fourth_match_in_a_day_waits_for_the_digest(make_task, volunteer, match, notices, inbox):
    keen = volunteer()
    tasks = [make_task(title=f"任务{i}") for i in range(4)]

    for task in tasks:
        match(task)

    assert [notices(task)[keen.id] for task in tasks] == ["sent", "sent", "sent", "digest"]
    assert len(inbox(keen, "task_match")) == 3


def test_a_new_local_day_brings_a_new_budget(make_task, volunteer, match, notices, clock):
    keen = volunteer(notify_max_per_day=1, availability=ALL_BANDS)
    match(make_task(title="周一的任务"))
    clock(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))

    task = make_task(title="周二的任务")
    match(task)

    assert notices(task) == {keen.id: "sent"}


def test_a_budget_of_zero_sends_every_match_to_the_digest(make_task, volunteer, match, notices):
    patient = volunteer(notify_max_per_day=0)
    task = make_task()

    match(task)

    assert notices(task) == {patient.id: "digest"}


def test_in_quiet_hours_a_match_waits_unless_the_task_is_urgent(make_task, volunteer, match, notices, inbox, clock):
    clock(MONDAY_11PM)
    sleeper = volunteer(availability=ALL_BANDS)  # quiet 22:00-07:00 by default
    calm, urgent = make_task(title="普通任务"), make_task(title="紧急任务", urgent=True)

    match(calm)
    match(urgent)

    assert (notices(calm), notices(urgent)) == ({sleeper.id: "digest"}, {sleeper.id: "sent"})
    assert [note.task_id for note in inbox(sleeper, "task_match")] == [urgent.id]


def test_without_quiet_hours_a_late_match_is_sent_at_once(app, make_task, volunteer, match, notices, clock):
    clock(MONDAY_11PM)
    owl = volunteer(availability=ALL_BANDS)
    with app.app_context():
        saved = db.session.get(type(owl), owl.id)
        saved.quiet_start_min = saved.quiet_end_min = None  # set on insert, None would mean "the default"
        db.session.commit()
    task = make_task()

    match(task)

    assert notices(task) == {owl.id: "sent"}


def test_the_match_notification_names_the_task_its_time_and_distance(app, make_task, volunteer, match, inbox):
    keen = volunteer(km=1.2)
    task = make_task(title="东门卡口值守", shifts=[(timedelta(days=1), 4, 5)])

    match(task)

    (note,) = inbox(keen, "task_match")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render(note) == "A task 1.2 km from you needs volunteers: “东门卡口值守”, Tomorrow 10:00–14:00."
    assert note.task_id == task.id


def test_the_digest_lists_the_waiting_tasks_once_a_day_and_marks_them_digested(
    app, make_task, volunteer, match, notices, inbox, clock
):
    clock(MONDAY_11PM)
    sleeper = volunteer(availability=ALL_BANDS)
    first, second = make_task(title="消杀"), make_task(title="测温")
    match(first)
    match(second)

    clock(datetime(2026, 3, 3, 7, 30, tzinfo=SHANGHAI))
    with app.test_request_context():
        assert services.send_digests() == 0  # before the digest hour (08:00)
    clock(datetime(2026, 3, 3, 8, 5, tzinfo=SHANGHAI))
    with app.test_request_context():
        assert services.send_digests() == 1
        assert services.send_digests() == 0

    (digest,) = inbox(sleeper, "match_digest")
    assert (digest.params["tasks"], digest.params["count"]) == (["消杀", "测温"], 2)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render(digest) == "2 tasks near you are still looking for volunteers: “消杀” and “测温”."
    assert notices(first) == notices(second) == {sleeper.id: "digested"}


def test_the_digest_leaves_out_tasks_that_closed_meanwhile(app, make_task, volunteer, match, inbox, notices, clock):
    clock(MONDAY_11PM)
    sleeper = volunteer(availability=ALL_BANDS)
    cancelled, still_open = make_task(title="已取消"), make_task(title="还在招募")
    match(cancelled)
    match(still_open)
    with app.app_context():
        db.session.get(Task, cancelled.id).status = TaskStatus.CANCELLED
        db.session.commit()

    clock(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))
    with app.test_request_context():
        services.send_digests()

    (digest,) = inbox(sleeper, "match_digest")
    assert (digest.params["tasks"], digest.task_id) == (["还在招募"], still_open.id)
    assert notices(cancelled) == {sleeper.id: "digested"}


def test_a_volunteer_who_opted_out_meanwhile_gets_no_digest(app, make_task, volunteer, match, inbox, clock):
    clock(MONDAY_11PM)
    sleeper = volunteer(availability=ALL_BANDS)
    match(make_task())
    with app.app_context():
        db.session.get(type(sleeper), sleeper.id).match_opt_out = True
        db.session.commit()

    clock(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))
    with app.test_request_context():
        assert services.send_digests() == 0

    assert inbox(sleeper, "match_digest") == []
