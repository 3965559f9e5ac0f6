"""The public verification page and API: a certificate's facts and validity for anyone with its code, nothing more
personal, a plain 'no such certificate' for forged codes, and throttled guessing."""

from datetime import date

import pytest
import time_machine

from tests.conftest import english
from volunteer_hub.certificates import services
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.extensions import db


@pytest.fixture
def certificate(app, make_user, make_org, make_entry, grant):
    """A ready certificate of 李晓明's service for 民治社区, and the organizer who may revoke it."""
    volunteer = make_user("李晓明", phone="+8613912345678")
    org = make_org("民治社区")
    organizer = make_user("王书记")
    grant(organizer, org)
    make_entry(volunteer, org, date(2024, 2, 3), 270, activity="东门卡口值守")
    with app.test_request_context(), time_machine.travel("2024-06-15 10:00 +08:00", tick=False):
        issued, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")
        services.render_certificate(issued.id)
        db.session.expunge_all()
    return issued, volunteer, organizer


def revoke(app, organizer, certificate, reason="重复申请"):
    with app.test_request_context(), time_machine.travel("2024-07-01 09:00 +08:00", tick=False):
        services.revoke_certificate(organizer, db.session.get(Certificate, certificate.id), reason)


def test_the_verification_page_shows_a_valid_certificate_and_its_facts(client, certificate):
    issued, volunteer, _ = certificate

    page = english(client).get(f"/cert/{issued.code}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This certificate is valid" in html
    for fact in (
        "李晓明",
        volunteer.volunteer_no,
        "民治社区",
        "东门卡口值守",
        "4.50 hours",
        "June 15, 2024",
        "January 1, 2024 to June 15, 2024",
        issued.display_code,
    ):
        assert fact in html
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_no_cache_keeps_the_verification_page_with_the_holders_name(client, certificate):
    issued, _, _ = certificate
    assert client.get(f"/cert/{issued.code}").headers["Cache-Control"] == "no-store"


def test_the_public_page_and_api_show_no_phone_number(client, api, certificate):
    issued, volunteer, _ = certificate
    national = volunteer.phone.removeprefix("+86")

    page = client.get(f"/cert/{issued.code}").get_data(as_text=True)
    answer = api.get(f"/certificates/{issued.code}").get_data(as_text=True)

    for body in (page, answer):
        assert national not in body and national[-4:] not in body


def test_a_forged_code_gets_a_no_such_certificate_page(client, certificate):
    page = english(client).get("/cert/ABCDEFGHJKMN")

    assert page.status_code == 404
    assert "No such certificate" in page.get_data(as_text=True)


def test_a_code_typed_from_paper_finds_the_certificate(client, certificate):
    issued, _, _ = certificate
    typed = f"{issued.display_code.lower()}"

    response = client.get("/cert", query_string={"code": typed})
    assert response.headers["Location"] == f"/cert/{issued.code}"


def test_a_revoked_certificate_shows_as_revoked_with_the_date(app, client, api, certificate):
    issued, _, organizer = certificate
    revoke(app, organizer, issued)

    html = english(client).get(f"/cert/{issued.code}").get_data(as_text=True)
    answer = api.get(f"/certificates/{issued.code}").json

    assert "This certificate is not valid" in html and "July 1, 2024" in html
    assert "重复申请" not in html  # the reason is for the volunteer and the audit log, not the public
    assert (answer["valid"], answer["status"], answer["revoked_at"]) == (False, "revoked", "2024-07-01T09:00:00+08:00")


def test_the_api_answers_the_verification_facts_and_validity_without_a_token(api, certificate):
    issued, volunteer, _ = certificate

    answer = api.get(f"/certificates/{issued.code}")

    assert answer.status_code == 200
    assert answer.json == {
        "code": issued.code,
        "valid": True,
        "status": "ready",
        "volunteer_name": "李晓明",
        "volunteer_no": volunteer.volunteer_no,
        "from": "2024-01-01",
        "to": "2024-06-15",
        "issued_on": "2024-06-15",
        "total_minutes": 270,
        "total_hours": "4.50",
        "issuers": [{"name": "民治社区", "minutes": 270, "hours": "4.50"}],
        "services": [
            {
                "date": "2024-02-03",
                "activity": "东门卡口值守",
                "content": "",
                "task_type": "checkpoint",
                "organisation": "民治社区",
                "minutes": 270,
                "hours": "4.50",
                "corrected": False,
            }
        ],
        "revoked_at": None,
    }


def test_the_api_answers_404_for_a_forged_code(api):
    answer = api.get("/certificates/ABCDEFGHJKMN")

    assert answer.status_code == 404 and answer.json["error"]["code"] == "no_such_certificate"


def test_guessing_codes_is_throttled_but_real_codes_are_not_counted(app, client, api, certificate, monkeypatch):
    issued, _, _ = certificate
    monkeypatch.setitem(app.config, "CERT_LOOKUP_MISS_LIMIT", "3/minute")

    for _ in range(5):
        assert client.get(f"/cert/{issued.code}").status_code == 200
    misses = [client.get(f"/cert/ABCDEFGHJKM{n}").status_code for n in range(2, 5)]
    assert misses == [404, 404, 404]

    assert api.get("/certificates/ABCDEFGHJKM5").status_code == 429  # the page and the API share one budget
    assert client.get("/cert/ABCDEFGHJKM6").status_code == 429
