"""The insurance packet of an injury: for the task's organizers only, a real PDF with the facts an insurer asks
for (the incident and follow-ups, the injured volunteer's identity, the shift, attendance, confirmed time, the
organisation and the person in charge); 409 for another category."""

from datetime import timedelta

import pytest

from tests.attendance.helpers import at, point
from tests.certificates.conftest import pdf_text
from tests.incidents.conftest import body
from volunteer_hub.accounts.models import User
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db
from volunteer_hub.hours import services as hours


@pytest.fixture
def injury(api, post, app):
    """李晓明 injured at the post, reported by himself, followed up; checked out at the end, hours confirmed."""
    s = post
    with app.app_context():
        volunteer = db.session.get(User, s.volunteer.id)
        volunteer.insurance_provider = "平安志愿者意外险"
        db.session.commit()
    with at(s.moment):
        incident = api.post(
            f"/tasks/{s.task.id}/incidents",
            json=body(s, involved_user_ids=[s.volunteer.id], severity="severe"),
            token=s.token,
        ).json
        api.post(f"/incidents/{incident['id']}/updates", json={"text": "已送社区医院。"}, token=s.organizer_token)
    with at(s.shift.ends_at - timedelta(minutes=1)):
        assert api.post(f"/claims/{s.claim_id}/check-out", json=point(40), token=s.token).status_code == 200
    with at(s.shift.ends_at + timedelta(hours=1)), app.test_request_context():
        hours.confirm_hours(db.session.get(User, s.organizer.id), db.session.get(Claim, s.claim_id))
    s.incident = incident
    return s


def test_the_organizer_gets_a_pdf_with_the_facts_an_insurer_asks_for(api, injury):
    s = injury
    with at(s.shift.ends_at + timedelta(hours=2)):
        response = api.get(
            f"/incidents/{s.incident['id']}/insurance.pdf", token=s.organizer_token, headers={"Accept-Language": "en"}
        )

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith(b"%PDF-") and b"/BaseFont /STSong-Light" in response.data  # the certificates' font
    text = pdf_text(response.data)
    for fact in (
        "李晓明在卡口搬运物资时扭伤左脚踝。",  # what happened
        "已送社区医院。",  # the follow-up
        "李晓明",
        s.volunteer.phone,
        f"VH{s.volunteer.id:08d}",
        "平安志愿者意外险",
        "东门卡口值守",  # the post
        "白石龙社区",  # the organisation
        "王书记",  # the person in charge
        "50 m",  # the check-in's distance
        "40 m",  # the check-out's
        "3.82",  # confirmed hours: from the check-in 10 minutes in to the check-out a minute before the end
    ):
        assert fact in text, fact


def test_only_the_tasks_organizers_get_the_packet(api, api_token, injury, make_user, make_org, grant):
    s = injury
    sibling = make_user("民泰书记")
    grant(sibling, make_org("民泰社区"))
    url = f"/incidents/{s.incident['id']}/insurance.pdf"

    assert api.get(url, token=s.token).status_code == 403  # the reporter, injured himself
    assert api.get(url, token=api_token(sibling)).status_code == 404
    assert api.get(url).status_code == 401


def test_an_incident_that_is_no_injury_has_no_packet(api, post):
    s = post
    with at(s.moment):
        incident = api.post(
            f"/tasks/{s.task.id}/incidents", json=body(s, category="conflict"), token=s.organizer_token
        ).json
        response = api.get(f"/incidents/{incident['id']}/insurance.pdf", token=s.organizer_token)

    assert response.status_code == 409 and response.json["error"]["code"] == "not_an_injury"


def test_a_volunteer_reporting_their_own_injury_is_the_injured_one(api, post):
    s = post
    with at(s.moment):
        incident = api.post(f"/tasks/{s.task.id}/incidents", json=body(s), token=s.token).json
        response = api.get(f"/incidents/{incident['id']}/insurance.pdf", token=s.organizer_token)

    assert response.status_code == 200
    assert s.volunteer.phone in pdf_text(response.data)


def test_the_packet_is_in_chinese_by_default(api, injury):
    s = injury
    with at(s.shift.ends_at + timedelta(hours=2)):
        response = api.get(f"/incidents/{s.incident['id']}/insurance.pdf", token=s.organizer_token)

    text = pdf_text(response.data)
    for words in ("志愿者意外事件报告", "受伤志愿者：李晓明", "签到 · 位置", "已确认服务时长", "活动负责人", "严重"):
        assert words in text, words
