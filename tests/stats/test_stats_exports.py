"""Exports: CSV and XLSX of a dashboard table and of the ledger rows, at once or through a real worker."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.stats import exports
from volunteer_hub.stats.models import Export
from volunteer_hub.worker import run_worker

MARCH_FORM = {"period": "month", "on": "2026-03-01"}


@pytest.fixture
def ledger(tree, make_user, add_entry, run_tally):
    ming, hong, zhang = make_user("阿明"), make_user("小红"), make_user("老张")
    add_entry(ming, tree.bsl, date(2026, 3, 2), 240, activity_name="东门卡口值守", leader_name="王书记")
    entry = add_entry(hong, tree.mintai, date(2026, 3, 2), 180, task_type="disinfection")
    add_entry(hong, tree.mintai, date(2026, 3, 3), -60, corrects=entry, reason="提前离开")
    add_entry(zhang, tree.langkou, date(2026, 3, 10), 300)  # another street
    run_tally()
    return ming, hong, zhang


@pytest.fixture
def reviewer(make_user, grant, tree):
    user = make_user("陈主任")
    grant(user, tree.minzhi, "reviewer")
    return user


@pytest.fixture
def browser(client, login, reviewer):
    client.set_cookie("lang", "en")
    return login(reviewer)


@pytest.fixture
def post(browser):
    from tests.conftest import csrf_token

    def do(org, **data):
        token = csrf_token(browser, "/review")
        return browser.post(f"/review/{org.id}/exports", data={"csrf_token": token, **MARCH_FORM, **data})

    return do


def csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens UTF-8 Chinese only with the byte-order mark
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_the_organisation_table_as_csv(tree, ledger, post):
    response = post(tree.minzhi, what="org", format="csv")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="hours-{tree.minzhi.id}-org-20260301-20260331.csv"'
    )
    assert csv_rows(response) == [
        ["Organisation", "Hours", "Minutes", "Shifts served", "Volunteers"],
        ["白石龙社区", "4.00", "240", "1", "1"],
        ["民泰社区", "2.00", "120", "1", "1"],
    ]


def test_the_volunteer_table_as_xlsx(tree, ledger, post):
    ming, hong, _zhang = ledger
    response = post(tree.minzhi, what="volunteer", format="xlsx")
    assert response.mimetype == exports.FORMATS["xlsx"]
    assert xlsx_rows(response.get_data()) == [
        ("Volunteer", "Volunteer number", "Hours", "Minutes", "Shifts served"),
        ("阿明", ming.volunteer_no, 4, 240, 1),
        ("小红", hong.volunteer_no, 2, 120, 1),
    ]


def test_the_ledger_rows_carry_every_service_record_field_and_no_phone(tree, ledger, post):
    ming, hong, _zhang = ledger
    rows = xlsx_rows(post(tree.minzhi, what="ledger", format="xlsx").get_data())
    assert rows[0] == (
        "Record number",
        "Service date",
        "Activity",
        "Place",
        "Service content",
        "Service hours",
        "Minutes",
        "Organising unit",
        "Person in charge",
        "Volunteer",
        "Volunteer number",
        "Task type",
        "Source",
        "Corrects record",
        "Reason",
        "Confirmed by",
        "Confirmed at",
    )
    march_2, march_3 = datetime(2026, 3, 2), datetime(2026, 3, 3)  # openpyxl reads dates back as datetimes
    assert [row[1:3] + row[6:12] + row[13:16] for row in rows[1:]] == [
        (
            march_2,
            "东门卡口值守",
            240,
            "白石龙社区",
            "王书记",
            "阿明",
            ming.volunteer_no,
            "Checkpoint duty",
            None,
            None,
            "王书记",
        ),
        (
            march_2,
            "东门卡口值守",
            180,
            "民泰社区",
            "王书记",
            "小红",
            hong.volunteer_no,
            "Disinfection",
            None,
            None,
            "王书记",
        ),
        (
            march_3,
            "东门卡口值守",
            -60,
            "民泰社区",
            "王书记",
            "小红",
            hong.volunteer_no,
            "Checkpoint duty",
            rows[2][0],
            "提前离开",
            "王书记",
        ),
    ]
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "老张" not in flat and "+86" not in flat and "1380" not in flat


def test_the_ledger_as_csv_has_hours_with_two_decimals(tree, ledger, post):
    rows = csv_rows(post(tree.minzhi, what="ledger", format="csv"))
    assert [(row[1], row[5], row[6]) for row in rows[1:]] == [
        ("2026-03-02", "4.00", "240"),
        ("2026-03-02", "3.00", "180"),
        ("2026-03-03", "-1.00", "-60"),
    ]


def test_text_that_looks_like_a_formula_stays_text(tree, make_user, add_entry, run_tally, post):
    add_entry(make_user("=1+1"), tree.bsl, date(2026, 3, 2), 60, activity_name='=HYPERLINK("http://x")')
    run_tally()
    rows = csv_rows(post(tree.minzhi, what="ledger", format="csv"))
    assert (rows[1][2], rows[1][9]) == ('\'=HYPERLINK("http://x")', "'=1+1")
    sheet = openpyxl.load_workbook(io.BytesIO(post(tree.minzhi, what="ledger", format="xlsx").get_data())).active
    assert (sheet["C2"].data_type, sheet["C2"].value) == ("s", '=HYPERLINK("http://x")')


def test_names_with_control_characters_stored_earlier_still_export_as_xlsx(tree, make_user, add_entry, run_tally, post):
    """XLSX cannot hold U+0001: each such character becomes U+FFFD instead of failing the whole file."""
    volunteer = make_user("a\u0001b")
    add_entry(volunteer, tree.bsl, date(2026, 3, 2), 60, activity_name="夜\x1b班")
    run_tally()

    table = xlsx_rows(post(tree.minzhi, what="volunteer", format="xlsx").get_data())
    ledger = xlsx_rows(post(tree.minzhi, what="ledger", format="xlsx").get_data())

    assert table[1][:2] == ("a\ufffdb", volunteer.volunteer_no)
    assert (ledger[1][2], ledger[1][9]) == ("夜\ufffd班", "a\ufffdb")


def test_another_streets_table_cannot_be_exported(tree, ledger, post):
    assert post(tree.dalang, what="org", format="csv").status_code == 403


def test_an_export_without_a_choice_says_what_is_missing(tree, ledger, post, browser):
    response = post(tree.minzhi, what="", format="csv")
    assert response.status_code == 302
    assert "Not a valid choice" in browser.get(response.headers["Location"]).get_data(as_text=True)


# --- large exports: a job with progress, downloadable by the requester only ---


@pytest.fixture
def small_sync_limit(app):
    app.config["EXPORT_SYNC_MAX_ROWS"] = 2
    yield
    app.config["EXPORT_SYNC_MAX_ROWS"] = 2000


def test_a_large_export_is_made_by_a_worker_and_downloaded_by_its_requester(
    app, tree, ledger, post, browser, small_sync_limit, make_user, grant, login, new_reviewer_client
):
    response = post(tree.minzhi, what="ledger", format="xlsx")
    assert response.status_code == 303
    status_url = response.headers["Location"]
    waiting = browser.get(status_url)
    assert waiting.headers["Refresh"] == "5"
    assert "Waiting to start… 3 rows" in waiting.get_data(as_text=True)

    run_worker(app, burst=True)

    ready = browser.get(status_url)
    assert "Refresh" not in ready.headers
    assert "Ready: 3 rows" in ready.get_data(as_text=True)
    download = browser.get(f"{status_url}/download")
    assert len(xlsx_rows(download.get_data())) == 4
    colleague = new_reviewer_client(tree.minzhi)
    assert colleague.get(status_url).status_code == 404
    assert colleague.get(f"{status_url}/download").status_code == 404


@pytest.fixture
def new_reviewer_client(app, make_user, grant, login):
    def make(org):
        user = make_user("另一位审核人")
        grant(user, org, "reviewer")
        other = app.test_client()
        other.set_cookie("lang", "en")
        return login(user, other)

    return make


def test_the_status_page_shows_progress_while_the_file_is_made(app, tree, reviewer, browser):
    with app.app_context():
        record = Export(
            user_id=reviewer.id,
            org_id=tree.minzhi.id,
            kind="ledger",
            format="csv",
            params={},
            status="running",
            progress=1200,
            total=5000,
            filename="hours.csv",
        )
        db.session.add(record)
        db.session.commit()
        export_id = record.id
    page = browser.get(f"/review/exports/{export_id}").get_data(as_text=True)
    assert "Being made… 1,200 / 5,000 rows" in page


def test_a_job_saves_its_progress_page_by_page(app, tree, ledger, reviewer, monkeypatch):
    from volunteer_hub.stats import services
    from volunteer_hub.stats.periods import Period

    monkeypatch.setattr(exports, "PAGE", 1)
    seen = []
    original = services._set
    monkeypatch.setattr(
        services,
        "_set",
        lambda export_id, **values: (seen.append(values.get("progress")), original(export_id, **values)),
    )
    with app.test_request_context():
        spec = exports.ExportSpec(tree.minzhi.id, "ledger", "csv", Period.around("month", date(2026, 3, 1)))
        record = services._record_export(reviewer, spec, 3)
        db.session.commit()
        services.build_export(record.id)
        assert db.session.execute(sa.select(Export.status, Export.progress)).one() == ("ready", 3)
    assert [p for p in seen if p is not None] == [0, 1, 2, 3]  # the last page's count; "ready" then keeps it


def test_whoever_asked_is_told_once_when_a_background_export_is_ready(app, tree, ledger, reviewer):
    from volunteer_hub.notifications.models import Notification
    from volunteer_hub.notifications.texts import EMAIL_KINDS, render
    from volunteer_hub.stats import services
    from volunteer_hub.stats.periods import Period

    with app.test_request_context():
        spec = exports.ExportSpec(tree.minzhi.id, "ledger", "csv", Period.around("month", date(2026, 3, 1)))
        record = services._record_export(reviewer, spec, 3)
        db.session.commit()
        services.build_export(record.id)
        db.session.execute(sa.update(Export).values(status="running"))  # as if a retry ran it again
        db.session.commit()
        services.build_export(record.id)
        (note,) = db.session.execute(sa.select(Notification)).scalars()
        assert (note.user_id, note.kind, note.params["export_id"]) == (reviewer.id, "export_ready", record.id)
        assert render(note) == f"你的导出文件“{record.filename}”（3 行）已生成，可在“我的导出”中下载。"
    assert "export_ready" in EMAIL_KINDS  # organizers and reviewers get it by e-mail too


def test_a_finished_export_is_not_made_again(app, tree, ledger, reviewer):
    from volunteer_hub.stats import services
    from volunteer_hub.stats.periods import Period

    with app.test_request_context():
        spec = exports.ExportSpec(tree.minzhi.id, "table", "csv", Period.around("month", date(2026, 3, 1)), "org")
        record = services._record_export(reviewer, spec, 2)
        db.session.commit()
        services.build_export(record.id)
        first = db.session.execute(sa.select(Export.finished_at)).scalar_one()
        services.build_export(record.id)
        assert db.session.execute(sa.select(Export.finished_at)).scalar_one() == first


def test_at_most_three_exports_wait_at_a_time(app, tree, ledger, post, browser, small_sync_limit):
    for _ in range(3):
        assert post(tree.minzhi, what="ledger", format="csv").status_code == 303
    refused = post(tree.minzhi, what="ledger", format="csv")
    assert refused.status_code == 302
    assert "3 of your exports are still being made" in browser.get(refused.headers["Location"]).get_data(as_text=True)


def test_my_exports_lists_only_mine(app, tree, ledger, post, browser, small_sync_limit, new_reviewer_client):
    post(tree.minzhi, what="ledger", format="csv")
    mine = browser.get("/review/exports").get_data(as_text=True)
    assert f"hours-{tree.minzhi.id}-ledger-20260301-20260331.csv" in mine
    theirs = new_reviewer_client(tree.minzhi).get("/review/exports").get_data(as_text=True)
    assert "ledger-20260301" not in theirs and "You have not exported anything yet" in theirs


def test_an_export_whose_job_was_lost_says_so_after_an_hour(app, tree, reviewer, browser):
    from datetime import timedelta

    from volunteer_hub.core.timeutil import now

    with app.app_context():
        record = Export(
            user_id=reviewer.id,
            org_id=tree.minzhi.id,
            kind="ledger",
            format="csv",
            params={},
            status="running",
            progress=0,
            total=5000,
            filename="hours.csv",
            created_at=now() - timedelta(hours=2),
        )
        db.session.add(record)
        db.session.commit()
        export_id = record.id
    response = browser.get(f"/review/exports/{export_id}")
    assert "Refresh" not in response.headers
    assert "Please export it again" in response.get_data(as_text=True)


@pytest.fixture
def english_names(app, tree):
    """民治街道 and 白石龙社区 get English names; 民泰社区 has none."""
    with app.app_context():
        for org, name_en in ((tree.minzhi, "Minzhi Subdistrict"), (tree.bsl, "Baishilong Community")):
            db.session.get(Organisation, org.id).name_en = name_en
        db.session.commit()


def test_an_english_export_names_the_organisations_in_english_where_they_can(tree, ledger, english_names, post):
    table = csv_rows(post(tree.minzhi, what="org", format="csv"))
    records = csv_rows(post(tree.minzhi, what="ledger", format="csv"))

    assert [row[0] for row in table[1:]] == ["Baishilong Community", "民泰社区"]
    assert [row[7] for row in records[1:]] == ["Baishilong Community", "民泰社区", "民泰社区"]


def test_the_english_dashboard_names_the_organisation_and_its_children_in_english(tree, ledger, english_names, browser):
    page = browser.get(f"/review/{tree.minzhi.id}?period=month&on=2026-03-01").get_data(as_text=True)

    assert "<title>Statistics of Minzhi Subdistrict" in page
    assert ">Baishilong Community</span>" in page and ">民泰社区</span>" in page and "白石龙社区" not in page
