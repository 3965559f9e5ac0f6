"""The reviewer dashboard on a hand-built month: every figure, its scoping, and the untallied tail."""

import html as html_lib
import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from tests.stats.conftest import MARCH
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.stats import queries, shift_tallies
from volunteer_hub.stats.periods import Period
from volunteer_hub.tasks.models import Shift, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
MONTH = Period.around("month", MARCH)


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("阿明", "小红", "老张", "阿芳")}


@pytest.fixture
def march(tree, people, add_entry):
    """Hours in March 2026 (and one in February) across two districts; see each test for the sums."""
    ming, hong, zhang, fang = (people[n] for n in ("阿明", "小红", "老张", "阿芳"))
    add_entry(ming, tree.bsl, date(2026, 3, 2), 240)
    add_entry(ming, tree.bsl, date(2026, 3, 5), 120, task_type="disinfection")
    corrected = add_entry(hong, tree.mintai, date(2026, 3, 2), 180)
    add_entry(hong, tree.mintai, date(2026, 3, 2), -60, corrects=corrected)
    add_entry(zhang, tree.langkou, date(2026, 3, 10), 300, task_type="delivery")
    add_entry(ming, tree.minzhi, date(2026, 3, 12), 60, task_type="publicity")  # the street's own task
    add_entry(fang, tree.futian, date(2026, 3, 3), 600)
    add_entry(hong, tree.bsl, date(2026, 2, 27), 90)
    return tree


@pytest.fixture
def shifts(app, tree, people, make_task):
    """白石龙: a full 2-place shift (one present, one no-show) and a 3-place shift with one present volunteer;
    浪口 (another street): one shift; 民泰: a cancelled task's shift, which is not offered."""
    ming, hong = people["阿明"], people["小红"]
    full = make_task(tree.bsl, shifts=((timedelta(days=-5), 4, 2), (timedelta(days=-3), 4, 3)))
    other = make_task(tree.langkou, shifts=((timedelta(days=-2), 4, 1),))
    cancelled = make_task(tree.mintai, shifts=((timedelta(days=-2), 4, 5),), status="cancelled")
    with app.app_context():
        first, second = full.shifts
        for shift_id, user, attendance in (
            (first.id, ming, "present"),
            (first.id, hong, "no_show"),
            (second.id, ming, "present"),
            (other.shifts[0].id, hong, "present"),
        ):
            db.session.add(Claim(shift_id=shift_id, user_id=user.id, status="confirmed", attendance=attendance))
            db.session.execute(sa.update(Shift).where(Shift.id == shift_id).values(confirmed=Shift.confirmed + 1))
        db.session.commit()
        shift_tallies.refresh_window()  # what the recurring job does every few minutes
    return full, other, cancelled


def board(app, user, org, period=MONTH):
    with app.test_request_context():
        return queries.dashboard(user, db.session.get(Organisation, org.id), period)


@pytest.fixture
def street_reviewer(make_user, grant, tree):
    user = make_user("陈主任")
    grant(user, tree.minzhi, "reviewer")
    return user


def test_the_street_totals_count_net_minutes_and_service_records(app, march, street_reviewer, run_tally):
    run_tally()
    figures = board(app, street_reviewer, march.minzhi)
    assert (figures.totals.minutes, figures.totals.entries) == (540, 4)
    assert figures.volunteers == 2


def test_the_figures_are_the_same_before_the_tally_job_has_run(app, march, street_reviewer, run_tally):
    before = board(app, street_reviewer, march.minzhi)
    run_tally()
    after = board(app, street_reviewer, march.minzhi)
    assert (before.totals, before.volunteers, before.types, before.trend) == (
        after.totals,
        after.volunteers,
        after.types,
        after.trend,
    )
    assert [(c.org.id, c.sums, c.volunteers) for c in before.children] == [
        (c.org.id, c.sums, c.volunteers) for c in after.children
    ]


def test_children_show_each_community_and_the_streets_own_tasks(app, march, street_reviewer, run_tally):
    run_tally()
    children = board(app, street_reviewer, march.minzhi).children
    assert [(c.org.name, c.sums.minutes, c.sums.entries, c.volunteers, c.own) for c in children] == [
        ("白石龙社区", 360, 2, 1, False),
        ("民泰社区", 120, 1, 1, False),
        ("民治街道", 60, 1, 1, True),
    ]


def test_task_types_are_ranked_by_hours(app, march, street_reviewer, run_tally):
    run_tally()
    types = board(app, street_reviewer, march.minzhi).types
    assert [(code, s.minutes, s.entries) for code, s in types] == [
        ("checkpoint", 360, 2),
        ("disinfection", 120, 1),
        ("publicity", 60, 1),
    ]


def test_top_volunteers_are_ranked_by_net_time(app, march, street_reviewer, run_tally):
    run_tally()
    top = board(app, street_reviewer, march.minzhi).top_volunteers
    assert [(v.name, v.sums.minutes, v.sums.entries) for v in top] == [("阿明", 420, 3), ("小红", 120, 1)]


def test_the_daily_trend_has_every_day_of_the_month(app, march, street_reviewer, run_tally):
    run_tally()
    trend = dict(board(app, street_reviewer, march.minzhi).trend)
    assert len(trend) == 31
    assert (trend[date(2026, 3, 2)], trend[date(2026, 3, 5)], trend[date(2026, 3, 12)], trend[date(2026, 3, 3)]) == (
        360,
        120,
        60,
        0,
    )


def test_a_period_longer_than_two_months_trends_by_month(app, march, street_reviewer, run_tally):
    run_tally()
    four_months = Period("custom", date(2025, 12, 10), date(2026, 3, 31))
    figures = board(app, street_reviewer, march.minzhi, four_months)
    assert figures.trend == [
        (date(2025, 12, 1), 0),
        (date(2026, 1, 1), 0),
        (date(2026, 2, 1), 90),
        (date(2026, 3, 1), 540),
    ]
    assert sum(minutes for _first, minutes in figures.trend) == figures.totals.minutes


def test_shifts_filled_and_no_shows_come_from_the_shifts_of_the_period(app, march, shifts, street_reviewer):
    figures = board(app, street_reviewer, march.minzhi)
    s = figures.shifts
    assert (s.shifts, s.full, s.places, s.filled, s.marked, s.no_shows) == (2, 1, 5, 3, 3, 1)
    assert (round(s.fill_rate, 2), round(s.no_show_rate, 2)) == (0.6, 0.33)
    bsl = next(c for c in figures.children if c.org.name == "白石龙社区")
    assert bsl.shifts.shifts == 2


def test_a_week_counts_its_volunteers_from_the_ledger_days(app, march, street_reviewer, run_tally):
    run_tally()
    week = Period.around("week", date(2026, 3, 4))  # Mon 2 – Sun 8 March
    figures = board(app, street_reviewer, march.minzhi, week)
    assert (figures.totals.minutes, figures.volunteers) == (480, 2)


def test_a_range_across_months_adds_whole_months_and_edge_days(app, march, street_reviewer, run_tally):
    run_tally()
    span = Period("custom", date(2026, 2, 27), date(2026, 3, 31))
    figures = board(app, street_reviewer, march.minzhi, span)
    assert (figures.totals.minutes, figures.volunteers) == (630, 2)
    assert [(v.name, v.sums.minutes) for v in figures.top_volunteers] == [("阿明", 420), ("小红", 210)]


def test_most_of_a_month_is_its_tally_minus_the_days_outside_the_range(app, march, street_reviewer, run_tally):
    """March 3-20 on the 20th: the March tally minus March 1-2 is cheaper than reading 18 days."""
    run_tally()
    figures = board(app, street_reviewer, march.minzhi, Period("custom", date(2026, 3, 3), date(2026, 3, 20)))
    assert (figures.totals.minutes, figures.volunteers) == (180, 1)
    assert [(v.name, v.sums.minutes, v.sums.entries) for v in figures.top_volunteers] == [("阿明", 180, 2)]
    assert [(c.org.name, c.volunteers) for c in figures.children] == [
        ("白石龙社区", 1),
        ("民泰社区", 0),
        ("民治街道", 1),
    ]


def test_the_district_drills_down_to_its_streets(app, march, make_user, grant, run_tally):
    run_tally()
    reviewer = make_user()
    grant(reviewer, march.longhua, "reviewer")
    children = board(app, reviewer, march.longhua).children
    assert [(c.org.name, c.sums.minutes, c.volunteers) for c in children] == [
        ("民治街道", 540, 2),
        ("大浪街道", 300, 1),
    ]


# --- the page ---


@pytest.fixture
def reviewer_client(client, login, street_reviewer):
    client.set_cookie("lang", "en")
    login(street_reviewer)
    return client


def test_the_dashboard_page_shows_the_figures_and_the_drill_down(march, reviewer_client, run_tally):
    run_tally()
    page = reviewer_client.get(f"/review/{march.minzhi.id}?period=month&on=2026-03-01").get_data(as_text=True)
    assert "9.00" in page and "7.00" in page  # the street's hours; 阿明's
    assert f'href="/review/{march.bsl.id}?period=month&amp;on=2026-03-01"' in page
    assert '<svg class="spark"' in page and '<table class="numbers">' in page


@pytest.mark.parametrize(
    "query",
    [
        "period=day&on=0001-01-01",
        "period=week&on=0001-01-01",
        "period=month&on=9999-12-31",
        "period=custom&start=0001-01-01&end=0001-01-02",
        "period=custom&start=9999-12-30&end=9999-12-31",
    ],
)
def test_a_date_outside_the_supported_years_is_a_field_error(march, reviewer_client, query):
    """Year 1 or 9999 overflowed while stepping to the neighbouring period (a 500)."""
    response = reviewer_client.get(f"/review/{march.minzhi.id}?{query}")

    assert response.status_code == 400
    assert "Enter a date from 1900-01-01 to 2099-12-31." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["period=month&on=1900-01-01", "period=week&on=2099-12-31", "period=custom&start=2099-01-01&end=2099-12-31"],
)
def test_the_first_and_last_supported_days_show_a_dashboard(march, reviewer_client, query):
    assert reviewer_client.get(f"/review/{march.minzhi.id}?{query}").status_code == 200


def test_a_long_period_shows_its_numbers_per_month(march, reviewer_client, run_tally):
    run_tally()
    page = reviewer_client.get(f"/review/{march.minzhi.id}?period=custom&start=2025-12-10&end=2026-03-31")
    text = page.get_data(as_text=True)
    assert "Hours per month" in text and "Hours per day" not in text
    assert '<td>Feb 2026</td><td class="num">1.50</td>' in text
    assert '<td>Mar 2026</td><td class="num">9.00</td>' in text


def test_the_trend_chart_gets_the_tables_numbers_and_its_library_from_the_app(march, reviewer_client, run_tally):
    run_tally()
    page = reviewer_client.get(f"/review/{march.minzhi.id}?period=custom&start=2025-12-10&end=2026-03-31")
    html = page.get_data(as_text=True)
    chart = json.loads(html_lib.unescape(re.search(r"data-chart='([^']*)'", html).group(1)))
    assert chart == {
        "names": ["Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026"],
        "ticks": ["Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026"],
        "hours": [0, 0, 1.5, 9.0],
    }
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert [src.rsplit("/", 1)[1] for src in scripts] == ["app.js", "uPlot.iife.min.js", "charts.js"]
    for src in scripts:
        served = reviewer_client.get(src)
        served.close()
        assert src.startswith("/") and served.status_code == 200


def test_review_lands_on_the_only_organisation_the_reviewer_has(march, reviewer_client):
    page = reviewer_client.get("/review").get_data(as_text=True)
    assert "民治街道" in page and "白石龙社区" in page


def test_a_street_reviewer_never_sees_another_streets_figures(march, reviewer_client, run_tally):
    run_tally()
    assert reviewer_client.get(f"/review/{march.dalang.id}").status_code == 403
    assert reviewer_client.get(f"/review/{march.langkou.id}").status_code == 403
    assert reviewer_client.get(f"/review/{march.longhua.id}").status_code == 403
    page = reviewer_client.get(f"/review/{march.minzhi.id}").get_data(as_text=True)
    assert "浪口社区" not in page and "老张" not in page and "福田区" not in page


def test_a_volunteer_may_not_open_the_dashboard(client, login, make_user, march):
    login(make_user())
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{march.minzhi.id}").status_code == 403


def test_an_unknown_organisation_is_not_found(reviewer_client):
    assert reviewer_client.get("/review/999999").status_code == 404


def test_a_backwards_custom_range_is_shown_next_to_the_dates(march, reviewer_client):
    response = reviewer_client.get(f"/review/{march.minzhi.id}?period=custom&start=2026-03-10&end=2026-03-01")
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.get_data(as_text=True)


def test_a_malformed_date_is_a_form_error_not_a_crash(march, reviewer_client):
    response = reviewer_client.get(f"/review/{march.minzhi.id}?period=custom&start=2026-13-01&end=x")
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)


def test_stats_ignore_tasks_not_in_the_period(app, march, street_reviewer):
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Task)).scalar_one() == 0
    february = Period.around("month", date(2026, 2, 1))
    assert board(app, street_reviewer, march.minzhi, february).totals.minutes == 90


def test_a_reviewer_of_two_organisations_chooses_one(client, login, make_user, grant, march):
    user = make_user()
    grant(user, march.bsl, "reviewer")
    grant(user, march.langkou, "organizer")
    grant(user, march.mintai, "reviewer")
    client.set_cookie("lang", "en")
    login(user)
    page = client.get("/review").get_data(as_text=True)
    assert "Choose the organisation" in page
    assert all(f'href="/review/{org.id}"' in page for org in (march.bsl, march.langkou, march.mintai))


def test_a_reviewer_above_several_organisations_lands_on_the_highest(client, login, make_user, grant, march):
    user = make_user()
    grant(user, march.minzhi, "reviewer")
    grant(user, march.bsl, "organizer")  # inside the street: no second choice
    login(user)
    page = client.get("/review").get_data(as_text=True)
    assert f'action="/review/{march.minzhi.id}/exports"' in page
