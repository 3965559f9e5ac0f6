"""The nearby task list and a task's page, browsed logged out or in."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import SHENZHEN
from volunteer_hub import demo
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift

HERE = f"lat={SHENZHEN[0]}&lon={SHENZHEN[1]}"


def titles(html: str) -> list[str]:
    return re.findall(r'<span class="card-title">([^<]+)</span>', html)


def test_nearby_list_shows_a_nearby_task_with_its_distance_and_places(client, make_task):
    make_task(title="东门卡口值守", lat=SHENZHEN[0] + 0.0077, shifts=((timedelta(days=1), 4, 6),))
    html = client.get(f"/tasks?{HERE}").get_data(as_text=True)
    assert titles(html) == ["东门卡口值守"]
    assert "850 m" in html
    assert "6 more needed (0/6)" in html
    assert "Checkpoint duty" in html


def test_nearby_list_hides_far_cancelled_and_past_tasks(client, make_task):
    make_task(title="附近的任务")
    make_task(title="太远的任务", lat=SHENZHEN[0] + 1)
    make_task(title="取消的任务", status="cancelled")
    make_task(title="过去的任务", shifts=((timedelta(days=-2), 4, 5),))
    assert titles(client.get(f"/tasks?{HERE}").get_data(as_text=True)) == ["附近的任务"]


def test_nearby_list_sorts_nearest_first(client, make_task):
    make_task(title="两公里", lat=SHENZHEN[0] + 0.018)
    make_task(title="一公里", lat=SHENZHEN[0] + 0.009)
    assert titles(client.get(f"/tasks?{HERE}").get_data(as_text=True)) == ["一公里", "两公里"]


def test_logged_in_volunteers_see_tasks_near_their_saved_location(client, login, make_user, make_task):
    make_task(title="附近的任务")
    login(make_user(lat=SHENZHEN[0], lon=SHENZHEN[1]))
    html = client.get("/tasks").get_data(as_text=True)
    assert titles(html) == ["附近的任务"]
    assert "your saved location" in html


def test_without_a_location_all_open_tasks_show_with_a_banner(client, make_task):
    make_task(title="远方的任务", lat=30.0, lon=120.0)
    html = client.get("/tasks").get_data(as_text=True)
    assert "Set your location" in html
    assert titles(html) == ["远方的任务"]


def test_an_empty_list_offers_to_widen_the_radius(client, make_task):
    make_task(title="七公里", lat=SHENZHEN[0] + 0.063)
    html = client.get(f"/tasks?{HERE}").get_data(as_text=True)
    assert titles(html) == []
    assert "No open tasks within 5 km." in html
    widen = re.search(r'href="([^"]+)">Widen to 10 km', html).group(1).replace("&amp;", "&")
    assert titles(client.get(widen).get_data(as_text=True)) == ["七公里"]


def test_see_all_open_tasks_lifts_the_radius(client, make_task):
    make_task(title="太远的任务", lat=SHENZHEN[0] + 1)
    html = client.get(f"/tasks?{HERE}").get_data(as_text=True)
    see_all = re.search(r'href="([^"]+)">See all open tasks', html).group(1).replace("&amp;", "&")
    html = client.get(see_all).get_data(as_text=True)
    assert titles(html) == ["太远的任务"]
    assert "Near me" in html


def test_filter_chips_narrow_the_list_by_type_and_day(client, make_task):
    with time_machine.travel(datetime(2030, 2, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        make_task(title="今天消杀", type="disinfection", shifts=((timedelta(hours=2), 4, 5),))
        make_task(title="明天卡口", shifts=((timedelta(days=1), 4, 5),))
        assert titles(client.get(f"/tasks?{HERE}&type=disinfection").get_data(as_text=True)) == ["今天消杀"]
        assert titles(client.get(f"/tasks?{HERE}&date=today").get_data(as_text=True)) == ["今天消杀"]
        assert titles(client.get(f"/tasks?{HERE}&date=tomorrow").get_data(as_text=True)) == ["明天卡口"]


def test_load_more_pages_through_the_list(client, make_task, app, monkeypatch):
    monkeypatch.setitem(app.config, "NEARBY_PAGE_SIZE", 2)
    for km in (1, 2, 3):
        make_task(title=f"{km}公里", lat=SHENZHEN[0] + km * 0.009)
    html = client.get(f"/tasks?{HERE}").get_data(as_text=True)
    assert titles(html) == ["1公里", "2公里"]
    more = re.search(r'href="([^"]+)">Load more', html).group(1).replace("&amp;", "&")
    html = client.get(more).get_data(as_text=True)
    assert titles(html) == ["3公里"]
    assert "No more tasks" in html


@pytest.mark.parametrize(
    "query",
    [
        "lat=abc&lon=114",
        "lat=95&lon=114",
        "lat=22.5",
        "type=unknown",
        f"{HERE}&radius=5000",
        f"{HERE}&cursor=not-a-cursor",
        "date=yesterday",
    ],
)
def test_a_list_link_with_bad_parameters_is_a_clear_400(client, query):
    response = client.get(f"/tasks?{query}")
    assert response.status_code == 400
    assert "Go to the task list" in response.get_data(as_text=True)


def test_task_page_shows_places_left_per_shift(client, make_task, make_user, claim_as):
    task = make_task(shifts=((timedelta(days=1), 4, 5), (timedelta(days=2), 12, 3)))
    claim_as(make_user(), task.shifts[0].id)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "4 of 5 places left" in html
    assert "3 of 3 places left" in html
    assert "7 more needed (1/8)" in html


def test_logged_out_visitors_get_login_links_that_return_to_the_shift(client, make_task):
    task = make_task()
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f'href="/login?next=/shifts/{task.shifts[0].id}/claim"' in html


def test_a_full_shift_offers_the_waitlist(client, make_task, make_user, claim_as):
    task = make_task(shifts=((timedelta(days=1), 4, 1),))
    claim_as(make_user(), task.shifts[0].id)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "0 of 1 places left" in html
    assert "Join the waitlist" in html


def test_the_task_page_shows_my_status_and_clashes_in_words(client, login, make_user, make_task, claim_as):
    volunteer = make_user()
    mine = make_task(title="我的班次", shifts=((timedelta(days=1), 4, 5),))
    other = make_task(title="同一时间", shifts=((timedelta(days=1, hours=2), 4, 5),))
    claim_as(volunteer, mine.shifts[0].id)
    login(volunteer)
    assert "Your status: Confirmed" in client.get(f"/tasks/{mine.id}").get_data(as_text=True)
    html = client.get(f"/tasks/{other.id}").get_data(as_text=True)
    assert "Clashes with your shift “我的班次”" in html
    # what to do instead, and no live claim button under the refusal
    assert 'href="/me/shifts">See my shifts</a>' in html
    assert f'/shifts/{other.shifts[0].id}/claim"' not in html


def test_a_cancelled_task_is_labelled_and_cannot_be_claimed(client, make_task):
    task = make_task(status="cancelled")
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "This task was cancelled" in html
    assert "/claim" not in html


def test_an_unknown_task_is_a_404_page(client):
    response = client.get("/tasks/999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_user_text_is_escaped(client, make_task):
    task = make_task(title="<script>alert(1)</script>")
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def _start_an_hour_ago(app, shift_id):
    """Move a shift back as the demo does, leaving the task's schedule columns as they were."""
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        shift.starts_at, shift.ends_at = now() - timedelta(hours=1), now() + timedelta(hours=3)
        db.session.commit()


@pytest.mark.parametrize("query", ["", "?everywhere=1", f"?{HERE}"])
def test_a_task_whose_only_shift_is_under_way_gets_no_full_0_of_0_card(app, client, make_task, query):
    running = make_task(title="进行中的任务", shifts=((timedelta(minutes=15), 4, 4),))
    make_task(title="明天的任务")
    _start_an_hour_ago(app, running.shifts[0].id)
    html = client.get(f"/tasks{query}").get_data(as_text=True)
    assert titles(html) == ["明天的任务"]
    assert "(0/0)" not in html


def test_the_task_page_tag_says_under_way_or_full_in_the_list_cards_words(app, client, make_task, make_user, claim_as):
    running = make_task(shifts=((timedelta(minutes=15), 4, 4),))
    _start_an_hour_ago(app, running.shifts[0].id)
    full = make_task(shifts=((timedelta(days=1), 4, 1),))
    claim_as(make_user(), full.shifts[0].id)
    assert '<span class="tag">Under way · Checkpoint duty</span>' in client.get(f"/tasks/{running.id}").get_data(
        as_text=True
    )
    assert '<span class="tag tag-full">Full · waitlist open · Checkpoint duty</span>' in client.get(
        f"/tasks/{full.id}"
    ).get_data(as_text=True)


def test_the_demo_task_under_way_is_not_listed(app, client):
    with app.app_context():
        demo.seed()
    html = client.get("/tasks?everywhere=1").get_data(as_text=True)
    assert "党群服务中心防疫物资清点" not in titles(html) and titles(html)
    assert "(0/0)" not in html
