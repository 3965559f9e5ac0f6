"""Confirming the same claim concurrently writes one entry: the partial unique index lets only one through,
every other request gets 409 already_confirmed. Runs on the configured database (SQLite or PostgreSQL)."""

import threading
from collections import Counter

import sqlalchemy as sa

from tests.hours.conftest import local
from volunteer_hub.extensions import db
from volunteer_hub.hours import queries
from volunteer_hub.hours.models import HourEntry


def confirm_together(app, tokens, claim_id):
    """POST the confirmation once per token, all threads released at the same moment."""
    barrier = threading.Barrier(len(tokens))
    results = [None] * len(tokens)

    def worker(index, token):
        barrier.wait()
        response = app.test_client().post(
            f"/api/v1/claims/{claim_id}/confirm", json={}, headers={"Authorization": f"Bearer {token}"}
        )
        body = response.get_json()
        results[index] = (response.status_code, body.get("error", {}).get("code"))

    threads = [threading.Thread(target=worker, args=(i, token)) for i, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_confirmations_of_one_claim_write_one_entry(app, world, clock, make_shift, attend, volunteer):
    shift = make_shift()
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))
    tokens = [world.tokens["organizer"], world.tokens["street_organizer"]] * 4

    results = confirm_together(app, tokens, claim_id)

    assert Counter(results) == {(201, None): 1, (409, "already_confirmed"): 7}
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).where(HourEntry.claim_id == claim_id)).scalar_one() == 1


def test_the_unique_index_decides_even_when_every_request_passes_the_python_check(
    app, world, clock, make_shift, attend, volunteer, monkeypatch
):
    shift = make_shift()
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))
    monkeypatch.setattr(queries, "root_entry_of_claim", lambda claim_id: None)  # every request sees no entry yet

    results = confirm_together(app, [world.tokens["organizer"]] * 6, claim_id)

    assert Counter(results) == {(201, None): 1, (409, "already_confirmed"): 5}
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).where(HourEntry.claim_id == claim_id)).scalar_one() == 1
