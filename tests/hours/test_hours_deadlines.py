"""The recording deadline (办法 §11): 10 working days after the activity, on China's working-day calendar
(weekends, statutory holidays and make-up working days); reminders to the organizers at 7 and 9 working days,
once each; overdue counts per organisation."""

from datetime import date, timedelta

import sqlalchemy as sa

from tests.hours.conftest import local
from volunteer_hub.extensions import db
from volunteer_hub.hours import jobs, queries, rules, services
from volunteer_hub.notifications.models import Notification


def test_working_days_skip_the_weekend():
    friday = date(2026, 3, 6)

    assert rules.add_working_days(friday, 1) == date(2026, 3, 9)
    assert rules.add_working_days(friday, 10) == date(2026, 3, 20)
    assert rules.working_days_between(friday, date(2026, 3, 8)) == 0
    assert rules.working_days_between(friday, date(2026, 3, 9)) == 1
    assert rules.working_days_between(friday, date(2026, 3, 20)) == 10
    assert rules.working_days_between(date(2026, 3, 2), date(2026, 3, 30)) == 20


def test_statutory_holidays_are_off_and_make_up_days_are_working_days():
    before_national_day = date(2026, 9, 30)  # Wednesday; 1-7 October off, Saturday 10 October worked

    assert rules.add_working_days(before_national_day, 1) == date(2026, 10, 8)
    assert rules.add_working_days(before_national_day, 3) == date(2026, 10, 10)
    assert rules.add_working_days(before_national_day, 10) == date(2026, 10, 20)
    assert rules.working_days_between(before_national_day, date(2026, 10, 20)) == 10
    assert rules.is_working_day(date(2026, 9, 20))  # a Sunday worked in exchange


def test_the_extended_spring_festival_of_2020_pushes_the_deadline_back():
    # 24 January to 2 February 2020 were off (the holiday, extended by the State Council for the epidemic).
    assert rules.add_working_days(date(2020, 1, 23), 10) == date(2020, 2, 14)


def test_a_year_without_a_published_schedule_counts_monday_to_friday():
    far = date(2100, 3, 5)  # a Friday

    assert rules.add_working_days(far, 1) == date(2100, 3, 8)
    assert rules.working_days_between(far, date(2100, 3, 19)) == 10


def test_the_deadline_counts_working_days_left_and_overdue(app, clock):
    ended = local("2026-03-06", "12:00")  # a Friday
    with app.app_context():
        days = {day: rules.deadline(ended, date(2026, 3, day)) for day in (7, 9, 19, 20, 21, 23)}

    assert {d.due for d in days.values()} == {date(2026, 3, 20)}
    assert {day: (d.elapsed, d.left, d.overdue) for day, d in days.items()} == {
        7: (0, 10, False),
        9: (1, 9, False),
        19: (9, 1, False),
        20: (10, 0, False),
        21: (10, -1, True),
        23: (11, -1, True),
    }


def test_a_night_shift_is_due_ten_working_days_after_it_ends(app, clock):
    with app.app_context():
        due = rules.deadline(local("2026-03-07", "08:00"), date(2026, 3, 7)).due  # Friday night to Saturday

    assert due == date(2026, 3, 20)


def reminders(app, user):
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Notification.dedupe_key)
                .where(Notification.user_id == user.id, Notification.kind == "hours_unconfirmed")
                .order_by(Notification.id)
            ).scalars()
        )


def test_organizers_are_reminded_at_seven_and_nine_working_days_once_each(
    app, world, clock, make_shift, attend, volunteer
):
    shift = make_shift("2026-03-06", "08:00")
    attend(shift, volunteer()[0], marked=True)
    seen = {}
    for offset in range(0, 20):
        day = date(2026, 3, 6) + timedelta(days=offset)
        for hour in ("10:00", "18:00"):
            clock.move_to(local(day.isoformat(), hour))
            with app.app_context():
                services.remind_unconfirmed()
        seen[day.day] = len(reminders(app, world.organizer))

    assert [day for day in seen if seen[day] != seen.get(day - 1, 0)] == [17, 19]
    assert reminders(app, world.organizer) == [f"hours_deadline:{days}:shift:{shift.id}" for days in (7, 9)]
    assert reminders(app, world.street_organizer) == []  # the community has its own organizers


def test_confirmed_shifts_get_no_reminder(app, api, world, clock, make_shift, attend, volunteer):
    shift = make_shift("2026-03-06", "08:00")
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-06", "13:00"))
    api.post(f"/claims/{claim_id}/confirm", token=world.tokens["organizer"])
    clock.move_to(local("2026-03-17", "10:00"))

    with app.app_context():
        assert services.remind_unconfirmed() == 0


def test_the_recurring_job_sends_the_reminders(app, api, world, clock, make_shift, attend, volunteer):
    shift = make_shift("2026-03-06", "08:00")
    attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-17", "10:00"))

    with app.app_context():
        jobs.remind_unconfirmed_hours()

    assert reminders(app, world.organizer) == [f"hours_deadline:7:shift:{shift.id}"]
    text = api.get("/me/notifications", token=world.tokens["organizer"], headers={"Accept-Language": "en"}).json[
        "items"
    ][0]["text"]
    assert text == (
        "1 volunteer of “东门卡口值守” Fri, Mar 6 08:00–12:00 still waits for confirmed hours; please "
        "confirm by Mar 20, 2026."
    )


def test_overdue_counts_are_per_organisation_in_the_subtree(app, world, clock, make_shift, attend, volunteer):
    old = make_shift("2026-03-02", "08:00")  # due 2026-03-16
    recent = make_shift("2026-03-09", "08:00")  # due 2026-03-23
    other = make_shift("2026-03-02", "08:00", org=world.other)
    for shift in (old, old, recent, other):
        attend(shift, volunteer()[0], marked=True)
    attend(old, volunteer()[0], no_show=True)
    clock.move_to(local("2026-03-17", "09:00"))

    with app.app_context():
        assert queries.overdue_counts(world.street) == {world.community.id: 2, world.other.id: 1}
        assert queries.overdue_counts(world.other) == {world.other.id: 1}


def test_the_list_of_shifts_to_confirm_is_scoped_and_most_urgent_first(
    app, world, clock, make_shift, attend, volunteer, api
):
    later = make_shift("2026-03-04", "08:00")
    sooner = make_shift("2026-03-02", "08:00")
    elsewhere = make_shift("2026-03-02", "08:00", org=world.other)
    for shift in (later, sooner, sooner, elsewhere):
        attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-05", "09:00"))

    mine = api.get("/hours/unconfirmed", token=world.tokens["organizer"]).json["items"]
    street = api.get("/hours/unconfirmed", token=world.tokens["reviewer"]).json["items"]

    assert [(i["shift_id"], i["waiting"], i["deadline"]["due"], i["deadline"]["working_days_left"]) for i in mine] == [
        (sooner.id, 2, "2026-03-16", 7),
        (later.id, 1, "2026-03-18", 9),
    ]
    assert {i["shift_id"] for i in street} == {sooner.id, later.id, elsewhere.id}
    assert not any(i["can_confirm"] for i in street)
