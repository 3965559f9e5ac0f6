"""The organisation tree and role grants over the API."""

import pytest


@pytest.fixture
def tree(make_org):
    city = make_org("深圳市", "city")
    district = make_org("龙华区", "district", city)
    street = make_org("民治街道", "street", district)
    community = make_org("白石龙社区", "community", street)
    sibling = make_org("民泰社区", "community", street)
    return {"city": city, "district": district, "street": street, "community": community, "sibling": sibling}


def test_admin_creates_a_top_level_city(api, make_user, api_token):
    token = api_token(make_user(is_admin=True))

    response = api.post("/orgs", token=token, json={"name": "深圳市", "kind": "city", "lat": 22.54, "lon": 114.05})

    assert response.status_code == 201
    assert response.json["parent_id"] is None


def test_only_admins_create_top_level_organisations(api, make_user, api_token):
    response = api.post("/orgs", token=api_token(make_user()), json={"name": "深圳市", "kind": "city"})

    assert response.status_code == 403


def test_organizer_adds_a_compound_below_their_community(api, tree, make_user, grant, api_token):
    organizer = make_user()
    grant(organizer, tree["community"])

    response = api.post(
        "/orgs",
        token=api_token(organizer),
        json={"name": "白石龙一区", "kind": "compound", "parent_id": tree["community"].id},
    )

    assert response.status_code == 201
    assert api.get(f"/orgs/{response.json['id']}").json["parent_id"] == tree["community"].id


def test_organizer_cannot_add_below_a_sibling_community(api, tree, make_user, grant, api_token):
    organizer = make_user()
    grant(organizer, tree["community"])

    response = api.post(
        "/orgs",
        token=api_token(organizer),
        json={"name": "民泰花园", "kind": "compound", "parent_id": tree["sibling"].id},
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "X", "kind": "district", "parent_id": "community"}, 400),  # a district under a community
        ({"name": "X", "kind": "galaxy", "parent_id": "community"}, 400),
        ({"name": "", "kind": "compound", "parent_id": "community"}, 400),
        ({"name": "X" * 101, "kind": "compound", "parent_id": "community"}, 400),
        ({"name": "X", "kind": "compound", "parent_id": 999999}, 404),
        ({"name": "X", "kind": "compound", "parent_id": "community", "lat": 100, "lon": 1}, 400),
        ({"name": "X", "kind": "compound", "parent_id": "community", "temporary": True}, 400),
    ],
)
def test_bad_organisations_are_refused(api, tree, make_user, api_token, body, status):
    token = api_token(make_user(is_admin=True))
    if body.get("parent_id") == "community":
        body["parent_id"] = tree["community"].id

    response = api.post("/orgs", token=token, json=body)

    assert response.status_code == status
    assert "error" in response.json


def test_a_temporary_party_branch_can_sit_under_a_compound(api, tree, make_user, api_token):
    token = api_token(make_user(is_admin=True))
    compound = api.post(
        "/orgs", token=token, json={"name": "一区", "kind": "compound", "parent_id": tree["community"].id}
    ).json

    response = api.post(
        "/orgs",
        token=token,
        json={"name": "一区卡口临时党支部", "kind": "party_branch", "parent_id": compound["id"], "temporary": True},
    )

    assert response.status_code == 201
    assert response.json["temporary"] is True


def test_a_street_organizer_invites_to_a_role_in_a_community_below(api, tree, make_user, grant, api_token):
    organizer, newcomer = make_user(), make_user()
    grant(organizer, tree["street"])
    token = api_token(organizer)

    response = api.post(
        f"/orgs/{tree['community'].id}/roles", token=token, json={"user_id": newcomer.id, "role": "reviewer"}
    )
    again = api.post(
        f"/orgs/{tree['community'].id}/roles", token=token, json={"user_id": newcomer.id, "role": "reviewer"}
    )

    assert response.status_code == again.status_code == 202
    assert api.get("/me", token=api_token(newcomer)).json["roles"] == []
    [invitation] = api.get("/me/invitations", token=api_token(newcomer)).json
    assert api.post(f"/me/invitations/{invitation['id']}/accept", token=api_token(newcomer)).status_code == 204
    roles = api.get("/me", token=api_token(newcomer)).json["roles"]
    assert roles == [{"org_id": tree["community"].id, "org_name": "白石龙社区", "role": "reviewer"}]


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("sibling_organizer", {"role": "organizer"}, 403),
        ("reviewer", {"role": "organizer"}, 403),
        ("volunteer", {"role": "organizer"}, 403),
        ("organizer", {"role": "king"}, 400),
        ("organizer", {"role": "organizer", "user_id": None, "phone": "1370000"}, 400),
    ],
)
def test_role_grants_are_refused_outside_ones_scope_or_with_bad_input(
    api, tree, make_user, grant, api_token, who, body, status
):
    actor, target = make_user(), make_user()
    if who == "sibling_organizer":
        grant(actor, tree["sibling"])
    elif who == "reviewer":
        grant(actor, tree["street"], "reviewer")
    elif who == "organizer":
        grant(actor, tree["community"])

    response = api.post(
        f"/orgs/{tree['community'].id}/roles", token=api_token(actor), json={"user_id": target.id} | body
    )

    assert response.status_code == status
    assert api.get("/me", token=api_token(target)).json["roles"] == []
