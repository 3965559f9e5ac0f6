"""Lottery mode: sign-ups during the window, a reproducible draw at the deadline, the waitlist in drawn order."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from tests.safety.helpers import MONDAY_8AM
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.claims import services as claims
from volunteer_hub.claims.models import Claim
from volunteer_hub.claims.queries import waitlist_position
from volunteer_hub.extensions import db
from volunteer_hub.lottery import jobs, services
from volunteer_hub.lottery.rules import draw_order
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Shift

DEADLINE = (MONDAY_8AM + timedelta(hours=2)).isoformat()


def lottery_shift(api, api_token, make_task, make_user, grant, *, capacity=2, party_first=False):
    """A shift for capacity people tomorrow, opened for lottery sign-up for two hours by its organizer."""
    task = make_task(shifts=[(timedelta(days=1), 4, capacity)])
    organizer = make_user("组织者")
    grant(organizer, task.org)
    shift_id = task.shifts[0].id
    response = api.post(
        f"/shifts/{shift_id}/lottery", token=api_token(organizer), json={"until": DEADLINE, "party_first": party_first}
    )
    assert response.status_code == 200, response.json
    return shift_id, organizer


def enter(api, api_token, users, shift_id):
    return [api.post(f"/shifts/{shift_id}/claims", token=api_token(user)).json for user in users]


def statuses(app, shift_id):
    with app.app_context():
        return dict(db.session.execute(sa.select(Claim.id, Claim.status).where(Claim.shift_id == shift_id)).all())


def test_claims_during_the_window_enter_the_draw_without_taking_places(
    app, api, api_token, make_task, make_user, grant, clock
):
    shift_id, _ = lottery_shift(api, api_token, make_task, make_user, grant)

    answers = enter(api, api_token, [make_user() for _ in range(4)], shift_id)

    assert {a["status"] for a in answers} == {"lottery"}
    with app.app_context():
        assert db.session.get(Shift, shift_id).confirmed == 0


def test_the_draw_is_reproducible_from_the_stored_seed(app, api, api_token, make_task, make_user, grant, clock):
    shift_id, organizer = lottery_shift(api, api_token, make_task, make_user, grant, capacity=2)
    answers = enter(api, api_token, [make_user() for _ in range(5)], shift_id)
    clock.shift(timedelta(hours=2))

    with app.app_context():
        assert services.draw(shift_id) is True
        shift = db.session.get(Shift, shift_id)
        ranked = (
            db.session.execute(sa.select(Claim.id).where(Claim.shift_id == shift_id).order_by(Claim.lottery_rank))
            .scalars()
            .all()
        )
        expected = draw_order(int(shift.lottery_seed), [(a["id"], False) for a in answers], False)
    body = api.get(f"/shifts/{shift_id}/lottery", token=api_token(organizer)).json

    assert ranked == expected
    assert body["draw"]["verified"] is True and body["draw"]["seed"] == shift.lottery_seed
    assert [e["claim_id"] for e in body["draw"]["entries"]] == expected
    assert [statuses(app, shift_id)[i] for i in expected] == ["confirmed"] * 2 + ["waitlisted"] * 3


def test_party_members_are_drawn_first_when_asked(app, api, api_token, make_task, make_user, grant, clock):
    shift_id, _ = lottery_shift(api, api_token, make_task, make_user, grant, capacity=2, party_first=True)
    people = [make_user() for _ in range(3)] + [make_user(party_member=True) for _ in range(2)]
    answers = enter(api, api_token, people, shift_id)
    clock.shift(timedelta(hours=2))

    with app.app_context():
        services.draw(shift_id)
    party_claims = {a["id"] for a in answers[3:]}

    assert {cid for cid, status in statuses(app, shift_id).items() if status == "confirmed"} == party_claims


def test_the_draw_job_draws_once_and_notifies_everyone_once(app, api, api_token, make_task, make_user, grant, clock):
    shift_id, _ = lottery_shift(api, api_token, make_task, make_user, grant, capacity=1)
    enter(api, api_token, [make_user() for _ in range(3)], shift_id)
    clock.shift(timedelta(hours=2))

    with app.app_context():
        assert jobs.draw_due_lotteries() == 1
        seed = db.session.get(Shift, shift_id).lottery_seed
        assert services.draw(shift_id) is False  # a second run, e.g. another scheduler
        kinds = db.session.execute(sa.select(Notification.kind)).scalars().all()
        assert db.session.get(Shift, shift_id).lottery_seed == seed
    assert sorted(kinds) == ["lottery_waitlisted", "lottery_waitlisted", "lottery_won"]


def test_a_freed_place_goes_to_the_best_drawn_on_the_waitlist(app, api, api_token, make_task, make_user, grant, clock):
    shift_id, _ = lottery_shift(api, api_token, make_task, make_user, grant, capacity=1)
    people = [make_user() for _ in range(4)]
    enter(api, api_token, people, shift_id)
    clock.shift(timedelta(hours=2))
    with app.app_context():
        services.draw(shift_id)
        rows = (
            db.session.execute(sa.select(Claim).where(Claim.shift_id == shift_id).order_by(Claim.lottery_rank))
            .scalars()
            .all()
        )
        assert [waitlist_position(c) for c in rows[1:]] == [1, 2, 3]
        winner = rows[0]
        claims.cancel_claim(winner.user, winner)
        second = db.session.get(Claim, rows[1].id, populate_existing=True)
        assert second.status == "confirmed"


def test_a_drawn_volunteer_who_now_breaks_a_safety_rule_is_skipped_and_the_reason_logged(
    app, api, api_token, make_task, make_user, grant, clock
):
    shift_id, _ = lottery_shift(api, api_token, make_task, make_user, grant, capacity=5)
    busy = make_user(max_weekly_hours=5)
    enter(api, api_token, [busy], shift_id)
    other = make_task(shifts=[(timedelta(days=2), 4, 5)], title="另一项").shifts[0].id
    api.post(f"/shifts/{other}/claims", token=api_token(busy))
    clock.shift(timedelta(hours=2))

    with app.app_context():
        services.draw(shift_id)
        event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "lottery.drawn")).scalar_one()
    assert list(statuses(app, shift_id).values()) == ["waitlisted"]
    assert list(event.details["skipped"].values()) == ["weekly_cap_exceeded"]


def test_concurrent_sign_ups_all_enter_the_draw_once(app, api, api_token, make_task, make_user, grant, clock):
    shift_id, _ = lottery_shift(api, api_token, make_task, make_user, grant, capacity=1)
    tokens = [api_token(make_user()) for _ in range(6)]
    codes = []

    def sign_up(token):
        with app.test_client() as own:
            for _ in range(2):  # a double tap
                codes.append(
                    own.post(
                        f"/api/v1/shifts/{shift_id}/claims", headers={"Authorization": f"Bearer {token}"}
                    ).status_code
                )

    threads = [threading.Thread(target=sign_up, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(codes) == [201] * 6 + [409] * 6
    assert list(statuses(app, shift_id).values()) == ["lottery"] * 6
    with app.app_context():
        assert db.session.get(Shift, shift_id).confirmed == 0


def test_only_organizers_open_a_lottery_and_only_reviewers_see_it(api, api_token, make_task, make_user, clock):
    shift_id = make_task().shifts[0].id
    volunteer = api_token(make_user())

    assert api.post(f"/shifts/{shift_id}/lottery", token=volunteer, json={"until": DEADLINE}).status_code == 403
    assert api.get(f"/shifts/{shift_id}/lottery", token=volunteer).status_code == 403


def test_sign_up_must_close_before_the_shift_starts(api, api_token, make_task, make_user, grant, clock):
    task = make_task(shifts=[(timedelta(hours=3), 4, 2)])
    organizer = make_user()
    grant(organizer, task.org)

    response = api.post(
        f"/shifts/{task.shifts[0].id}/lottery",
        token=api_token(organizer),
        json={"until": (MONDAY_8AM + timedelta(hours=4)).isoformat()},
    )

    assert response.status_code == 400
    assert "until" in response.json["error"]["fields"]


def test_the_organizer_page_opens_the_lottery_and_shows_the_verified_draw(
    app, client, login, make_task, make_user, grant, api, api_token, clock
):
    from tests.conftest import csrf_token

    task = make_task(shifts=[(timedelta(days=1), 4, 1)])
    organizer = make_user()
    grant(organizer, task.org)
    login(organizer)
    url = f"/org/shifts/{task.shifts[0].id}/lottery"

    opened = client.post(url, data={"csrf_token": csrf_token(client, url), "day": "2027-03-01", "at": "10:00"})
    enter(api, api_token, [make_user(), make_user()], task.shifts[0].id)
    drawn = client.post(f"{url}/draw", data={"csrf_token": csrf_token(client, url)})
    page = client.get(url).get_data(as_text=True)

    assert opened.status_code == 302 and drawn.status_code == 302
    assert 'data-draw-verified="yes"' in page


def test_the_draw_shows_the_party_badge_only_for_members_who_chose_to_show_it(
    app, api, api_token, make_task, make_user, grant, clock, login, new_client
):
    shift_id, organizer = lottery_shift(api, api_token, make_task, make_user, grant, capacity=1)
    quiet = make_user("不亮身份", party_member=True, show_party_badge=False)
    shown = make_user("亮身份者", party_member=True, show_party_badge=True)
    enter(api, api_token, [quiet, shown], shift_id)
    clock.shift(timedelta(hours=2))
    with app.app_context():
        services.draw(shift_id)

    entries = api.get(f"/shifts/{shift_id}/lottery", token=api_token(organizer)).json["draw"]["entries"]
    page = login(organizer, new_client()).get(f"/org/shifts/{shift_id}/lottery").get_data(as_text=True)

    assert {e["name"]: e["party_member"] for e in entries} == {"不亮身份": False, "亮身份者": True}
    assert page.count('class="chip party"') == 1
    assert '亮身份者 <span class="chip party">' in page
