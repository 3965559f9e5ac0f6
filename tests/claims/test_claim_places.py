"""All-or-nothing group claims (team leaders, rotas): everyone gets a place, or nobody does and the refusal
says who blocked it."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_hub.claims import services
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.errors import Conflict
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift


def claim_places(app, shift_id, user_ids):
    with app.app_context():
        return [c.user_id for c in services.claim_places(db.session.get(Shift, shift_id), user_ids)]


def confirmed(app, shift_id):
    with app.app_context():
        return sorted(
            db.session.execute(
                sa.select(Claim.user_id).where(Claim.shift_id == shift_id, Claim.status == "confirmed")
            ).scalars()
        )


def test_a_group_gets_all_its_places_at_once(app, make_task, make_user):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 3)]).shifts[0].id
    members = [make_user().id for _ in range(3)]

    assert sorted(claim_places(app, shift_id, members)) == sorted(members)
    assert confirmed(app, shift_id) == sorted(members)
    with app.app_context():
        assert db.session.get(Shift, shift_id).confirmed == 3


def test_too_few_places_claims_nothing(app, make_task, make_user):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 2)]).shifts[0].id

    with pytest.raises(Conflict) as refused:
        claim_places(app, shift_id, [make_user().id for _ in range(3)])

    assert refused.value.code == "not_enough_places"
    assert confirmed(app, shift_id) == []


def test_one_blocked_member_blocks_the_group_and_is_named(app, api, make_task, make_user, api_token):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 5)]).shifts[0].id
    busy, free = make_user("忙"), make_user("闲")
    clash = make_task(shifts=[(timedelta(days=1, hours=1), 2, 5)], title="另一个任务").shifts[0].id
    api.post(f"/shifts/{clash}/claims", token=api_token(busy))

    with pytest.raises(Conflict) as refused:
        claim_places(app, shift_id, [busy.id, free.id])

    assert refused.value.code == "claim_blocked"
    assert [(b["user_id"], b["reason"]) for b in refused.value.extra["blocked"]] == [(busy.id, "shift_overlap")]
    assert confirmed(app, shift_id) == []


def test_two_groups_racing_for_the_last_places_one_wins_whole(app, make_task, make_user):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 4)]).shifts[0].id
    groups = [[make_user().id for _ in range(3)] for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def race(group):
        barrier.wait()
        try:
            outcomes.append(("won", claim_places(app, shift_id, group)))
        except Conflict as exc:
            outcomes.append((exc.code, []))

    threads = [threading.Thread(target=race, args=(group,)) for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(code for code, _ in outcomes) == ["not_enough_places", "won"]
    winner = next(members for code, members in outcomes if code == "won")
    assert confirmed(app, shift_id) == sorted(winner)
