"""Managing the organisation tree from the pages: sub-organisations and role grants."""

import sqlalchemy as sa

from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Invitation, Organisation, RoleGrant


def test_my_organisations_lists_children_and_role_holders(client, login, make_user, make_org, grant):
    street = make_org("民治街道", kind="street")
    make_org("白石龙社区", parent=street)
    organizer = make_user("街道组织者")
    grant(organizer, street)
    login(organizer)
    html = client.get("/org/orgs").get_data(as_text=True)
    assert "民治街道" in html and "白石龙社区" in html and "街道组织者: Organizer" in html


def test_adding_a_community_under_a_street(client, login, make_user, make_org, grant, post, app):
    street = make_org("民治街道", kind="street")
    organizer = make_user()
    grant(organizer, street)
    login(organizer)
    response = post(client, f"/org/orgs/{street.id}/children", {"name": "民泰社区", "kind": "community"})
    assert response.headers["Location"] == f"/org/orgs/{street.id}"
    with app.app_context():
        child = db.session.execute(sa.select(Organisation).where(Organisation.name == "民泰社区")).scalar_one()
        assert child.path == f"{street.path}{child.id}/"


def test_a_kind_that_cannot_sit_there_is_a_field_error(client, login, make_user, make_org, grant, post, app):
    street = make_org("民治街道", kind="street")
    organizer = make_user()
    grant(organizer, street)
    login(organizer)
    response = post(client, f"/org/orgs/{street.id}/children", {"name": "龙华区", "kind": "district"})
    assert response.status_code == 400
    assert 'id="kind-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Organisation).count() == 1


def test_a_role_is_given_by_an_invitation_the_person_accepts(client, login, make_user, make_org, grant, post, app):
    community = make_org()
    organizer = make_user()
    grant(organizer, community)
    reviewer = make_user("李审核")
    login(organizer)
    response = post(client, f"/org/orgs/{community.id}/roles", {"phone": reviewer.phone[3:], "role": "reviewer"})
    assert response.status_code == 303
    assert "Invitation sent." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(RoleGrant).filter_by(user_id=reviewer.id).count() == 0
        invitation_id = db.session.execute(sa.select(Invitation.id)).scalar_one()
    login(reviewer)
    assert post(client, f"/me/invitations/{invitation_id}/accept").status_code == 303
    with app.app_context():
        assert (
            db.session.execute(sa.select(RoleGrant.role).where(RoleGrant.user_id == reviewer.id)).scalar_one()
            == "reviewer"
        )


def test_a_mistyped_number_is_a_field_error(client, login, make_user, make_org, grant, post):
    community = make_org()
    organizer = make_user()
    grant(organizer, community)
    login(organizer)
    response = post(client, f"/org/orgs/{community.id}/roles", {"phone": "1370000", "role": "organizer"})
    assert response.status_code == 400
    assert 'id="phone-error"' in response.get_data(as_text=True)


def test_another_organisation_is_refused_and_unchanged(client, login, make_user, make_org, grant, post, app):
    mine, theirs = make_org("我的社区"), make_org("别的社区")
    organizer = make_user()
    grant(organizer, mine)
    login(organizer)
    assert client.get(f"/org/orgs/{theirs.id}").status_code == 403
    assert post(client, f"/org/orgs/{theirs.id}/children", {"name": "小区", "kind": "compound"}).status_code == 403
    assert (
        post(client, f"/org/orgs/{theirs.id}/roles", {"phone": organizer.phone[3:], "role": "organizer"}).status_code
        == 403
    )
    with app.app_context():
        assert db.session.query(Organisation).count() == 2
        assert db.session.query(RoleGrant).count() == 1
