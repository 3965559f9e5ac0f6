"""Urgent call-outs through the API: who is paged and in which order, waves, answers, fill, exhaustion, cancel."""

from datetime import date, timedelta

import sqlalchemy as sa
import time_machine

from tests.callouts.conftest import pages
from tests.conftest import english
from volunteer_hub.callouts import services
from volunteer_hub.callouts.models import CalloutPage
from volunteer_hub.claims.models import Attendance, Claim, ClaimStatus
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage
from volunteer_hub.notifications.models import Notification
from volunteer_hub.tasks.models import Shift


def start(api, short, **body):
    return api.post(f"/shifts/{short['shift_id']}/callouts", json={"needed": 2, **body}, token=short["token"])


def answer(api, token, said="yes"):
    return api.post(f"/callout-answers/{token}", json={"answer": said})


def notes(app, kind):
    with app.app_context():
        return list(db.session.execute(sa.select(Notification).where(Notification.kind == kind)).scalars())


def run_waves(app, minutes=6):
    """The recurring job, wave_minutes later."""
    with time_machine.travel(now() + timedelta(minutes=minutes), tick=False), app.app_context():
        return services.send_due_waves()


def test_a_call_out_pages_three_times_the_places_nearest_first_urgently_with_a_personal_link(app, api, short, near):
    people = [near(km) for km in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)]
    near(9.0)  # outside the 5 km radius

    response = start(api, short, message="东门集合，带身份证")

    assert response.status_code == 201
    assert response.json["status"] == "paging"
    paged = pages(app, response.json["id"])
    assert set(paged) == {p.id for p in people[:6]}  # 3 × 2 places, the nearest first
    page_notes = notes(app, "callout_page")
    assert all(n.urgent for n in page_notes)
    assert all(n.params["link"].startswith("http") and "/callouts/answer/" in n.params["link"] for n in page_notes)
    assert len(set(paged.values())) == 6  # one personal link each
    detail = api.get(f"/callouts/{response.json['id']}", token=short["token"]).json
    assert detail["needed"] == 2 and detail["filled"] == 0 and detail["status"] == "paging"
    assert detail["shift_id"] == short["shift_id"]
    assert [w["paged"] for w in detail["waves"]] == [6]
    assert detail["answers"] == {"yes": 0, "no": 0, "none": 6}
    assert detail["time_to_fill_s"] is None


def test_each_sms_carries_its_readers_own_answer_link(app, api, short, near, work, client):
    people = [near(0.5), near(0.8)]
    callout_id = start(api, short, needed=1, wave_size=2).json["id"]
    work()

    with app.app_context():
        texts = {m.to: m.text for m in db.session.query(DevMessage)}
    links = pages(app, callout_id)
    for person in people:
        assert f"/callouts/answer/{links[person.id]}" in texts[person.phone]
        assert links[people[0].id if person is people[1] else people[1].id] not in texts[person.phone]
    assert client.get(f"/callouts/answer/{links[people[0].id]}").status_code == 200


def test_recent_no_shows_and_cancellations_rank_a_volunteer_lower(app, api, short, near, make_task):
    unreliable = near(0.5)
    others = [near(km) for km in (1.0, 1.2, 1.4)]
    old = make_task(shifts=[(timedelta(days=-3), 4, 5)])
    with app.app_context():
        db.session.add(
            Claim(
                shift_id=old.shifts[0].id,
                user_id=unreliable.id,
                status=ClaimStatus.CONFIRMED,
                attendance=Attendance.NO_SHOW,
            )
        )
        db.session.commit()

    response = start(api, short, needed=1, wave_size=3)

    assert set(pages(app, response.json["id"])) == {p.id for p in others}


def test_waves_go_out_every_five_minutes_and_nobody_is_paged_twice(app, api, short, near):
    people = [near(0.5 + i * 0.3) for i in range(5)]
    assert start(api, short, needed=1, wave_size=2).status_code == 201

    assert run_waves(app, minutes=2) == 0  # not due yet
    assert run_waves(app, minutes=6) == 2
    with app.app_context():
        rows = db.session.execute(sa.select(CalloutPage.user_id, CalloutPage.wave)).all()
    assert sorted(rows) == sorted([(p.id, i // 2 + 1) for i, p in enumerate(people[:4])])
    assert len(notes(app, "callout_page")) == 4


def test_two_organizers_starting_call_outs_for_one_shift_get_one(app, api, short, near, make_user, grant, api_token):
    near(1.0)
    second = make_user("李主任")
    grant(second, short["org"])

    first = start(api, short)
    again = api.post(f"/shifts/{short['shift_id']}/callouts", json={"needed": 1}, token=api_token(second))

    assert first.status_code == 201 and again.status_code == 200
    assert again.json["id"] == first.json["id"]


def test_yes_answers_claim_until_filled_then_paging_stops_and_later_yes_are_told_it_is_full(app, api, short, near):
    people = [near(0.5 + i * 0.2) for i in range(6)]
    callout_id = start(api, short, message="东门集合，带身份证").json["id"]
    links = pages(app, callout_id)

    first, second = answer(api, links[people[0].id]), answer(api, links[people[1].id])
    late = answer(api, links[people[2].id])

    assert first.status_code == second.status_code == 201
    assert first.json["status"] == second.json["status"] == "confirmed"
    assert late.status_code == 409
    assert late.json["error"]["code"] == "callout_full"
    assert "/tasks/" in late.json["error"]["waitlist_url"]
    detail = api.get(f"/callouts/{callout_id}", token=short["token"]).json
    assert detail["status"] == "filled" and detail["filled"] == 2
    assert detail["answers"] == {"yes": 2, "no": 0, "none": 4}
    assert detail["time_to_fill_s"] is not None and detail["time_to_fill_s"] >= 0
    assert run_waves(app) == 0  # stopped at once
    told = {n.user_id: n for n in notes(app, "callout_confirmed")}
    assert set(told) == {people[0].id, people[1].id}
    assert told[people[0].id].params["address"] == "民治街道东门卡口"
    assert told[people[0].id].params["message"] == "东门集合，带身份证"


def test_a_yes_runs_every_rule_of_the_claim(app, api, short, near, make_task, api_token):
    person = near(0.5)
    callout_id = start(api, short, needed=1).json["id"]
    token = pages(app, callout_id)[person.id]
    clash = make_task(shifts=[(timedelta(hours=3), 2, 3)])  # overlaps the called shift
    assert api.post(f"/shifts/{clash.shifts[0].id}/claims", token=api_token(person)).json["status"] == "confirmed"

    response = answer(api, token)

    assert response.status_code == 409
    assert response.json["error"]["code"] == "shift_overlap"
    detail = api.get(f"/callouts/{callout_id}", token=short["token"]).json
    assert detail["filled"] == 0 and detail["status"] == "paging"  # the reserved place was given back


def test_candidates_are_only_those_the_claim_would_accept(app, api, short, near, make_task, api_token):
    free = near(1.0)
    busy = near(0.5)
    clash = make_task(shifts=[(timedelta(hours=3), 2, 3)])
    api.post(f"/shifts/{clash.shifts[0].id}/claims", token=api_token(busy))
    near(0.7, match_opt_out=True)
    near(0.8, active=False)

    callout_id = start(api, short, needed=1).json["id"]

    assert set(pages(app, callout_id)) == {free.id}


def test_a_task_that_requires_insurance_pages_only_the_insured(app, api, short, near, make_task):
    insured = near(1.0, insurance_valid_until=date.today() + timedelta(days=365))
    near(0.5)  # nearer, but uninsured
    near(0.7, insurance_valid_until=date.today() - timedelta(days=1))  # expired
    task = make_task(short["org"], shifts=[(timedelta(hours=2), 4, 3)], requires_insurance=True)

    response = api.post(f"/shifts/{task.shifts[0].id}/callouts", json={"needed": 1}, token=short["token"])

    assert set(pages(app, response.json["id"])) == {insured.id}


def test_a_no_is_recorded(app, api, short, near):
    person = near(0.5)
    callout_id = start(api, short, needed=1).json["id"]

    response = answer(api, pages(app, callout_id)[person.id], "no")

    assert response.status_code == 200 and response.json == {"answer": "no"}
    assert api.get(f"/callouts/{callout_id}", token=short["token"]).json["answers"] == {"yes": 0, "no": 1, "none": 0}


def test_a_forged_token_is_not_found_and_an_expired_one_is_refused(app, api, short, near):
    person = near(0.5)
    callout_id = start(api, short, needed=1).json["id"]
    token = pages(app, callout_id)[person.id]

    assert answer(api, token[:-3] + "abc").status_code == 404
    assert answer(api, "not-a-token").status_code == 404
    with time_machine.travel(now() + timedelta(hours=13), tick=False):
        expired = answer(api, token)
    assert expired.status_code == 400 and expired.json["error"]["code"] == "link_expired"


def test_when_nobody_is_left_to_page_the_call_out_is_exhausted_and_the_organizer_told(app, api, short, near):
    person = near(0.5)
    callout_id = start(api, short, needed=2).json["id"]

    run_waves(app)

    detail = api.get(f"/callouts/{callout_id}", token=short["token"]).json
    assert detail["status"] == "exhausted"
    assert [n.user_id for n in notes(app, "callout_exhausted")] == [short["organizer"].id]
    # Those already paged may still come.
    assert answer(api, pages(app, callout_id)[person.id]).status_code == 201


def test_a_cancelled_call_out_stops_and_its_links_say_so(app, api, short, near):
    person = near(0.5)
    callout_id = start(api, short, needed=1).json["id"]

    cancelled = api.post(f"/callouts/{callout_id}/cancel", token=short["token"])
    again = api.post(f"/callouts/{callout_id}/cancel", token=short["token"])

    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert again.status_code == 409 and again.json["error"]["code"] == "callout_closed"
    late = answer(api, pages(app, callout_id)[person.id])
    assert late.status_code == 409 and late.json["error"]["code"] == "callout_closed"
    assert run_waves(app) == 0
    # A new call-out may start once the first has ended.
    assert start(api, short, needed=1).status_code == 201


def test_a_call_out_asks_at_most_the_free_places_of_a_shift_not_ended(app, api, short, make_task, make_user, api_token):
    assert start(api, short, needed=6).status_code == 400
    ended = make_task(short["org"], shifts=[(timedelta(hours=-5), 4, 5)])
    response = api.post(f"/shifts/{ended.shifts[0].id}/callouts", json={"needed": 1}, token=short["token"])
    assert response.status_code == 409 and response.json["error"]["code"] == "shift_ended"
    stranger = api.post(f"/shifts/{short['shift_id']}/callouts", json={"needed": 1}, token=api_token(make_user()))
    assert stranger.status_code == 403
    drawn = make_task(short["org"], shifts=[(timedelta(hours=3), 4, 5)])
    with app.app_context():
        shift = db.session.get(Shift, drawn.shifts[0].id)
        shift.lottery_until = shift.starts_at - timedelta(hours=1)
        db.session.commit()
    response = api.post(f"/shifts/{drawn.shifts[0].id}/callouts", json={"needed": 1}, token=short["token"])
    assert response.status_code == 409 and response.json["error"]["code"] == "lottery_open"


def test_a_shift_under_way_can_be_called_for_and_a_yes_takes_a_place(app, api, short, make_task, near):
    running = make_task(short["org"], shifts=[(timedelta(hours=-1), 4, 3)])
    person = near(0.5)

    response = api.post(f"/shifts/{running.shifts[0].id}/callouts", json={"needed": 1}, token=short["token"])

    assert response.status_code == 201
    claimed = answer(api, pages(app, response.json["id"])[person.id])
    assert claimed.status_code == 201 and claimed.json["status"] == "confirmed"


def test_reviewers_see_the_communitys_call_outs(app, api, short, near, make_user, grant, api_token, login, new_client):
    person = near(0.5)
    callout_id = start(api, short, needed=1).json["id"]
    answer(api, pages(app, callout_id)[person.id])
    reviewer = make_user("街道审核")
    grant(reviewer, short["org"], role="reviewer")

    stats = api.get(f"/orgs/{short['org'].id}/callouts/stats", token=api_token(reviewer))

    assert stats.status_code == 200
    assert stats.json["callouts"] == 1 and stats.json["filled"] == 1 and stats.json["share_filled"] == 1.0
    assert stats.json["median_time_to_fill_s"] is not None
    assert api.get(f"/orgs/{short['org'].id}/callouts/stats", token=api_token(make_user())).status_code == 403
    page = login(reviewer, english(new_client())).get(f"/review/{short['org'].id}").get_data(as_text=True)
    assert 'data-callouts="1"' in page and "Median time to fill" in page
