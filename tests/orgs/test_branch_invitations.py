"""Joining a Party branch takes the member's consent: the organizer invites a mobile number and learns nothing
about it (the same 202 and body whoever holds it), the holder sees the invitation in the inbox and on a page and
accepts or declines; only acceptance makes a member. Invitations expire, and sending them is throttled per
organizer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import csrf_token
from tests.orgs.test_party_branches import create_branch, invite, members
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.orgs import services
from volunteer_hub.orgs.models import Invitation
from volunteer_hub.schedule import RECURRING

UNREGISTERED = "13700002222"


@pytest.fixture
def branch_id(api, site):
    return create_branch(api, site, site.tokens.organizer, name="东门卡口临时党支部").json["id"]


def open_invitations(api, token, path="/me/branch-invitations") -> list[dict]:
    response = api.get(path, token=token)
    assert response.status_code == 200
    return response.json


def answer(api, token, invitation_id, verb, path="/me/branch-invitations"):
    return api.post(f"{path}/{invitation_id}/{verb}", token=token)


def notified(app, user) -> list[str]:
    with app.app_context():
        return list(db.session.execute(sa.select(Notification.kind).where(Notification.user_id == user.id)).scalars())


def test_the_organizer_gets_the_same_answer_whoever_holds_the_number(api, app, site, branch_id, make_user, api_token):
    zhang = site.people.zhang
    invite(api, branch_id, site.tokens.organizer, zhang.phone)
    answer(api, api_token(zhang), open_invitations(api, api_token(zhang))[0]["id"], "accept")
    elsewhere = make_user("外区党员", phone="+8613700001111", party_member=True)

    answers = [
        invite(api, branch_id, site.tokens.organizer, phone)
        for phone in (
            UNREGISTERED,  # nobody registered it
            "13700001111",  # a Party member of another district
            "15912340003",  # a volunteer who is not a Party member
            "15912340001",  # a member already
        )
    ]

    assert [response.status_code for response in answers] == [202] * 4
    assert all(response.get_data() == answers[0].get_data() for response in answers)
    assert answers[0].json["status"] == "invitation_sent"
    body = answers[0].get_data(as_text=True)
    assert not any(name in body for name in ("外区党员", "小红", "党员老张", "party_member"))
    assert members(app, branch_id) == [zhang.id]
    assert open_invitations(api, api_token(elsewhere))[0]["branch_id"] == branch_id


def test_only_acceptance_makes_a_member(api, app, site, branch_id, api_token):
    fang = site.people.fang
    invite(api, branch_id, site.tokens.organizer, "159 1234 0002")
    assert members(app, branch_id) == []

    [invitation] = open_invitations(api, api_token(fang))
    assert (invitation["branch"], invitation["org"], invitation["invited_by"]) == (
        "东门卡口临时党支部",
        "白石龙社区",
        "王书记",
    )
    accepted = answer(api, api_token(fang), invitation["id"], "accept")

    assert accepted.status_code == 201
    assert accepted.json == {"branch_id": branch_id, "user_id": fang.id, "name": "党员阿芳"}
    assert members(app, branch_id) == [fang.id]
    assert open_invitations(api, api_token(fang)) == []
    assert answer(api, api_token(fang), invitation["id"], "accept").status_code == 404


def test_a_declined_invitation_makes_no_member_and_is_not_sent_again(api, app, site, branch_id, api_token):
    fang = site.people.fang
    invite(api, branch_id, site.tokens.organizer, fang.phone)
    [invitation] = open_invitations(api, api_token(fang))

    assert answer(api, api_token(fang), invitation["id"], "decline").status_code == 204
    again = invite(api, branch_id, site.tokens.organizer, fang.phone)

    assert again.status_code == 202
    assert members(app, branch_id) == []
    assert open_invitations(api, api_token(fang)) == []
    assert notified(app, fang) == ["branch_invitation"]


def test_an_invitation_is_notified_once_however_often_it_is_sent(api, app, site, branch_id):
    for _ in range(3):
        invite(api, branch_id, site.tokens.organizer, site.people.zhang.phone)

    assert notified(app, site.people.zhang) == ["branch_invitation"]


def test_nobody_else_answers_someone_elses_invitation(api, app, site, branch_id, api_token):
    invite(api, branch_id, site.tokens.organizer, site.people.zhang.phone)
    [invitation] = open_invitations(api, api_token(site.people.zhang))

    for token in (api_token(site.people.fang), site.tokens.organizer):
        assert answer(api, token, invitation["id"], "accept").status_code == 404
        assert answer(api, token, invitation["id"], "decline").status_code == 404
    assert members(app, branch_id) == []


def test_a_volunteer_who_is_not_a_party_member_is_told_why_they_cannot_accept(api, app, site, branch_id, api_token):
    hong = api_token(site.people.hong)
    invite(api, branch_id, site.tokens.organizer, site.people.hong.phone)
    [invitation] = open_invitations(api, hong)

    refused = answer(api, hong, invitation["id"], "accept")

    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "not_party_member"
    assert members(app, branch_id) == []
    assert len(open_invitations(api, hong)) == 1  # still open: they may fix their profile and accept


def test_invitations_expire(api, app, site, branch_id, api_token):
    zhang = api_token(site.people.zhang)
    invite(api, branch_id, site.tokens.organizer, site.people.zhang.phone)
    [invitation] = open_invitations(api, zhang)

    with time_machine.travel(now() + timedelta(days=app.config["INVITATION_DAYS"], minutes=1)):
        assert open_invitations(api, zhang) == []
        assert answer(api, zhang, invitation["id"], "accept").status_code == 404
        with app.app_context():  # the daily job forgets the expired invitation and the number it names
            assert services.purge_expired_invitations() == 1
        assert ("volunteer_hub.orgs.jobs.purge_expired_invitations", 86_400) in RECURRING
        again = invite(api, branch_id, site.tokens.organizer, site.people.zhang.phone)
        assert again.status_code == 202 and len(open_invitations(api, zhang)) == 1
    assert members(app, branch_id) == []


def test_an_invitation_to_an_unregistered_number_waits_for_whoever_registers_it(api, app, site, branch_id, sms_code):
    invite(api, branch_id, site.tokens.organizer, UNREGISTERED)
    body = {"phone": UNREGISTERED, "name": "新党员", "password": "Volunteer2020", "code": sms_code(UNREGISTERED)}
    registered = api.post("/auth/register", json=body)
    assert registered.status_code == 201
    token = api.post("/auth/token", json={"phone": UNREGISTERED, "password": "Volunteer2020"}).json["token"]

    [invitation] = open_invitations(api, token)

    assert invitation["branch_id"] == branch_id


def test_invitations_are_throttled_per_organizer_across_page_and_api(
    api, app, client, login, site, branch_id, monkeypatch
):
    monkeypatch.setitem(app.config, "BRANCH_INVITE_LIMIT_PER_ORGANIZER", "2/hour")
    assert invite(api, branch_id, site.tokens.organizer, "12345").status_code == 400  # a typo costs nothing
    assert invite(api, branch_id, site.tokens.organizer, "13700000001").status_code == 202
    login(site.organizer)
    url = f"/org/branches/{branch_id}"
    sent = client.post(f"{url}/members", data={"csrf_token": csrf_token(client, url), "phone": "13700000002"})
    assert sent.status_code == 303

    refused = invite(api, branch_id, site.tokens.organizer, "13700000003")
    sibling_branch = api.post(
        f"/orgs/{site.sibling.id}/temporary-branches", json={"name": "民泰临时党支部"}, token=site.tokens.sibling
    ).json["id"]

    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert invite(api, sibling_branch, site.tokens.sibling, "13700000004").status_code == 202  # their own count
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Invitation).where(Invitation.org_id == branch_id)
            ).scalar()
            == 2
        )


# --- pages ---


def test_the_invitee_answers_from_the_inbox_and_the_invitations_page(api, app, client, login, site, branch_id):
    invite(api, branch_id, site.tokens.organizer, site.people.fang.phone)
    client.set_cookie("lang", "en")
    login(site.people.fang)

    inbox = client.get("/me/notifications").get_data(as_text=True)
    assert "You are invited to join the Party branch “东门卡口临时党支部” of 白石龙社区" in inbox
    assert "/me/invitations" in inbox
    assert "1 invitation waiting for your answer" in client.get("/me").get_data(as_text=True)
    page = client.get("/me/branch-invitations").get_data(as_text=True)
    assert "王书记 invites you to join this Party branch." in page
    with app.app_context():
        invitation_id = db.session.execute(sa.select(Invitation.id)).scalar_one()

    accepted = client.post(
        f"/me/branch-invitations/{invitation_id}/accept",
        data={"csrf_token": csrf_token(client, "/me/branch-invitations")},
    )

    assert accepted.status_code == 303
    assert "You joined 东门卡口临时党支部." in client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert members(app, branch_id) == [site.people.fang.id]
    login(site.organizer)
    assert "党员阿芳" in client.get(f"/org/branches/{branch_id}").get_data(as_text=True)


def test_a_volunteer_declines_on_the_page_and_the_refusal_of_a_non_member_is_explained(
    api, app, client, login, site, branch_id
):
    invite(api, branch_id, site.tokens.organizer, site.people.hong.phone)
    client.set_cookie("lang", "en")
    login(site.people.hong)
    with app.app_context():
        invitation_id = db.session.execute(sa.select(Invitation.id)).scalar_one()
    token = csrf_token(client, "/me/branch-invitations")

    refused = client.post(
        f"/me/branch-invitations/{invitation_id}/accept", data={"csrf_token": token}, follow_redirects=True
    )
    declined = client.post(
        f"/me/branch-invitations/{invitation_id}/decline", data={"csrf_token": token}, follow_redirects=True
    )

    assert "Only Party members join a Party branch." in refused.get_data(as_text=True)
    page = declined.get_data(as_text=True)
    assert "You declined the invitation." in page and "No invitations are waiting for your answer." in page
    assert members(app, branch_id) == []
