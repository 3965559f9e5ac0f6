"""Temporary Party branches (临时党支部): organizers of a community set one up at a site and invite Party members
by mobile number; a sibling community's organizer and volunteers cannot."""

import sqlalchemy as sa

from tests.conftest import csrf_token
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import BranchMember, Organisation


def create_branch(api, site, token, **body):
    return api.post(f"/orgs/{site.community.id}/temporary-branches", json=body, token=token)


def members(app, branch_id) -> list[int]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(BranchMember.user_id).where(BranchMember.org_id == branch_id).order_by(BranchMember.id)
            ).scalars()
        )


def test_an_organizer_sets_up_a_temporary_branch_under_their_community(api, app, site):
    response = create_branch(api, site, site.tokens.organizer, name="东门卡口临时党支部")

    assert response.status_code == 201
    assert (response.json["kind"], response.json["temporary"], response.json["parent_id"]) == (
        "party_branch",
        True,
        site.community.id,
    )
    with app.app_context():
        branch = db.session.get(Organisation, response.json["id"])
        assert branch.path == f"{site.community.path}{branch.id}/"
        assert (
            db.session.execute(sa.select(AuditEvent.action).where(AuditEvent.subject_id == branch.id)).scalar()
            == "orgs.branch_created"
        )


def test_a_branch_for_a_task_is_named_after_it(api, site, make_task):
    task = make_task(site.community, title="东门卡口值守")
    response = create_branch(api, site, site.tokens.organizer, task_id=task.id)
    assert response.status_code == 201
    assert response.json["name"].startswith("东门卡口值守")


def test_a_task_of_another_community_is_refused(api, site, make_task):
    task = make_task(site.sibling)
    response = create_branch(api, site, site.tokens.organizer, task_id=task.id)
    assert response.status_code == 400
    assert "task_id" in response.json["error"]["fields"]


def test_a_branch_needs_a_name_or_a_task(api, site):
    response = create_branch(api, site, site.tokens.organizer, name="  ")
    assert response.status_code == 400
    assert "name" in response.json["error"]["fields"]


def test_a_sibling_communitys_organizer_and_a_volunteer_cannot_set_up_a_branch(api, app, site):
    assert create_branch(api, site, site.tokens.sibling, name="临时党支部").status_code == 403
    assert create_branch(api, site, site.tokens.volunteer, name="临时党支部").status_code == 403
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Organisation).where(Organisation.kind == "party_branch")
            ).scalar()
            == 0
        )


def test_a_temporary_branch_sits_under_a_street_community_or_compound_only(
    api, site, make_org, make_user, grant, api_token
):
    district = make_org("龙华区", "district")
    organizer = make_user("区组织者")
    grant(organizer, district)
    response = api.post(
        f"/orgs/{district.id}/temporary-branches", json={"name": "临时党支部"}, token=api_token(organizer)
    )
    assert response.status_code == 400
    assert "parent_id" in response.json["error"]["fields"]


# --- members (they join by accepting an invitation: tests/orgs/test_branch_invitations.py) ---


def invite(api, branch_id, token, phone):
    return api.post(f"/orgs/{branch_id}/members", json={"phone": phone}, token=token)


def join(api, api_token, branch_id, token, person):
    """The organizer invites person's number and person accepts."""
    assert invite(api, branch_id, token, person.phone).status_code == 202
    [invitation] = api.get("/me/branch-invitations", token=api_token(person)).json
    assert api.post(f"/me/branch-invitations/{invitation['id']}/accept", token=api_token(person)).status_code == 201


def test_the_organizer_lists_the_members_who_accepted(api, app, site, api_token):
    branch_id = create_branch(api, site, site.tokens.organizer, name="临时党支部").json["id"]
    join(api, api_token, branch_id, site.tokens.organizer, site.people.zhang)
    invite(api, branch_id, site.tokens.organizer, site.people.fang.phone)  # not answered

    listed = api.get(f"/orgs/{branch_id}/members", token=site.tokens.organizer).json

    assert listed == [{"branch_id": branch_id, "user_id": site.people.zhang.id, "name": "党员老张"}]
    assert "phone" not in str(listed)
    assert members(app, branch_id) == [site.people.zhang.id]


def test_a_sibling_organizer_and_a_volunteer_cannot_invite_or_remove_members(api, app, site, api_token):
    branch_id = create_branch(api, site, site.tokens.organizer, name="临时党支部").json["id"]
    join(api, api_token, branch_id, site.tokens.organizer, site.people.zhang)

    assert invite(api, branch_id, site.tokens.sibling, "15912340002").status_code == 403
    assert invite(api, branch_id, site.tokens.volunteer, "15912340002").status_code == 403
    assert api.delete(f"/orgs/{branch_id}/members/{site.people.zhang.id}", token=site.tokens.sibling).status_code == 403
    assert api.get(f"/orgs/{branch_id}/members", token=site.tokens.volunteer).status_code == 403
    assert members(app, branch_id) == [site.people.zhang.id]
    assert api.get("/me/branch-invitations", token=api_token(site.people.fang)).json == []


def test_the_organizer_removes_a_member(api, app, site, api_token):
    branch_id = create_branch(api, site, site.tokens.organizer, name="临时党支部").json["id"]
    join(api, api_token, branch_id, site.tokens.organizer, site.people.zhang)

    response = api.delete(f"/orgs/{branch_id}/members/{site.people.zhang.id}", token=site.tokens.organizer)

    assert response.status_code == 204
    assert members(app, branch_id) == []
    assert (
        api.delete(f"/orgs/{branch_id}/members/{site.people.zhang.id}", token=site.tokens.organizer).status_code == 404
    )


def test_members_are_invited_to_party_branches_only(api, site):
    response = invite(api, site.community.id, site.tokens.organizer, "15912340001")
    assert response.status_code == 400


# --- pages ---


def test_the_organizer_sets_up_a_branch_and_invites_a_member_on_the_pages(client, login, app, site):
    client.set_cookie("lang", "en")
    login(site.organizer)
    page = client.get(f"/org/orgs/{site.community.id}/branches")
    assert page.status_code == 200 and "Set up a temporary Party branch" in page.get_data(as_text=True)

    created = client.post(
        f"/org/orgs/{site.community.id}/branches",
        data={
            "csrf_token": csrf_token(client, f"/org/orgs/{site.community.id}/branches"),
            "name": "东门临时党支部",
            "task_id": "",
        },
    )
    assert created.status_code == 303
    branch_url = created.headers["Location"]
    sent = client.post(
        f"{branch_url}/members", data={"csrf_token": csrf_token(client, branch_url), "phone": "15912340002"}
    )
    assert sent.status_code == 303
    page = client.get(branch_url).get_data(as_text=True)
    assert "Invitation sent." in page
    assert "党员阿芳" not in page and "No members yet" in page


def test_a_malformed_number_is_explained_on_the_form(client, login, site, api):
    branch_id = create_branch(api, site, site.tokens.organizer, name="临时党支部").json["id"]
    client.set_cookie("lang", "en")
    login(site.organizer)
    url = f"/org/branches/{branch_id}"
    response = client.post(f"{url}/members", data={"csrf_token": csrf_token(client, url), "phone": "12345"})
    assert response.status_code == 400
    assert "Enter an 11-digit mainland mobile number" in response.get_data(as_text=True)


def test_a_sibling_organizer_cannot_open_the_branch_pages(client, login, site, api):
    branch_id = create_branch(api, site, site.tokens.organizer, name="临时党支部").json["id"]
    login(site.sibling_organizer)
    assert client.get(f"/org/branches/{branch_id}").status_code == 403
    assert client.get(f"/org/orgs/{site.community.id}/branches").status_code == 403
