"""API v1 for certificates: ask, list, download (owner only), revoke (issuing organisations only); and the whole
path once through a real RQ worker."""

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from tests.certificates.conftest import pdf_text
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.certificates import services
from volunteer_hub.extensions import db
from volunteer_hub.notifications.models import Notification
from volunteer_hub.worker import run_worker

PERIOD = {"from": "2024-01-01", "to": "2024-06-15"}


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel("2024-06-15 10:00 +08:00", tick=False):
        yield


@pytest.fixture
def served(make_user, make_org, make_entry, api_token):
    """(volunteer, token, org): 李晓明 served 4 hours for 民治社区 on 3 February 2024."""
    volunteer, org = make_user("李晓明"), make_org("民治社区")
    make_entry(volunteer, org, date(2024, 2, 3), 240)
    return volunteer, api_token(volunteer), org


def make_ready(app, certificate_id):
    with app.app_context():
        services.render_certificate(certificate_id)


def test_asking_for_a_certificate_answers_201_with_its_id_code_and_status(api, served):
    _, token, _ = served

    answer = api.post("/me/certificates", json=PERIOD, token=token)

    assert answer.status_code == 201
    assert answer.json["status"] == "pending" and answer.json["total_hours"] == "4.00"
    assert isinstance(answer.json["id"], int) and len(answer.json["code"]) == 12
    assert answer.json["verify_url"] == f"http://localhost/cert/{answer.json['code']}"  # the host asked


def test_asking_again_for_the_same_certificate_answers_200_with_the_same_one(api, served):
    _, token, _ = served
    first = api.post("/me/certificates", json=PERIOD, token=token)

    again = api.post("/me/certificates", json=PERIOD, token=token)

    assert again.status_code == 200 and again.json["id"] == first.json["id"]


def test_the_language_defaults_to_the_volunteers_and_english_can_be_asked_for(api, served):
    _, token, _ = served

    chinese = api.post("/me/certificates", json=PERIOD, token=token)
    english = api.post("/me/certificates", json={**PERIOD, "locale": "en"}, token=token)

    assert (chinese.json["locale"], english.json["locale"]) == ("zh", "en")
    assert chinese.json["id"] != english.json["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2024-03-01", "to": "2024-02-01"}, "from"),
        ({"from": "2024-02-30", "to": "2024-03-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2010-01-01", "to": "2024-01-01"}, "from"),
        ({"to": "2024-12-31"}, "to"),
        ({"locale": "fr"}, "locale"),
        ({"period": "all"}, "period"),
    ],
)
def test_bad_periods_answer_400_with_the_field(api, served, body, field):
    _, token, _ = served

    answer = api.post("/me/certificates", json=body, token=token)

    assert answer.status_code == 400
    assert list(answer.json["error"]["fields"]) == [field]


def test_a_period_without_hours_answers_409_no_hours(api, served):
    _, token, _ = served

    answer = api.post("/me/certificates", json={"from": "2024-03-01", "to": "2024-06-15"}, token=token)

    assert answer.status_code == 409 and answer.json["error"]["code"] == "no_hours"


def test_asking_needs_a_token(api):
    assert api.post("/me/certificates", json=PERIOD).status_code == 401


def test_my_certificates_lists_mine_newest_first_with_the_pdf_link_once_ready(
    app, api, served, make_user, make_org, make_entry, api_token
):
    _, token, _ = served
    older = api.post("/me/certificates", json=PERIOD, token=token).json
    newer = api.post("/me/certificates", json={**PERIOD, "locale": "en"}, token=token).json
    make_ready(app, older["id"])
    other = make_user("别人")
    make_entry(other, make_org(), date(2024, 2, 3), 60)
    api.post("/me/certificates", json=PERIOD, token=api_token(other))

    items = api.get("/me/certificates", token=token).json["items"]

    assert [(item["id"], item["status"]) for item in items] == [(newer["id"], "pending"), (older["id"], "ready")]
    assert items[1]["pdf_url"] == f"/api/v1/certificates/{older['id']}.pdf" and items[0]["pdf_url"] is None


def test_only_the_owner_downloads_the_pdf(app, api, served, make_user, api_token):
    _, token, _ = served
    certificate = api.post("/me/certificates", json=PERIOD, token=token).json
    make_ready(app, certificate["id"])
    path = f"/certificates/{certificate['id']}.pdf"

    mine = api.get(path, token=token)
    someone_else = api.get(path, token=api_token(make_user("别人")))
    nobody = api.get(path)

    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert mine.data.startswith(b"%PDF-") and mine.headers["Cache-Control"] == "private, no-store"
    assert (someone_else.status_code, nobody.status_code) == (404, 401)
    assert api.get("/certificates/999999.pdf", token=token).status_code == 404


def test_the_pdf_answers_409_while_it_is_being_made(api, served):
    _, token, _ = served
    certificate = api.post("/me/certificates", json=PERIOD, token=token).json

    answer = api.get(f"/certificates/{certificate['id']}.pdf", token=token)

    assert answer.status_code == 409 and answer.json["error"]["code"] == "certificate_not_ready"


def test_an_organizer_of_the_issuing_organisation_revokes_with_a_reason(app, api, served, make_user, grant, api_token):
    volunteer, token, org = served
    certificate = api.post("/me/certificates", json=PERIOD, token=token).json
    make_ready(app, certificate["id"])
    organizer = make_user("王书记")
    grant(organizer, org)

    answer = api.post(
        f"/certificates/{certificate['code']}/revoke",
        json={"reason": "时长记录有误，已更正"},
        token=api_token(organizer),
    )

    assert answer.status_code == 200
    assert (answer.json["valid"], answer.json["status"]) == (False, "revoked")
    assert api.get(f"/certificates/{certificate['id']}.pdf", token=token).json["error"]["code"] == "certificate_revoked"
    with app.app_context():
        audit = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")).scalar_one()
        assert (audit.actor_id, audit.details["reason"]) == (organizer.id, "时长记录有误，已更正")
        note = db.session.execute(sa.select(Notification)).scalar_one()
        assert (note.user_id, note.kind) == (volunteer.id, "certificate_revoked")


def test_revoking_is_refused_to_other_organisations_and_to_the_volunteer(
    app, api, served, make_user, make_org, grant, api_token
):
    _, token, _ = served
    certificate = api.post("/me/certificates", json=PERIOD, token=token).json
    elsewhere = make_user("李主任")
    grant(elsewhere, make_org("白石龙社区"))
    path = f"/certificates/{certificate['code']}/revoke"

    assert api.post(path, json={"reason": "x"}, token=api_token(elsewhere)).status_code == 403
    assert api.post(path, json={"reason": "x"}, token=token).status_code == 403
    assert api.get(f"/certificates/{certificate['code']}").json["status"] == "pending"


def test_an_organizer_above_the_issuing_community_may_revoke(
    app, api, make_user, make_org, make_entry, grant, api_token
):
    street = make_org("民治街道", kind="street")
    community = make_org("民治社区", parent=street)
    volunteer = make_user()
    make_entry(volunteer, community, date(2024, 2, 3), 240)
    certificate = api.post("/me/certificates", json=PERIOD, token=api_token(volunteer)).json
    street_organizer = make_user("街道组织者")
    grant(street_organizer, street)

    answer = api.post(
        f"/certificates/{certificate['code']}/revoke", json={"reason": "重复"}, token=api_token(street_organizer)
    )

    assert answer.status_code == 200


def test_a_certificate_goes_from_request_to_verified_pdf_through_a_real_worker(app, api, served):
    _, token, _ = served
    asked = api.post("/me/certificates", json={**PERIOD, "locale": "en"}, token=token).json

    run_worker(app, burst=True)

    mine = api.get("/me/certificates", token=token).json["items"][0]
    assert mine["status"] == "ready"
    document = api.get(f"/certificates/{asked['id']}.pdf", token=token).data
    assert document.startswith(b"%PDF-") and asked["code"].encode() in document
    assert "Certificate of Volunteer Service" in pdf_text(document)
    assert api.get(f"/certificates/{asked['code']}").json["valid"] is True


def test_the_verification_address_is_on_the_host_the_app_was_opened_on(api, served):
    _, token, _ = served

    answer = api.post("/me/certificates", json=PERIOD, token=token, headers={"Host": "192.168.1.20:5101"})

    assert answer.json["verify_url"] == f"http://192.168.1.20:5101/cert/{answer.json['code']}"
