"""Shift series: a daily pattern over local dates becomes shifts in one action, with per-field errors."""

from datetime import UTC, datetime

import sqlalchemy as sa
import time_machine

from volunteer_hub.extensions import db
from volunteer_hub.matching.jobs import match_task
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.tasks.models import Shift

# Monday 2 March 2026, 09:00 in Shanghai.
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CHECKPOINT = [
    {"start": "08:00", "end": "16:00", "capacity": 2},
    {"start": "16:00", "end": "24:00", "capacity": 2},
    {"start": "00:00", "end": "08:00", "capacity": 2},
]


def organizer_of_task(make_user, make_org, make_task, grant, api_token):
    org = make_org()
    organizer = make_user("组织者")
    grant(organizer, org)
    return make_task(org), api_token(organizer)


def post_series(api, task_id, token, **body):
    body = {"from_date": "2026-03-03", "to_date": "2026-03-04", "daily": CHECKPOINT} | body
    return api.post(f"/tasks/{task_id}/series", json=body, token=token)


def spans(app, series_id):
    with app.app_context():
        rows = db.session.execute(sa.select(Shift).where(Shift.series_id == series_id).order_by(Shift.starts_at))
        return [(s.starts_at.isoformat(), s.ends_at.isoformat(), s.capacity) for s in rows.scalars()]


@time_machine.travel(NOW, tick=False)
def test_a_round_the_clock_pattern_becomes_one_shift_per_slot_and_day(
    app, api, make_user, make_org, make_task, grant, api_token
):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)

    response = post_series(api, task.id, token)

    assert response.status_code == 201, response.json
    body = response.json
    assert [(s["starts_at"], s["ends_at"]) for s in body["shifts"]] == [
        ("2026-03-03T00:00:00+08:00", "2026-03-03T08:00:00+08:00"),
        ("2026-03-03T08:00:00+08:00", "2026-03-03T16:00:00+08:00"),
        ("2026-03-03T16:00:00+08:00", "2026-03-04T00:00:00+08:00"),
        ("2026-03-04T00:00:00+08:00", "2026-03-04T08:00:00+08:00"),
        ("2026-03-04T08:00:00+08:00", "2026-03-04T16:00:00+08:00"),
        ("2026-03-04T16:00:00+08:00", "2026-03-05T00:00:00+08:00"),
    ]
    assert len(spans(app, body["id"])) == 6


@time_machine.travel(NOW, tick=False)
def test_an_end_before_the_start_means_the_next_day(app, api, make_user, make_org, make_task, grant, api_token):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)

    response = post_series(
        api, task.id, token, to_date="2026-03-03", daily=[{"start": "20:00", "end": "08:00", "capacity": 3}]
    )

    assert response.status_code == 201, response.json
    assert [(s["starts_at"], s["ends_at"], s["capacity"]) for s in response.json["shifts"]] == [
        ("2026-03-03T20:00:00+08:00", "2026-03-04T08:00:00+08:00", 3)
    ]


@time_machine.travel(NOW, tick=False)
def test_local_dates_map_to_utc_with_the_fixed_shanghai_offset_all_year(
    app, api, make_user, make_org, make_task, grant, api_token
):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)

    # Across the dates when Europe and America change their clocks, Shanghai stays at +08:00.
    response = post_series(
        api,
        task.id,
        token,
        from_date="2026-03-27",
        to_date="2026-03-30",
        daily=[{"start": "08:00", "end": "16:00", "capacity": 1}],
    )

    assert response.status_code == 201, response.json
    assert [s[0] for s in spans(app, response.json["id"])] == [
        datetime(2026, 3, day, 0, 0, tzinfo=UTC).isoformat() for day in (27, 28, 29, 30)
    ]


@time_machine.travel(NOW, tick=False)
def test_creating_a_series_asks_matching_to_tell_volunteers(app, api, make_user, make_org, make_task, grant, api_token):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)

    post_series(api, task.id, token)

    with app.app_context():
        jobs = db.session.execute(sa.select(OutboxEvent.job, OutboxEvent.payload)).all()
    assert (f"{match_task.__module__}.{match_task.__name__}", {"task_id": task.id}) in [tuple(j) for j in jobs]


@time_machine.travel(NOW, tick=False)
def test_bad_patterns_get_an_error_per_field_and_create_nothing(
    app, api, make_user, make_org, make_task, grant, api_token
):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)

    response = post_series(
        api,
        task.id,
        token,
        from_date="2026-03-03",
        to_date="2026-05-10",
        daily=[{"start": "25:00", "end": "8", "capacity": 0}],
    )

    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"to_date", "daily.0.start", "daily.0.end", "daily.0.capacity"}
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Shift).where(Shift.series_id.is_not(None))
            ).scalar_one()
            == 0
        )


@time_machine.travel(NOW, tick=False)
def test_a_daily_slot_longer_than_a_volunteer_may_serve_is_refused_on_its_end(
    app, api, make_user, make_org, make_task, grant, api_token
):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)

    response = post_series(
        api,
        task.id,
        token,
        daily=[
            {"start": "20:00", "end": "08:00", "capacity": 2},
            {"start": "08:00", "end": "07:00", "capacity": 2},
            {"start": "00:00", "end": "24:00", "capacity": 2},
        ],
    )

    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"daily.1.end", "daily.2.end"}
    assert "12" in response.json["error"]["fields"]["daily.1.end"]


@time_machine.travel(NOW, tick=False)
def test_more_than_six_slots_a_day_or_a_day_already_begun_are_refused(
    app, api, make_user, make_org, make_task, grant, api_token
):
    task, token = organizer_of_task(make_user, make_org, make_task, grant, api_token)
    seven = [{"start": f"{h:02d}:00", "end": f"{h + 1:02d}:00", "capacity": 1} for h in range(7)]

    too_many = post_series(api, task.id, token, daily=seven)
    begun = post_series(api, task.id, token, from_date="2026-03-02", to_date="2026-03-02")

    assert too_many.json["error"]["fields"] == {"daily": "每天最多 6 个班次。"}
    assert set(begun.json["error"]["fields"]) == {"from_date"}


@time_machine.travel(NOW, tick=False)
def test_an_organizer_of_another_community_cannot_create_a_series(
    app, api, make_user, make_org, make_task, grant, api_token
):
    task, _ = organizer_of_task(make_user, make_org, make_task, grant, api_token)
    stranger = make_user("别的社区")
    grant(stranger, make_org("别的社区"))

    response = post_series(api, task.id, api_token(stranger))

    assert response.status_code == 403
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Shift).where(Shift.series_id.is_not(None))
            ).scalar_one()
            == 0
        )
