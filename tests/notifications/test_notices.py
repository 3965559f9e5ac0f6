"""An organizer sees, per action of theirs that told volunteers something (a cancellation, a removal, new shift
times), how many people were told and how many messages each channel carried; no one else sees it."""

from datetime import timedelta

import pytest

from tests.conftest import english
from tests.notifications.conftest import drain
from volunteer_hub.core.timeutil import now


@pytest.fixture
def staffed(app, api, make_org, make_user, grant, make_task, api_token):
    """A community task with one shift of three places: two volunteers (no quiet hours; one gave an e-mail
    address) are confirmed. Returns (task, organizer, organizer's token, volunteers' tokens, claim ids)."""
    community = make_org()
    organizer = make_user("王书记")
    grant(organizer, community)
    task = make_task(community, shifts=[(timedelta(days=2), 4, 3)], created_by=organizer)
    volunteers = [
        make_user("甲", quiet_start_min=None, quiet_end_min=None),
        make_user("乙", quiet_start_min=None, quiet_end_min=None, email="yi@example.org"),
    ]
    tokens = [api_token(v) for v in volunteers]
    claims = [api.post(f"/shifts/{task.shifts[0].id}/claims", token=t).json["id"] for t in tokens]
    return task, organizer, api_token(organizer), tokens, claims


def notices(api, task, token):
    return api.get(f"/tasks/{task.id}/notices", token=token)


def test_a_cancellation_shows_how_many_were_reached_per_channel(app, api, staffed):
    task, organizer, token, _, _ = staffed
    api.post(f"/tasks/{task.id}/cancel", token=token, json={"reason": "暴雨预警"})
    drain(app)

    (notice,) = notices(api, task, token).json["items"]

    assert notice["kind"] == "task_cancelled" and notice["actor_id"] == organizer.id
    assert notice["cause"] == f"task:{task.id}:cancelled"
    assert notice["recipients"] == 2
    assert (notice["reached"]["sms"], notice["reached"]["email"]) == (2, 0)  # a volunteer's notice: not e-mailed
    assert notice["channels"]["inbox"] == {"sent": 2, "read": 0}
    assert notice["channels"]["email"] == {"suppressed": 2}
    assert (notice["waiting"], notice["failed"]) == (0, 0)


def test_before_the_worker_runs_the_messages_count_as_not_yet_planned(api, staffed):
    task, _, token, _, _ = staffed
    api.post(f"/tasks/{task.id}/cancel", token=token)

    (notice,) = notices(api, task, token).json["items"]

    assert notice["recipients"] == 2 and notice["reached"] == {} and notice["waiting"] == 0


def test_removing_a_volunteer_and_moving_a_shift_are_separate_notices(app, api, staffed):
    task, _, token, _, claims = staffed
    api.post(f"/claims/{claims[0]}/reject", token=token, json={"reason": "人员已满"})
    starts = now() + timedelta(days=3)
    api.patch(
        f"/tasks/{task.id}",
        token=token,
        json={
            "shifts": [
                {
                    "id": task.shifts[0].id,
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=4)).isoformat(),
                }
            ]
        },
    )
    drain(app)

    items = notices(api, task, token).json["items"]

    assert [(n["kind"], n["recipients"], n["reached"].get("sms")) for n in items] == [
        ("shift_time_changed", 1, 1),
        ("claim_removed", 1, 1),
    ]
    assert items[1]["cause"] == f"task:{task.id}:claim:{claims[0]}:removed"


def test_only_organizers_of_the_task_see_its_notices(api, staffed, make_org, make_user, grant, api_token):
    task, _, token, volunteer_tokens, _ = staffed
    api.post(f"/tasks/{task.id}/cancel", token=token)
    sibling = make_user()
    grant(sibling, make_org("景龙社区"))

    assert notices(api, task, volunteer_tokens[0]).status_code == 403
    assert notices(api, task, api_token(sibling)).status_code == 403
    assert api.get(f"/tasks/{task.id}/notices").status_code == 401
    assert api.get("/tasks/999999/notices", token=token).status_code == 404


def test_another_task_s_notices_are_not_mixed_in(app, api, staffed, make_task):
    task, organizer, token, _, _ = staffed
    other = make_task(task.org, created_by=organizer)
    api.post(f"/tasks/{task.id}/cancel", token=token)

    assert notices(api, other, token).json["items"] == []


@pytest.mark.parametrize(
    ("lang", "kind", "summary"),
    [
        ("en", "Removed from the roster", "Told 1 person: SMS 1 · In the app 1"),
        ("zh", "已移出名单", "已通知 1 人： 短信 1 · 站内 1"),
    ],
)
def test_the_roster_page_shows_the_counts_to_the_organizer(app, client, login, api, staffed, lang, kind, summary):
    task, organizer, token, _, claims = staffed
    api.post(f"/claims/{claims[0]}/reject", token=token)
    drain(app)
    login(organizer).set_cookie("lang", lang)

    page = client.get(f"/org/shifts/{task.shifts[0].id}/roster").get_data(as_text=True)

    assert kind in page and summary in page


def test_the_task_page_shows_a_cancellation_s_counts_to_its_organizer(app, client, login, api, staffed):
    task, organizer, token, _, _ = staffed
    api.post(f"/tasks/{task.id}/cancel", token=token)
    drain(app)
    english(login(organizer))

    page = client.get(f"/org/tasks/{task.id}").get_data(as_text=True)

    assert "Task cancelled" in page and "Told 2 people: SMS 2 · In the app 2" in page
