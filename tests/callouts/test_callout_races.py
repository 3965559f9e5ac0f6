"""Call-outs under concurrency, on the configured database: real concurrent requests (one thread and test client
each, released together by a barrier), then the responses and the database are checked."""

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from tests.callouts.conftest import pages
from tests.claims.test_concurrency import claim_call, confirmed_in_db, run_concurrently
from volunteer_hub.callouts import services
from volunteer_hub.callouts.models import Callout, CalloutPage
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification


def answer_call(app, token):
    def call():
        response = app.test_client().post(f"/api/v1/callout-answers/{token}", json={"answer": "yes"})
        body = response.get_json()
        return response.status_code, body.get("status") or body.get("error", {}).get("code")

    return call


def test_thirty_yes_at_once_for_three_places_confirm_exactly_three(app, api, short, near):
    people = [near(0.2 + i * 0.1) for i in range(30)]
    callout_id = api.post(
        f"/shifts/{short['shift_id']}/callouts", json={"needed": 3, "wave_size": 30}, token=short["token"]
    ).json["id"]
    links = pages(app, callout_id)
    assert set(links) == {p.id for p in people}

    results = run_concurrently(app, [answer_call(app, links[p.id]) for p in people])

    assert Counter(results) == {(201, "confirmed"): 3, (409, "callout_full"): 27}
    assert confirmed_in_db(app, short["shift_id"]) == (3, 3)
    with app.app_context():
        callout = db.session.get(Callout, callout_id)
        assert (callout.status, callout.filled) == ("filled", 3)
        told = db.session.execute(sa.select(Notification.user_id).where(Notification.kind == "callout_confirmed"))
        confirmed = db.session.execute(sa.select(Claim.user_id).where(Claim.status == "confirmed"))
        assert sorted(told.scalars()) == sorted(confirmed.scalars())  # each told the meeting point once


def test_call_out_answers_racing_ordinary_claims_never_overfill_the_shift(app, api, short, near, api_token):
    """The call-out asks for all 5 places while 10 volunteers claim the shift the ordinary way."""
    paged = [near(0.2 + i * 0.1) for i in range(15)]
    callout_id = api.post(
        f"/shifts/{short['shift_id']}/callouts", json={"needed": 5, "wave_size": 15}, token=short["token"]
    ).json["id"]
    links = pages(app, callout_id)
    others = [api_token(near(20.0)) for _ in range(10)]

    calls = [answer_call(app, links[p.id]) for p in paged]
    calls += [claim_call(app, token, short["shift_id"]) for token in others]
    results = run_concurrently(app, calls)

    assert all(status in (201, 409) for status, _ in results)
    assert confirmed_in_db(app, short["shift_id"]) == (5, 5)
    with app.app_context():
        callout = db.session.get(Callout, callout_id)
        assert callout.status == "filled" and callout.filled <= 5


def test_two_organizers_starting_at_once_get_one_call_out_and_nobody_is_paged_twice(
    app, api, short, near, make_user, grant, api_token
):
    for i in range(6):
        near(0.5 + i * 0.2)
    tokens = [short["token"]]
    for name in ("李主任", "赵委员", "钱干事"):
        colleague = make_user(name)
        grant(colleague, short["org"])
        tokens.append(api_token(colleague))

    def start(token):
        def call():
            response = app.test_client().post(
                f"/api/v1/shifts/{short['shift_id']}/callouts",
                json={"needed": 1},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.status_code, response.get_json()["id"]

        return call

    results = run_concurrently(app, [start(token) for token in tokens])

    assert sorted(status for status, _ in results) == [200, 200, 200, 201]
    assert len({callout_id for _, callout_id in results}) == 1
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Callout)).scalar_one() == 1
        assert db.session.execute(sa.select(sa.func.count()).select_from(CalloutPage)).scalar_one() == 3


def test_the_wave_job_running_twice_at_once_pages_one_wave(app, api, short, near):
    for i in range(10):
        near(0.2 + i * 0.1)
    api.post(f"/shifts/{short['shift_id']}/callouts", json={"needed": 1, "wave_size": 2}, token=short["token"])

    def job():
        with app.app_context():
            return services.send_due_waves()

    with time_machine.travel(now() + timedelta(minutes=6), tick=False):
        paged = run_concurrently(app, [job for _ in range(4)])

    assert sorted(paged) == [0, 0, 0, 2]
    with app.app_context():
        rows = db.session.execute(sa.select(CalloutPage.user_id, CalloutPage.wave)).all()
    assert sorted(wave for _, wave in rows) == [1, 1, 2, 2]
    assert len({user_id for user_id, _ in rows}) == 4
