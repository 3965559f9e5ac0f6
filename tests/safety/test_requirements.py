"""Risk-gated tasks: insurance, qualifications and the health self-declaration, by page and API; the profile."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import csrf_token
from volunteer_hub.accounts.models import Qualification
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db

TOMORROW = timedelta(days=1, hours=2)  # Tuesday 10:00


def test_an_insured_task_refuses_a_volunteer_without_insurance(api, api_token, make_task, make_user):
    shift_id = make_task(requires_insurance=True).shifts[0].id

    response = api.post(f"/shifts/{shift_id}/claims", token=api_token(make_user()))

    assert response.status_code == 409
    assert response.json["error"]["code"] == "insurance_required"


def test_insurance_ending_before_the_shift_ends_is_expired(api, api_token, make_task, make_user):
    shift_id = make_task(requires_insurance=True, shifts=[(TOMORROW, 4, 5)]).shifts[0].id
    volunteer = make_user(insurance_provider="平安", insurance_valid_until=date(2027, 3, 1))

    response = api.post(f"/shifts/{shift_id}/claims", token=api_token(volunteer))

    assert response.json["error"]["code"] == "insurance_expired"


def test_valid_insurance_lets_the_volunteer_claim(api, api_token, make_task, make_user):
    shift_id = make_task(requires_insurance=True, shifts=[(TOMORROW, 4, 5)]).shifts[0].id
    volunteer = make_user(insurance_provider="平安", insurance_valid_until=date(2027, 3, 2))

    assert api.post(f"/shifts/{shift_id}/claims", token=api_token(volunteer)).status_code == 201


def test_a_qualification_task_refuses_on_the_page_until_the_profile_has_it(app, client, login, make_task, make_user):
    task = make_task(type="psychological_support", requires_qualification="psychological_counselling")
    volunteer = make_user(locale="en")
    login(volunteer)
    url = f"/shifts/{task.shifts[0].id}/claim"

    refused = client.post(url, data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    with app.app_context():
        db.session.add(Qualification(user_id=volunteer.id, code="psychological_counselling"))
        db.session.commit()
    accepted = client.post(url, data={"csrf_token": csrf_token(client, url)})

    assert "requires the qualification" in refused.get_data(as_text=True)
    assert accepted.status_code == 302 and "/claims/" in accepted.headers["Location"]


def test_the_api_needs_health_declared_and_records_when(app, api, api_token, make_task, make_user):
    shift_id = make_task(requires_health_declaration=True).shifts[0].id
    token = api_token(make_user())

    refused = api.post(f"/shifts/{shift_id}/claims", token=token)
    accepted = api.post(f"/shifts/{shift_id}/claims", token=token, json={"health_declared": True})

    assert refused.json["error"]["code"] == "health_declaration_required"
    assert accepted.status_code == 201
    with app.app_context():
        assert db.session.get(Claim, accepted.json["id"]).health_declared_at is not None


def test_the_claim_page_asks_for_the_health_declaration(app, client, login, make_task, make_user):
    shift_id = make_task(requires_health_declaration=True).shifts[0].id
    login(make_user())
    url = f"/shifts/{shift_id}/claim"
    assert 'name="health_declared"' in client.get(url).get_data(as_text=True)

    client.post(url, data={"csrf_token": csrf_token(client, url)})
    client.post(url, data={"csrf_token": csrf_token(client, url), "health_declared": "1"})

    with app.app_context():
        declared = db.session.execute(sa.select(Claim.health_declared_at).where(Claim.shift_id == shift_id)).all()
    assert len(declared) == 1 and declared[0][0] is not None


def test_the_profile_page_saves_birth_date_insurance_and_qualifications(app, client, login, make_user):
    volunteer = make_user(name="李四")
    login(volunteer)
    data = {
        "csrf_token": csrf_token(client, "/me/edit"),
        "name": "李四",
        "max_weekly_hours": "20",
        "notify_max_per_day": "3",
        "birth_date": "1995-06-01",
        "insurance_provider": "平安",
        "insurance_valid_until": "2027-12-31",
        "qualifications": ["first_aid"],
    }

    response = client.post("/me/edit", data=data)

    assert response.status_code == 302
    page = client.get("/me").get_data(as_text=True)
    assert "平安" in page
    with app.app_context():
        assert db.session.execute(
            sa.select(Qualification.code).where(Qualification.user_id == volunteer.id)
        ).scalars().all() == ["first_aid"]


def test_the_profile_api_reads_and_writes_the_safety_fields(api, api_token, make_user):
    token = api_token(make_user(party_member=True))
    body = {
        "birth_date": "1990-01-02",
        "show_party_badge": True,
        "insurance_provider": "人保",
        "insurance_valid_until": "2027-06-30",
        "qualifications": [{"code": "psychological_counselling", "issuer": "市心理协会"}],
    }

    response = api.patch("/me", token=token, json=body)

    assert response.status_code == 200
    me = api.get("/me", token=token).json
    assert (me["birth_date"], me["show_party_badge"], me["insurance_valid_until"]) == ("1990-01-02", True, "2027-06-30")
    assert me["qualifications"] == [{"code": "psychological_counselling", "issuer": "市心理协会", "valid_until": None}]


def test_insurance_needs_both_provider_and_date(api, api_token, make_user):
    response = api.patch("/me", token=api_token(make_user()), json={"insurance_provider": "平安"})

    assert response.status_code == 400
    assert "insurance_valid_until" in response.json["error"]["fields"]


def test_posting_a_checkpoint_task_ticks_insurance_by_default(client, login, make_user, make_org, grant):
    organizer, org = make_user(), make_org()
    grant(organizer, org)
    login(organizer)

    page = client.get("/org/tasks/new").get_data(as_text=True)

    assert re.search(r'<input checked id="requires_insurance"', page)
