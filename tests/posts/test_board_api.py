"""GET /api/v1/orgs/<id>/board and /api/v1/tasks/<id>/board: what is staffed now, worst first, for whom."""

from datetime import timedelta

import sqlalchemy as sa

from tests.posts.conftest import check_in, place
from volunteer_hub.extensions import db
from volunteer_hub.handovers.models import Handover, HandoverSupply
from volunteer_hub.incidents.models import Incident, IncidentStatus
from volunteer_hub.supplies.models import SupplyItem


def test_the_org_board_shows_a_post_under_way_with_nobody_on_it_as_uncovered(post, api, api_token):
    response = api.get(f"/orgs/{post.org.id}/board", token=api_token(post.organizer))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["as_of"].startswith("2026-03-10T14:15:00+08:00")
    [row] = body["posts"]
    assert row["task_id"] == post.task.id
    assert row["title"] == "梅花山庄北门卡口值守"
    assert row["shift_id"] == post.afternoon  # the shift under way speaks for the post, not the one that ended
    assert row["starts_at"] == "2026-03-10T14:00:00+08:00"
    assert row["ends_at"] == "2026-03-10T20:00:00+08:00"
    assert (row["needed"], row["confirmed"], row["checked_in"]) == (3, 1, 0)
    assert row["status"] == "uncovered"
    assert row["open_incidents"] == 0


def test_a_late_check_in_makes_the_post_short_then_ok(app, post, api, api_token, make_user):
    token = api_token(post.organizer)
    check_in(app, post.afternoon_claims[0])
    assert api.get(f"/orgs/{post.org.id}/board", token=token).get_json()["posts"][0]["status"] == "short"

    for name in ("午班乙", "午班丙"):
        place(app, post.afternoon, make_user(name), present=True)

    [row] = api.get(f"/orgs/{post.org.id}/board", token=token).get_json()["posts"]
    assert (row["checked_in"], row["status"]) == (3, "ok")


def test_posts_are_sorted_worst_first_and_far_shifts_left_out(app, post, api, api_token, make_task, make_user):
    staffed = make_task(post.org, title="南门卡口", shifts=[(timedelta(minutes=-30), 4, 1)])
    place(app, staffed.shifts[0].id, make_user(), present=True)
    short_soon = make_task(post.org, title="东门卡口", shifts=[(timedelta(minutes=90), 4, 2)])
    place(app, short_soon.shifts[0].id, make_user())
    make_task(post.org, title="西门卡口", shifts=[(timedelta(hours=3), 4, 2)])  # starts beyond 2 hours
    make_task(post.sibling, title="民泰卡口", shifts=[(timedelta(minutes=-5), 4, 2)])  # another community

    rows = api.get(f"/orgs/{post.org.id}/board", token=api_token(post.organizer)).get_json()["posts"]

    assert [(r["title"], r["status"]) for r in rows] == [
        ("梅花山庄北门卡口值守", "uncovered"),
        ("东门卡口", "short"),
        ("南门卡口", "ok"),
    ]
    assert rows[1]["checked_in"] == 0 and rows[1]["confirmed"] == 1


def test_a_street_reviewer_reads_the_board_of_a_community_below(post, api, api_token):
    response = api.get(f"/orgs/{post.org.id}/board", token=api_token(post.reviewer))

    assert response.status_code == 200
    assert [r["task_id"] for r in response.get_json()["posts"]] == [post.task.id]


def test_others_may_not_read_the_boards(post, api, api_token):
    volunteer = api_token(post.morning_crew[0])
    stranger = api_token(post.stranger_organizer)

    assert api.get(f"/orgs/{post.org.id}/board", token=volunteer).status_code == 403
    assert api.get(f"/orgs/{post.org.id}/board", token=stranger).status_code == 403
    assert api.get(f"/tasks/{post.task.id}/board", token=volunteer).status_code == 403
    assert api.get(f"/tasks/{post.task.id}/board", token=stranger).status_code == 403
    assert api.get(f"/orgs/{post.org.id}/board").status_code == 401
    assert api.get("/orgs/99999/board", token=stranger).status_code == 404


def test_the_org_board_costs_the_same_few_queries_for_many_posts(app, post, api, api_token, make_task, make_user):
    token = api_token(post.organizer)

    def queries_for_board() -> int:
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert api.get(f"/orgs/{post.org.id}/board", token=token).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    one = queries_for_board()
    for index in range(8):
        task = make_task(post.org, title=f"卡口{index}", shifts=[(timedelta(minutes=-20), 4, 2)])
        place(app, task.shifts[0].id, make_user(), present=index % 2 == 0)
    nine = queries_for_board()

    assert nine == one


def test_the_task_board_lists_today_and_tomorrow_with_who_is_on_the_post(app, post, api, api_token):
    with app.app_context():
        mask = SupplyItem(task_id=post.task.id, kind="masks", count=40, low_threshold=50)
        gloves = SupplyItem(task_id=post.task.id, kind="gloves", count=100, low_threshold=20)
        db.session.add_all([mask, gloves])
        db.session.flush()
        handover = Handover(
            task_id=post.task.id, shift_id=post.morning, author_id=post.morning_crew[0].id, notes="北门栏杆松动"
        )
        db.session.add(handover)
        db.session.flush()
        db.session.add(HandoverSupply(handover_id=handover.id, item_id=mask.id, count=40))
        db.session.add_all(
            Incident(
                task_id=post.task.id,
                reporter_id=post.organizer.id,
                category="conflict",
                severity="low",
                occurred_at=handover.created_at,
                description=text,
                status=status,
            )
            for text, status in (("争执", IncidentStatus.OPEN), ("已处理", IncidentStatus.CLOSED))
        )
        db.session.commit()

    body = api.get(f"/tasks/{post.task.id}/board", token=api_token(post.reviewer)).get_json()

    assert [s["shift_id"] for s in body["shifts"]] == [post.morning, post.afternoon, post.evening]
    morning, afternoon, _evening = body["shifts"]
    assert [(v["name"], v["on_post"]) for v in morning["volunteers"]] == [("早班甲", True), ("早班乙", True)]
    assert [(v["name"], v["on_post"]) for v in afternoon["volunteers"]] == [("午班甲", False)]
    assert afternoon["status"] == "uncovered" and afternoon["under_way"]
    assert morning["status"] == "ok" and morning["ended"]
    assert body["open_incidents"] == 1
    assert body["latest_handover"]["notes"] == "北门栏杆松动"
    assert body["latest_handover"]["author"] == "早班甲"
    assert body["latest_handover"]["supplies"] == [{"item_id": mask.id, "count": 40}]
    assert [(s["kind"], s["count"], s["low"]) for s in body["supplies"]] == [  # in the supplies list's order
        ("masks", 40, True),
        ("gloves", 100, False),
    ]
    assert "phone" not in str(body)


def test_the_org_board_counts_open_incidents_per_post(app, post, api, api_token):
    with app.app_context():
        db.session.add(
            Incident(
                task_id=post.task.id,
                reporter_id=post.organizer.id,
                category="injury",
                severity="severe",
                occurred_at=db.session.get(type(post.task), post.task.id).created_at,
                description="扭伤",
                status=IncidentStatus.ACKNOWLEDGED,
            )
        )
        db.session.commit()

    [row] = api.get(f"/orgs/{post.org.id}/board", token=api_token(post.organizer)).get_json()["posts"]

    assert row["open_incidents"] == 1


def test_a_post_is_listed_once_by_its_shift_under_way(app, post, api, api_token, make_task, make_user):
    relay = make_task(
        post.org, title="北门接力", shifts=[(timedelta(minutes=-60), 2, 1), (timedelta(minutes=60), 2, 1)]
    )
    place(app, relay.shifts[0].id, make_user(), present=True)

    rows = api.get(f"/orgs/{post.org.id}/board", token=api_token(post.organizer)).get_json()["posts"]

    [row] = [r for r in rows if r["task_id"] == relay.id]
    assert (row["shift_id"], row["status"], row["under_way"]) == (relay.shifts[0].id, "ok", True)
