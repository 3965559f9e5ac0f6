"""Shift swaps within a team: offer, accept (atomic, rules checked for the accepter), withdraw."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
import time_machine
from rota_data import ADULT, NOW

from volunteer_hub.accounts.models import User
from volunteer_hub.claims import services as claim_services
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.errors import Conflict
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.rotas import services
from volunteer_hub.tasks.models import Shift


def team_place(app, make_task, make_user, make_team, make_org, *, others=2):
    """A team whose member holds a confirmed team place on a day shift tomorrow."""
    org = make_org()
    leader = make_user("队长", birth_date=ADULT)
    holder = make_user("原班", birth_date=ADULT)
    mates = [make_user(f"队友{n}", birth_date=ADULT) for n in range(others)]
    team = make_team(org, leader, [holder, *mates])
    shift_id = make_task(org, shifts=[(timedelta(days=1), 4, 3)]).shifts[0].id
    with app.app_context():
        claim = claim_services.claim_places(db.session.get(Shift, shift_id), [holder.id], team_id=team.id)[0]
        return SimpleNamespace(
            team=team, leader=leader, holder=holder, mates=mates, shift_id=shift_id, claim_id=claim.id
        )


def holders(app, shift_id):
    with app.app_context():
        return sorted(
            db.session.execute(
                sa.select(Claim.user_id).where(Claim.shift_id == shift_id, Claim.status == "confirmed")
            ).scalars()
        )


@time_machine.travel(NOW, tick=False)
def test_an_accepted_offer_moves_the_place_and_tells_the_leader(
    app, api, make_task, make_user, make_team, make_org, api_token
):
    p = team_place(app, make_task, make_user, make_team, make_org)
    holder, mates, shift_id, claim_id = p.holder, p.mates, p.shift_id, p.claim_id
    offer = api.post(f"/claims/{claim_id}/swap-offers", token=api_token(holder))
    assert offer.status_code == 201, offer.json

    accepted = api.post(f"/swaps/{offer.json['id']}/accept", token=api_token(mates[0]))

    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    assert holders(app, shift_id) == [mates[0].id]
    with app.app_context():
        assert db.session.get(Shift, shift_id).confirmed == 1  # capacity use unchanged
        told = db.session.execute(sa.select(Notification.user_id, Notification.kind)).all()
    assert (p.leader.id, "swap_accepted") in told and (holder.id, "swap_taken") in told


@time_machine.travel(NOW, tick=False)
def test_the_accepter_must_pass_the_claim_rules_or_nothing_moves(
    app, api, make_task, make_user, make_team, make_org, api_token
):
    p = team_place(app, make_task, make_user, make_team, make_org)
    holder, mates, shift_id, claim_id = p.holder, p.mates, p.shift_id, p.claim_id
    clash = make_task(shifts=[(timedelta(days=1, hours=1), 2, 5)], title="别处").shifts[0].id
    api.post(f"/shifts/{clash}/claims", token=api_token(mates[0]))
    swap_id = api.post(f"/claims/{claim_id}/swap-offers", token=api_token(holder)).json["id"]

    refused = api.post(f"/swaps/{swap_id}/accept", token=api_token(mates[0]))

    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "shift_overlap"
    assert holders(app, shift_id) == [holder.id]
    assert api.post(f"/swaps/{swap_id}/accept", token=api_token(mates[1])).status_code == 200  # still open


@time_machine.travel(NOW, tick=False)
def test_two_members_racing_for_one_offer_exactly_one_wins(app, make_task, make_user, make_team, make_org):
    p = team_place(app, make_task, make_user, make_team, make_org)
    holder, mates, shift_id, claim_id = p.holder, p.mates, p.shift_id, p.claim_id
    with app.app_context():
        swap_id = services.offer_swap(db.session.get(User, holder.id), claim_id).id
    start, outcomes = threading.Barrier(2), []

    def accept(user_id):
        with app.app_context():
            start.wait()
            try:
                services.accept_swap(db.session.get(User, user_id), swap_id)
                outcomes.append("won")
            except Conflict as exc:
                outcomes.append(exc.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(mate.id,)) for mate in mates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["swap_closed", "won"]
    assert len(holders(app, shift_id)) == 1 and holders(app, shift_id)[0] in {m.id for m in mates}


@time_machine.travel(NOW, tick=False)
def test_the_offerer_can_withdraw_and_then_nobody_can_accept(
    app, api, make_task, make_user, make_team, make_org, api_token
):
    p = team_place(app, make_task, make_user, make_team, make_org)
    holder, mates, shift_id, claim_id = p.holder, p.mates, p.shift_id, p.claim_id
    swap_id = api.post(f"/claims/{claim_id}/swap-offers", token=api_token(holder)).json["id"]

    not_mine = api.post(f"/swaps/{swap_id}/cancel", token=api_token(mates[0]))
    withdrawn = api.post(f"/swaps/{swap_id}/cancel", token=api_token(holder))
    late = api.post(f"/swaps/{swap_id}/accept", token=api_token(mates[0]))

    assert (not_mine.status_code, withdrawn.json["status"], late.status_code) == (403, "cancelled", 409)
    assert holders(app, shift_id) == [holder.id]


@time_machine.travel(NOW, tick=False)
def test_only_members_of_the_team_can_take_an_offer(app, api, make_task, make_user, make_team, make_org, api_token):
    p = team_place(app, make_task, make_user, make_team, make_org)
    holder, shift_id, claim_id = p.holder, p.shift_id, p.claim_id
    swap_id = api.post(f"/claims/{claim_id}/swap-offers", token=api_token(holder)).json["id"]

    response = api.post(f"/swaps/{swap_id}/accept", token=api_token(make_user("外人")))

    assert response.status_code == 403
    assert holders(app, shift_id) == [holder.id]
