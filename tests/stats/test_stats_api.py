"""GET /api/v1/stats/hours: rows per grouping, subtree scoping and validation."""

from datetime import date

import pytest

from tests.stats.conftest import MARCH

MARCH_QUERY = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def ledger(tree, make_user, add_entry, run_tally):
    """March: 阿明 240 + 120 (disinfection) in 白石龙, 小红 180 − 60 in 民泰, 阿明 60 on the street's own task,
    老张 300 in 浪口 (大浪街道); April: 小红 30 in 白石龙."""
    ming, hong, zhang = make_user("阿明"), make_user("小红"), make_user("老张")
    add_entry(ming, tree.bsl, date(2026, 3, 2), 240)
    add_entry(ming, tree.bsl, date(2026, 3, 5), 120, task_type="disinfection")
    entry = add_entry(hong, tree.mintai, date(2026, 3, 2), 180)
    add_entry(hong, tree.mintai, date(2026, 3, 2), -60, corrects=entry)
    add_entry(ming, tree.minzhi, date(2026, 3, 12), 60, task_type="publicity")
    add_entry(zhang, tree.langkou, date(2026, 3, 10), 300, task_type="delivery")
    add_entry(hong, tree.bsl, date(2026, 4, 1), 30)
    run_tally()
    return ming, hong, zhang


@pytest.fixture
def token(make_user, grant, tree, api_token):
    reviewer = make_user("陈主任")
    grant(reviewer, tree.minzhi, "reviewer")
    return api_token(reviewer)


def get(api, token, query):
    return api.get(f"/stats/hours?{query}", token=token, headers={"Accept-Language": "en"})


def test_grouped_by_org_each_community_and_the_streets_own_tasks(api, token, tree, ledger):
    body = get(api, token, f"org_id={tree.minzhi.id}&{MARCH_QUERY}&group_by=org").get_json()
    assert body["group_by"] == "org" and body["from"] == "2026-03-01"
    assert [
        (r["org_id"], r["name"], r["minutes"], r["hours"], r["shifts"], r["volunteers"], r["own"]) for r in body["rows"]
    ] == [
        (tree.bsl.id, "白石龙社区", 360, 6.0, 2, 1, False),
        (tree.mintai.id, "民泰社区", 120, 2.0, 1, 1, False),
        (tree.minzhi.id, "民治街道", 60, 1.0, 1, 1, True),
    ]


def test_org_is_the_default_grouping(api, token, tree, ledger):
    body = get(api, token, f"org_id={tree.minzhi.id}&{MARCH_QUERY}").get_json()
    assert body["group_by"] == "org" and len(body["rows"]) == 3


def test_grouped_by_volunteer_with_their_numbers_and_no_phones(api, token, tree, ledger):
    ming, hong, _zhang = ledger
    rows = get(api, token, f"org_id={tree.minzhi.id}&{MARCH_QUERY}&group_by=volunteer").get_json()["rows"]
    assert [(r["volunteer_id"], r["name"], r["minutes"], r["shifts"]) for r in rows] == [
        (ming.id, "阿明", 420, 3),
        (hong.id, "小红", 120, 1),
    ]
    assert rows[0]["volunteer_no"] == f"VH{ming.id:08d}"
    assert not any("phone" in key for row in rows for key in row)


def test_grouped_by_type_has_no_volunteer_count(api, token, tree, ledger):
    rows = get(api, token, f"org_id={tree.minzhi.id}&{MARCH_QUERY}&group_by=type").get_json()["rows"]
    assert [(r["task_type"], r["name"], r["minutes"], r["shifts"], r["volunteers"]) for r in rows] == [
        ("checkpoint", "Checkpoint duty", 360, 2, None),
        ("disinfection", "Disinfection", 120, 1, None),
        ("publicity", "Publicity", 60, 1, None),
    ]


def test_grouped_by_month_across_a_month_boundary(api, token, tree, ledger):
    rows = get(api, token, f"org_id={tree.minzhi.id}&from=2026-03-10&to=2026-04-30&group_by=month").get_json()["rows"]
    assert [(r["month"], r["minutes"], r["shifts"], r["volunteers"]) for r in rows] == [
        ("2026-03", 60, 1, 1),
        ("2026-04", 30, 1, 1),
    ]


def test_another_streets_organisation_is_forbidden(api, token, tree, ledger):
    response = get(api, token, f"org_id={tree.dalang.id}&{MARCH_QUERY}")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert get(api, token, f"org_id={tree.longhua.id}&{MARCH_QUERY}").status_code == 403


def test_a_volunteer_is_forbidden(api, api_token, make_user, tree, ledger):
    assert get(api, api_token(make_user()), f"org_id={tree.minzhi.id}&{MARCH_QUERY}").status_code == 403


def test_without_a_token_the_answer_is_401(api, tree):
    assert api.get(f"/stats/hours?org_id={tree.minzhi.id}&{MARCH_QUERY}").status_code == 401


def test_an_unknown_organisation_is_404(api, token):
    assert get(api, token, f"org_id=999999&{MARCH_QUERY}").status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-02-30&to=2026-03-31", "from", "Enter a date as YYYY-MM-DD."),
        ("from=2026-03-31&to=2026-03-01", "to", "The end date must be on or after the start date."),
        ("from=2025-01-01&to=2026-03-01", "to", "Choose a range of at most 366 days."),
        ("from=2026-03-01&to=2026-03-31&group_by=street", "group_by", "Choose one of: org, volunteer, type, team"),
        ("to=2026-03-31", "from", "This field is required."),
        ("from=0001-01-01&to=0001-01-31", "from", "Enter a date from 1900-01-01 to 2099-12-31."),
        ("from=9999-12-01&to=9999-12-31", "from", "Enter a date from 1900-01-01 to 2099-12-31."),
        ("from=2099-12-01&to=2100-01-01", "to", "Enter a date from 1900-01-01 to 2099-12-31."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, token, tree, query, field, message):
    response = get(api, token, f"org_id={tree.minzhi.id}&{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][field].startswith(message)


def test_the_figures_include_entries_the_tally_job_has_not_reached(api, token, tree, ledger, add_entry):
    add_entry(ledger[0], tree.bsl, MARCH, 15)
    rows = get(api, token, f"org_id={tree.minzhi.id}&{MARCH_QUERY}").get_json()["rows"]
    assert rows[0]["minutes"] == 375
