"""A role (organizer, reviewer) takes the person's consent, like a Party branch's membership: the organizer invites
a mobile number (or an account) and learns nothing about it (the same answer whoever holds it, no name), the holder
accepts or declines on the invitations page or the API; only acceptance gives the role. Role invitations expire,
lapse with the inviter's role, and sending them is throttled per organizer."""

from datetime import timedelta
from functools import partial

import sqlalchemy as sa
import time_machine

from tests.conftest import csrf_token
from tests.orgs import test_branch_invitations as branch_invitations
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.orgs import services
from volunteer_hub.orgs.models import Invitation, RoleGrant

UNREGISTERED = "13700002222"


def invite(api, org, token, role="reviewer", **invitee):
    return api.post(f"/orgs/{org.id}/roles", json={"role": role} | invitee, token=token)


# Every kind of invitation, on the generic paths.
open_invitations = partial(branch_invitations.open_invitations, path="/me/invitations")
answer = partial(branch_invitations.answer, path="/me/invitations")


def roles(app, user) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(RoleGrant.org_id, RoleGrant.role).where(RoleGrant.user_id == user.id).order_by(RoleGrant.id)
            )
        ]


def test_the_api_answers_the_same_whoever_holds_the_number_or_account(api, app, site, make_user, grant):
    elsewhere = make_user("外区居民", phone="+8613700001111")
    holder = make_user("老审核", phone="+8613700001112")
    grant(holder, site.community, "reviewer")

    answers = [
        invite(api, site.community, site.tokens.organizer, **invitee)
        for invitee in (
            {"phone": UNREGISTERED},  # nobody registered it
            {"phone": "13700001111"},  # someone of another district
            {"phone": "13700001112"},  # holds the role already
            {"user_id": 999_999},  # no such account
            {"user_id": elsewhere.id},
        )
    ]

    assert [response.status_code for response in answers] == [202] * 5
    assert all(response.get_data() == answers[0].get_data() for response in answers)
    assert answers[0].json["status"] == "invitation_sent"
    assert not any(name in answers[0].get_data(as_text=True) for name in ("外区居民", "老审核"))
    assert roles(app, elsewhere) == []
    assert roles(app, holder) == [(site.community.id, "reviewer")]


def test_the_page_answers_the_same_whoever_holds_the_number(client, login, site, make_user):
    make_user("外区居民", phone="+8613700001111")
    client.set_cookie("lang", "en")
    login(site.organizer)
    url = f"/org/orgs/{site.community.id}"
    token = csrf_token(client, url)

    answers = [
        client.post(
            f"{url}/roles", data={"csrf_token": token, "phone": phone, "role": "organizer"}, follow_redirects=True
        )
        for phone in (UNREGISTERED, "13700001111", "15912340001")
    ]

    assert [response.status_code for response in answers] == [200] * 3
    pages = [response.get_data(as_text=True) for response in answers]
    assert all("Invitation sent. Whoever holds this number sees it" in page for page in pages)
    assert not any("No one has registered" in page or "外区居民" in page or "党员老张" in page for page in pages)


def test_only_acceptance_gives_the_role(api, app, site, api_token):
    hong = api_token(site.people.hong)
    invite(api, site.community, site.tokens.organizer, phone="159 1234 0003")
    assert roles(app, site.people.hong) == []

    [invitation] = open_invitations(api, hong)
    assert {key: invitation[key] for key in ("kind", "org_id", "org", "parent", "role", "invited_by")} == {
        "kind": "reviewer",
        "org_id": site.community.id,
        "org": "白石龙社区",
        "parent": "民治街道",
        "role": "reviewer",
        "invited_by": "王书记",
    }
    assert answer(api, hong, invitation["id"], "accept").status_code == 204

    assert roles(app, site.people.hong) == [(site.community.id, "reviewer")]
    assert api.get("/me", token=hong).json["roles"] == [
        {"org_id": site.community.id, "org_name": "白石龙社区", "role": "reviewer"}
    ]
    assert open_invitations(api, hong) == []
    assert answer(api, hong, invitation["id"], "accept").status_code == 404


def test_a_declined_role_invitation_gives_nothing_and_is_not_sent_again(api, app, site, api_token):
    hong = api_token(site.people.hong)
    invite(api, site.community, site.tokens.organizer, role="organizer", phone=site.people.hong.phone)
    [invitation] = open_invitations(api, hong)

    assert answer(api, hong, invitation["id"], "decline").status_code == 204
    assert (
        invite(api, site.community, site.tokens.organizer, role="organizer", phone=site.people.hong.phone).status_code
        == 202
    )

    assert roles(app, site.people.hong) == []
    assert open_invitations(api, hong) == []


def test_nobody_else_answers_a_role_invitation_and_the_branch_api_does_not_list_it(api, app, site, api_token):
    invite(api, site.community, site.tokens.organizer, role="organizer", phone=site.people.hong.phone)
    [invitation] = open_invitations(api, api_token(site.people.hong))

    for token in (api_token(site.people.fang), site.tokens.organizer):
        assert answer(api, token, invitation["id"], "accept").status_code == 404
    hong = api_token(site.people.hong)
    assert api.get("/me/branch-invitations", token=hong).json == []
    assert api.post(f"/me/branch-invitations/{invitation['id']}/accept", token=hong).status_code == 404
    assert roles(app, site.people.fang) == [] and roles(app, site.people.hong) == []


def test_the_invitation_lapses_when_the_inviter_loses_their_role(api, app, site, api_token):
    invite(api, site.community, site.tokens.organizer, role="organizer", phone=site.people.hong.phone)
    [invitation] = open_invitations(api, api_token(site.people.hong))
    with app.app_context():
        db.session.execute(sa.delete(RoleGrant).where(RoleGrant.user_id == site.organizer.id))
        db.session.commit()

    assert answer(api, api_token(site.people.hong), invitation["id"], "accept").status_code == 404
    assert roles(app, site.people.hong) == []


def test_role_invitations_expire_and_are_purged(api, app, site, api_token):
    hong = api_token(site.people.hong)
    invite(api, site.community, site.tokens.organizer, phone=site.people.hong.phone)
    [invitation] = open_invitations(api, hong)

    with time_machine.travel(now() + timedelta(days=app.config["INVITATION_DAYS"], minutes=1)):
        assert open_invitations(api, hong) == []
        assert answer(api, hong, invitation["id"], "accept").status_code == 404
        with app.app_context():
            assert services.purge_expired_invitations() == 1
    assert roles(app, site.people.hong) == []


def test_role_invitations_are_throttled_per_organizer_across_page_and_api(api, app, client, login, site, monkeypatch):
    monkeypatch.setitem(app.config, "ROLE_INVITE_LIMIT_PER_ORGANIZER", "2/hour")
    assert invite(api, site.community, site.tokens.organizer, phone="12345").status_code == 400  # costs nothing
    assert invite(api, site.community, site.tokens.organizer, phone="13700000001").status_code == 202
    login(site.organizer)
    url = f"/org/orgs/{site.community.id}"
    sent = client.post(
        f"{url}/roles", data={"csrf_token": csrf_token(client, url), "phone": "13700000002", "role": "reviewer"}
    )
    assert sent.status_code == 303

    refused = invite(api, site.community, site.tokens.organizer, phone="13700000003")

    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert invite(api, site.sibling, site.tokens.sibling, phone="13700000004").status_code == 202  # their own count
    assert (
        api.post(
            f"/orgs/{site.community.id}/temporary-branches",
            json={"name": "东门临时党支部"},
            token=site.tokens.organizer,
        ).status_code
        == 201
    )
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Invitation).where(Invitation.org_id == site.community.id)
            ).scalar()
            == 2
        )


def test_the_invitee_answers_role_and_branch_invitations_on_one_page(api, app, client, login, site):
    fang = site.people.fang
    branch_id = api.post(
        f"/orgs/{site.community.id}/temporary-branches",
        json={"name": "东门卡口临时党支部"},
        token=site.tokens.organizer,
    ).json["id"]
    api.post(f"/orgs/{branch_id}/members", json={"phone": fang.phone}, token=site.tokens.organizer)
    invite(api, site.community, site.tokens.organizer, phone=fang.phone)
    client.set_cookie("lang", "en")
    login(fang)

    assert "You are invited to be Reviewer of 白石龙社区." in client.get("/me/notifications").get_data(as_text=True)
    assert "2 invitations waiting for your answer" in client.get("/me").get_data(as_text=True)
    page = client.get("/me/invitations").get_data(as_text=True)
    assert "王书记 invites you to be Reviewer of this organisation." in page
    assert "王书记 invites you to join this Party branch." in page
    with app.app_context():
        role_invitation = db.session.execute(sa.select(Invitation.id).where(Invitation.kind == "reviewer")).scalar_one()

    accepted = client.post(
        f"/me/invitations/{role_invitation}/accept",
        data={"csrf_token": csrf_token(client, "/me/invitations")},
        follow_redirects=True,
    )

    assert "You are now Reviewer of 白石龙社区." in accepted.get_data(as_text=True)
    assert "invites you to join this Party branch." in accepted.get_data(as_text=True)
    assert roles(app, fang) == [(site.community.id, "reviewer")]
    login(site.organizer)
    assert "党员阿芳: Reviewer" in client.get(f"/org/orgs/{site.community.id}").get_data(as_text=True)
