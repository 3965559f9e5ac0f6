"""Organizer pages: post and edit tasks with shift rows, cancel, rosters, approvals, CSV, and scope checks."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from volunteer_hub.claims.models import Claim
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Task

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def org(make_org):
    return make_org("民治社区")


@pytest.fixture
def organizer(make_user, grant, org):
    user = make_user("组织者")
    grant(user, org)
    return user


def day_after_tomorrow() -> str:
    return (now().astimezone(SHANGHAI).date() + timedelta(days=2)).isoformat()


def task_form(org_id, /, *, rows=(("08:00", "12:00", "5"),), token="form-token-1", **fields):
    data = {
        "org_id": str(org_id),
        "client_token": token,
        "title": "东门卡口值守",
        "type": "checkpoint",
        "description": "测体温，登记出入。",
        "address": "民治街道东门",
        "lat": "22.5431",
        "lon": "114.0579",
        "required_skills": ["english"],
        "submit": "Publish",
    }
    for index, (starts, ends, places) in enumerate(rows):
        data |= {
            f"shifts-{index}-day": day_after_tomorrow(),
            f"shifts-{index}-starts": starts,
            f"shifts-{index}-ends": ends,
            f"shifts-{index}-capacity": places,
        }
    return data | fields


def saved_row(shift, *, capacity: str) -> dict:
    """Row 0 of the edit form for a saved shift, its times unchanged."""
    starts, ends = shift.starts_at.astimezone(SHANGHAI), shift.ends_at.astimezone(SHANGHAI)
    return {
        "shifts-0-id": str(shift.id),
        "shifts-0-day": starts.date().isoformat(),
        "shifts-0-starts": starts.strftime("%H:%M"),
        "shifts-0-ends": ends.strftime("%H:%M"),
        "shifts-0-capacity": capacity,
    }


def saved_tasks(app):
    with app.app_context():
        return [
            (
                task.title,
                [(s.starts_at.astimezone(SHANGHAI).strftime("%H:%M"), s.hours, s.capacity) for s in task.shifts],
            )
            for task in db.session.execute(sa.select(Task)).scalars()
        ]


def test_posting_with_two_rows_creates_the_task_and_an_overnight_shift(client, login, organizer, org, post, app):
    login(organizer)
    rows = [("08:00", "12:00", "5"), ("20:00", "08:00", "3")]
    response = post(client, "/org/tasks/new", task_form(org.id, rows=rows))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/org/tasks/")
    assert saved_tasks(app) == [("东门卡口值守", [("08:00", 4.0, 5), ("20:00", 12.0, 3)])]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is published" in page and "next day 08:00" in page


def test_the_post_form_starts_with_one_row_and_an_idempotency_key(client, login, organizer):
    login(organizer)
    html = client.get("/org/tasks/new").get_data(as_text=True)
    assert 'name="shifts-0-day"' in html and 'name="shifts-1-day"' not in html
    assert 'id="client_token" name="client_token" type="hidden" value="' in html
    assert 'name="client_token" type="hidden" value=""' not in html


def test_zero_places_is_shown_next_to_that_rows_field_and_nothing_is_saved(client, login, organizer, org, post, app):
    login(organizer)
    rows = [("08:00", "12:00", "5"), ("13:00", "17:00", "0")]
    response = post(client, "/org/tasks/new", task_form(org.id, rows=rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="shifts-1-capacity-error"' in html
    assert 'id="shifts-0-capacity-error"' not in html
    assert "<title>Error: " in html
    assert saved_tasks(app) == []


def test_add_a_row_re_renders_the_form_with_one_more_row_and_saves_nothing(client, login, organizer, org, post, app):
    login(organizer)
    data = task_form(org.id, add_row="Add a shift row")
    del data["submit"]
    response = post(client, "/org/tasks/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="shifts-1-day" name="shifts-1-day" type="date" value="{day_after_tomorrow()}"' in html
    assert 'value="东门卡口值守"' in html
    assert saved_tasks(app) == []


def test_unused_rows_are_ignored(client, login, organizer, org, post, app):
    login(organizer)
    data = task_form(org.id) | {
        "shifts-1-day": day_after_tomorrow(),
        "shifts-1-starts": "",
        "shifts-1-ends": "",
        "shifts-1-capacity": "5",
    }
    assert post(client, "/org/tasks/new", data).status_code == 302
    assert saved_tasks(app) == [("东门卡口值守", [("08:00", 4.0, 5)])]


def test_a_double_submit_with_the_same_token_creates_one_task(client, login, organizer, org, post, app):
    login(organizer)
    first = post(client, "/org/tasks/new", task_form(org.id, token="same-token"))
    second = post(client, "/org/tasks/new", task_form(org.id, token="same-token"))
    assert first.headers["Location"] == second.headers["Location"]
    assert len(saved_tasks(app)) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "长" * 101),
        ("title", ""),
        ("type", "spaceship"),
        ("lat", "95"),
        ("lon", "abc"),
        ("lat", ""),
        ("required_skills", "juggling"),
        ("org_id", "999"),
    ],
)
def test_bad_task_fields_are_shown_next_to_the_field_and_nothing_is_saved(
    client, login, organizer, org, post, app, field, value
):
    login(organizer)
    response = post(client, "/org/tasks/new", task_form(org.id, **{field: value}))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert saved_tasks(app) == []


def test_a_shift_in_the_past_is_refused_next_to_its_start(client, login, organizer, org, post, app):
    login(organizer)
    data = task_form(org.id) | {"shifts-0-day": "2020-02-03"}
    response = post(client, "/org/tasks/new", data)
    assert 'id="shifts-0-starts-error"' in response.get_data(as_text=True)
    assert saved_tasks(app) == []


def test_volunteers_cannot_open_the_management_pages(client, login, make_user):
    login(make_user())
    for url in ("/org/tasks", "/org/tasks/new", "/org/orgs"):
        assert client.get(url).status_code == 403


def test_my_task_list_shows_only_my_organisations_tasks(client, login, organizer, org, make_org, make_task):
    make_task(org, title="我们的任务")
    make_task(make_org("别的社区"), title="别人的任务")
    login(organizer)
    html = client.get("/org/tasks").get_data(as_text=True)
    assert "我们的任务" in html and "别人的任务" not in html


def test_editing_changes_fields_and_places_and_adds_a_row(client, login, organizer, org, make_task, post, app):
    task = make_task(org, shifts=((timedelta(days=2), 4, 5),))
    login(organizer)
    form = client.get(f"/org/tasks/{task.id}/edit").get_data(as_text=True)
    assert 'value="东门卡口值守"' in form
    data = (
        task_form(org.id, title="西门卡口值守")
        | saved_row(task.shifts[0], capacity="8")
        | {
            "shifts-1-day": day_after_tomorrow(),
            "shifts-1-starts": "20:00",
            "shifts-1-ends": "23:00",
            "shifts-1-capacity": "2",
        }
    )
    response = post(client, f"/org/tasks/{task.id}/edit", data)
    assert response.status_code == 302
    ((title, shifts),) = saved_tasks(app)
    assert title == "西门卡口值守"
    assert sorted(capacity for *_, capacity in shifts) == [2, 8]


def test_places_cannot_drop_below_the_confirmed_count(
    client, login, organizer, org, make_task, make_user, post, claim_as, app
):
    task = make_task(org, shifts=((timedelta(days=2), 4, 5),))
    shift = task.shifts[0]
    claim_as(make_user(), shift.id)
    claim_as(make_user(), shift.id)
    login(organizer)
    response = post(client, f"/org/tasks/{task.id}/edit", task_form(org.id) | saved_row(shift, capacity="1"))
    assert response.status_code == 409
    assert "2 volunteers are already confirmed" in response.get_data(as_text=True)
    assert saved_tasks(app)[0][1][0][2] == 5


def test_cancelling_states_the_consequence_then_notifies_volunteers(
    client, login, organizer, org, make_task, make_user, post, claim_as, app
):
    task = make_task(org)
    volunteer = make_user()
    claim_as(volunteer, task.shifts[0].id)
    login(organizer)
    page = client.get(f"/org/tasks/{task.id}/cancel").get_data(as_text=True)
    assert "1 volunteer has signed up" in page
    assert post(client, f"/org/tasks/{task.id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Task, task.id).status == "cancelled"
        assert db.session.execute(sa.select(Claim.status)).scalar_one() == "cancelled"
        assert db.session.execute(sa.select(Notification.user_id)).scalar_one() == volunteer.id


def test_a_cancellation_reason_is_shown_to_the_volunteer(
    client, login, organizer, org, make_task, make_user, post, claim_as
):
    task = make_task(org)
    volunteer = make_user()
    claim_as(volunteer, task.shifts[0].id)
    login(organizer)
    assert 'name="reason"' in client.get(f"/org/tasks/{task.id}/cancel").get_data(as_text=True)
    assert (
        post(client, f"/org/tasks/{task.id}/cancel", {"reason": "Heavy rain: the site is closed."}).status_code == 302
    )
    login(volunteer)
    assert "Heavy rain: the site is closed." in client.get("/me/notifications").get_data(as_text=True)
    assert "The organizer’s reason: Heavy rain: the site is closed." in client.get("/me/shifts").get_data(as_text=True)


def test_a_too_long_cancellation_reason_is_shown_on_the_field_and_cancels_nothing(
    client, login, organizer, org, make_task, post, app
):
    task = make_task(org)
    login(organizer)
    response = post(client, f"/org/tasks/{task.id}/cancel", {"reason": "x" * 501})
    assert response.status_code == 400 and 'id="reason-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Task, task.id).status == "open"


@pytest.fixture
def roster_setup(org, make_task, make_user, claim_as):
    task = make_task(org, requires_approval=True)
    volunteer = make_user("张三", phone="+8613912345678", party_member=True, show_party_badge=True, skills=["medical"])
    claim_id, status = claim_as(volunteer, task.shifts[0].id)
    assert status == "pending"
    return task.shifts[0].id, claim_id


def test_organizers_see_full_phones_the_party_badge_and_can_approve(client, login, organizer, roster_setup, post, app):
    shift_id, claim_id = roster_setup
    login(organizer)
    response = client.get(f"/org/shifts/{shift_id}/roster")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="tel:+8613912345678"' in html
    assert "Party member" in html and "Medical" in html and "Waiting for approval" in html
    assert post(client, f"/org/claims/{claim_id}/approve").headers["Location"] == f"/org/shifts/{shift_id}/roster"
    with app.app_context():
        assert db.session.get(Claim, claim_id).status == "confirmed"


def test_organizers_can_reject_a_request(client, login, organizer, roster_setup, post, app):
    shift_id, claim_id = roster_setup
    login(organizer)
    assert post(client, f"/org/claims/{claim_id}/reject").headers["Location"] == f"/org/shifts/{shift_id}/roster"
    with app.app_context():
        assert db.session.get(Claim, claim_id).status == "rejected"


def test_a_rejection_reason_is_shown_to_the_volunteer(client, login, organizer, roster_setup, post, app):
    shift_id, claim_id = roster_setup
    login(organizer)
    assert f'id="reason-{claim_id}"' in client.get(f"/org/shifts/{shift_id}/roster").get_data(as_text=True)
    post(client, f"/org/claims/{claim_id}/reject", {"reason": "We need Cantonese speakers for this shift."})
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        note = db.session.execute(sa.select(Notification).where(Notification.user_id == claim.user_id)).scalar_one()
        assert claim.organizer_reason == "We need Cantonese speakers for this shift."
        assert note.kind == "claim_rejected" and note.params["reason"] == claim.organizer_reason


def test_reviewers_see_masked_phones_and_cannot_approve(client, login, make_user, grant, org, roster_setup, post, app):
    shift_id, claim_id = roster_setup
    reviewer = make_user("审核员")
    grant(reviewer, org, "reviewer")
    login(reviewer)
    html = client.get(f"/org/shifts/{shift_id}/roster").get_data(as_text=True)
    assert "139****5678" in html
    assert "13912345678" not in html and "tel:" not in html
    assert "/approve" not in html
    assert post(client, f"/org/claims/{claim_id}/approve").status_code == 403
    assert "139****5678" in client.get(f"/org/shifts/{shift_id}/roster.csv").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Claim, claim_id).status == "pending"


def test_roster_csv_opens_in_excel_with_every_column(client, login, organizer, roster_setup):
    shift_id, _ = roster_setup
    login(organizer)
    response = client.get(f"/org/shifts/{shift_id}/roster.csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="roster-{shift_id}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == ["Name", "Phone", "Party member", "Skills", "Status", "Claimed at"]
    assert rows[1][:5] == ["张三", "13912345678", "Yes", "Medical", "Waiting for approval"]
    assert len(rows[1][5]) == len("2020-02-03 20:00")


def test_names_that_look_like_formulas_are_exported_as_text(
    client, login, organizer, org, make_task, make_user, claim_as
):
    task = make_task(org)
    claim_as(make_user("=HYPERLINK(1)"), task.shifts[0].id)
    login(organizer)
    body = client.get(f"/org/shifts/{task.shifts[0].id}/roster.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body


def test_an_organizer_of_another_community_gets_403_and_changes_nothing(
    client, login, make_user, make_org, grant, org, roster_setup, post, app
):
    shift_id, claim_id = roster_setup
    with app.app_context():
        task_id = db.session.execute(sa.select(Task.id)).scalar_one()
    stranger = make_user("别的组织者")
    grant(stranger, make_org("别的社区"))
    login(stranger)
    for url in (
        f"/org/tasks/{task_id}",
        f"/org/tasks/{task_id}/edit",
        f"/org/tasks/{task_id}/cancel",
        f"/org/shifts/{shift_id}/roster",
        f"/org/shifts/{shift_id}/roster.csv",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "张三" not in response.get_data(as_text=True)
    for url in (
        f"/org/tasks/{task_id}/edit",
        f"/org/tasks/{task_id}/cancel",
        f"/org/claims/{claim_id}/approve",
        f"/org/claims/{claim_id}/reject",
    ):
        assert post(client, url, task_form(0, title="改掉")).status_code == 403, url
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.title, task.status) == ("东门卡口值守", "open")
        assert db.session.get(Claim, claim_id).status == "pending"


def test_unknown_ids_are_404(client, login, organizer, post):
    login(organizer)
    for url in ("/org/tasks/999", "/org/tasks/999/edit", "/org/shifts/999/roster", "/org/shifts/999/roster.csv"):
        assert client.get(url).status_code == 404, url
    assert post(client, "/org/claims/999/approve").status_code == 404


def test_clearing_a_saved_shifts_time_is_an_error_not_ignored(client, login, organizer, org, make_task, post, app):
    task = make_task(org, shifts=((timedelta(days=2), 4, 5),))
    login(organizer)
    data = task_form(org.id) | saved_row(task.shifts[0], capacity="5") | {"shifts-0-starts": ""}
    response = post(client, f"/org/tasks/{task.id}/edit", data)
    assert response.status_code == 400
    assert 'id="shifts-0-starts-error"' in response.get_data(as_text=True)


def test_an_end_before_the_start_that_makes_a_23_hour_shift_is_refused_next_to_its_end(
    client, login, organizer, org, post, app
):
    login(organizer)
    response = post(client, "/org/tasks/new", task_form(org.id, rows=[("08:00", "07:00", "5")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="shifts-0-ends-error"' in html and "at most 12 hours" in html
    assert "Lasts 23 hours." in html and "Ends the next day." in html
    assert saved_tasks(app) == []


def test_each_row_shows_its_length_and_the_next_day_before_saving(client, login, organizer, org, post):
    login(organizer)
    data = task_form(org.id, rows=[("08:00", "12:30", "5"), ("20:00", "08:00", "3")], add_row="Add a shift row")
    del data["submit"]
    html = post(client, "/org/tasks/new", data).get_data(as_text=True)
    rows = html.split("data-shift-row")[1:]
    assert "Lasts 4.5 hours." in rows[0] and "Lasts 12 hours." in rows[1]
    assert "<span data-next-day hidden>" in rows[0] and "<span data-next-day>" in rows[1]
    assert all('<p class="warn" data-too-long' in row and "hidden>Longer than" in row for row in rows[:2])
