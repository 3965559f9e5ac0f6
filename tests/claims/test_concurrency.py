"""Capacity under concurrency, on the configured database (SQLite by default, PostgreSQL in CI).

Each test fires real concurrent requests through the API (one thread and one test client per caller, all
released at once by a barrier) and then checks both the responses and the database.
"""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_hub.claims import services as claim_services
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift


def run_concurrently(app, calls):
    """Run each zero-argument callable in its own thread, all starting together; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def claim_call(app, token, shift_id):
    def call():
        response = app.test_client().post(
            f"/api/v1/shifts/{shift_id}/claims", headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code, response.get_json()

    return call


def outcome(result):
    status, body = result
    return (status, body.get("status") or body.get("error", {}).get("code"))


def confirmed_in_db(app, shift_id):
    with app.app_context():
        claims = db.session.execute(
            sa.select(sa.func.count()).where(Claim.shift_id == shift_id, Claim.status == "confirmed")
        ).scalar_one()
        counter = db.session.get(Shift, shift_id).confirmed
        return claims, counter


@pytest.fixture
def claimers(make_user, api_token):
    def factory(count):
        return [api_token(make_user(f"志愿者{i}")) for i in range(count)]

    return factory


def test_fifty_claimers_on_five_places_give_five_confirmed_and_45_waitlisted(app, make_task, claimers):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    tokens = claimers(50)

    results = run_concurrently(app, [claim_call(app, token, shift_id) for token in tokens])

    assert Counter(outcome(r) for r in results) == {(201, "confirmed"): 5, (201, "waitlisted"): 45}
    assert confirmed_in_db(app, shift_id) == (5, 5)


def test_twenty_identical_taps_by_one_volunteer_give_one_claim(app, make_task, claimers):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    (token,) = claimers(1)

    results = run_concurrently(app, [claim_call(app, token, shift_id) for _ in range(20)])

    assert Counter(outcome(r) for r in results) == {(201, "confirmed"): 1, (409, "already_claimed"): 19}
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Claim)).scalar_one() == 1
    assert confirmed_in_db(app, shift_id) == (1, 1)


def test_one_volunteer_racing_for_two_overlapping_shifts_gets_exactly_one(app, make_task, claimers):
    (token,) = claimers(1)
    for round_ in range(5):
        start = timedelta(days=2 + round_)
        first = make_task(shifts=[(start, 4, 5)]).shifts[0].id
        second = make_task(shifts=[(start + timedelta(hours=2), 4, 5)], title="消杀").shifts[0].id

        results = run_concurrently(app, [claim_call(app, token, first), claim_call(app, token, second)])

        assert sorted(outcome(r) for r in results) == [(201, "confirmed"), (409, "shift_overlap")]


def test_cancellations_racing_new_claims_never_exceed_capacity(app, make_task, claimers, api_token):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 10)]).shifts[0].id
    holders = claimers(25)  # 10 confirmed, 15 waitlisted
    claim_ids = []
    for token in holders:
        _, body = claim_call(app, token, shift_id)()
        claim_ids.append(body["id"])
    newcomers = claimers(10)

    def cancel_call(token, claim_id):
        def call():
            response = app.test_client().delete(
                f"/api/v1/claims/{claim_id}", headers={"Authorization": f"Bearer {token}"}
            )
            return response.status_code, response.get_json()

        return call

    calls = [cancel_call(holders[i], claim_ids[i]) for i in range(6)]
    calls += [claim_call(app, token, shift_id) for token in newcomers]
    results = run_concurrently(app, calls)

    assert all(status in (200, 201) for status, _ in results)
    assert confirmed_in_db(app, shift_id) == (10, 10)


def test_control_run_with_a_check_then_write_claim_overbooks(app, make_task, claimers, monkeypatch):
    """Proves the capacity test can fail: with the guarded claim step swapped for check-then-write, concurrent
    claimers overbook."""
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    tokens = claimers(50)

    def naive_claim(user, shift, health_declared_at):
        taken = db.session.execute(
            sa.select(sa.func.count()).where(Claim.shift_id == shift.id, Claim.status == "confirmed")
        ).scalar_one()
        # The time a real request spends between its check and its write (validation, rendering, a busy
        # machine), made explicit so the control run overbooks however fast or loaded the machine is.
        time.sleep(0.05)
        status = "confirmed" if taken < shift.capacity else "waitlisted"
        claim = Claim(shift_id=shift.id, user_id=user.id, status=status)
        db.session.add(claim)
        db.session.flush()
        return claim

    monkeypatch.setattr(claim_services, "_claim", naive_claim)
    results = run_concurrently(app, [claim_call(app, token, shift_id) for token in tokens])

    confirmed_responses = sum(1 for r in results if outcome(r) == (201, "confirmed"))
    claims, _ = confirmed_in_db(app, shift_id)
    assert confirmed_responses > 5
    assert claims > 5
