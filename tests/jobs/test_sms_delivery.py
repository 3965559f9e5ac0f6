"""A real notification (a waitlist promotion through the API) goes out by SMS through the outbox, a real RQ worker
and the Alibaba Cloud SDK to a local stand-in of its API; the delivery record follows each answer, the daily cap per
number holds without calling the provider, and polled receipts mark what reached the phone."""

import json
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.messaging.standins import Answer, serving
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.notifications import jobs, receipts
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications.models import Delivery, Notification
from volunteer_hub.outbox import services as outbox

TEMPLATE = "SMS_300"


@pytest.fixture
def provider(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_TEMPLATES", {"claim_promoted": TEMPLATE})
    with serving("aliyun", app, monkeypatch) as standin:
        yield standin


@pytest.fixture
def tencent(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_TEMPLATES", {"claim_promoted": "1234567/task/time"})
    with serving("tencent", app, monkeypatch) as standin:
        yield standin


@pytest.fixture
def promote(app, api, make_task, make_user, api_token):
    """promote() cancels the only confirmed place: the waitlisted volunteer (no quiet hours) is promoted."""
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)], title="东门卡口值守").shifts[0].id
    holder, waiter = api_token(make_user("甲")), make_user("乙", quiet_start_min=None, quiet_end_min=None)
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    assert api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter)).json["status"] == "waitlisted"

    def run():
        assert api.delete(f"/claims/{held['id']}", token=holder).status_code == 200
        return waiter

    return run


def sms_delivery(app, user) -> Delivery:
    with app.app_context():
        return db.session.execute(
            sa.select(Delivery).where(Delivery.user_id == user.id, Delivery.channel == "sms")
        ).scalar_one()


def test_a_promotion_goes_out_by_sms_and_the_record_keeps_the_biz_id(app, provider, promote, work):
    waiter = promote()

    work()

    (request,) = provider.sent("SendSms")
    delivery = sms_delivery(app, waiter)
    assert (delivery.status, delivery.attempts, delivery.provider_id) == ("sent", 1, "900001^0")
    assert request.params["PhoneNumbers"] == waiter.phone[3:]
    assert (request.params["TemplateCode"], request.params["OutId"]) == (TEMPLATE, f"d{delivery.id}")
    params = json.loads(request.params["TemplateParam"])
    assert params["task"] == "东门卡口值守" and params["link"].endswith(f"/tasks/{delivery_task(app, delivery)}")


def delivery_task(app, delivery) -> int:
    with app.app_context():
        return db.session.get(Notification, delivery.notification_id).task_id


def test_a_throttled_answer_leaves_the_sms_queued_for_later(app, provider, promote, work):
    provider.answer("SendSms", Answer(code="isv.BUSINESS_LIMIT_CONTROL"))
    waiter = promote()

    work()

    delivery = sms_delivery(app, waiter)
    assert (delivery.status, delivery.attempts, delivery.provider_id) == ("queued", 1, None)
    assert delivery.last_error.startswith("isv.BUSINESS_LIMIT_CONTROL")
    assert delivery.not_before > now() + timedelta(seconds=20)
    assert len(provider.sent("SendSms")) == 1


def test_an_invalid_number_fails_the_sms_with_the_providers_code(app, provider, promote, work):
    provider.answer("SendSms", Answer(code="isv.MOBILE_NUMBER_ILLEGAL"))
    waiter = promote()

    work()

    delivery = sms_delivery(app, waiter)
    assert (delivery.status, delivery.provider_id) == ("failed", None)
    assert delivery.last_error.startswith("isv.MOBILE_NUMBER_ILLEGAL")


def test_past_the_daily_cap_of_a_number_the_sms_is_suppressed_without_calling_the_provider(
    app, provider, promote, work, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_NOTICE_LIMIT_PER_NUMBER", "1/day")
    waiter = promote()
    work()
    with app.app_context():
        notifications.notify(waiter.id, "claim_promoted", task="另一个任务")  # a second notice the same day
        db.session.commit()
        outbox.dispatch_pending()

    work()

    with app.app_context():
        statuses = db.session.execute(
            sa.select(Delivery.status, Delivery.reason)
            .where(Delivery.user_id == waiter.id, Delivery.channel == "sms")
            .order_by(Delivery.id)
        ).all()
    assert [tuple(row) for row in statuses] == [("sent", None), ("suppressed", "daily_cap")]
    assert len(provider.sent("SendSms")) == 1


def test_polled_receipts_mark_the_sms_delivered_or_failed(app, provider, promote, work):
    waiter = promote()
    work()
    delivery = sms_delivery(app, waiter)
    detail = {"OutId": f"d{delivery.id}", "SendStatus": 2, "ErrCode": "MK:0001", "PhoneNum": waiter.phone[3:]}
    provider.answer(
        "QuerySendDetails", Answer(data={"TotalCount": 1, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [detail]}})
    )

    with app.app_context():
        jobs.poll_sms_receipts()

    (query,) = provider.sent("QuerySendDetails")
    assert query.params["PhoneNumber"] == waiter.phone[3:]
    failed = sms_delivery(app, waiter)
    assert (failed.status, failed.last_error) == ("failed", "MK:0001")


def test_a_delivered_receipt_is_recorded_and_not_asked_about_again(app, provider, promote, work):
    waiter = promote()
    work()
    delivery = sms_delivery(app, waiter)
    detail = {"OutId": f"d{delivery.id}", "SendStatus": 3, "ErrCode": "DELIVERED", "PhoneNum": waiter.phone[3:]}
    provider.answer(
        "QuerySendDetails", Answer(data={"TotalCount": 1, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [detail]}})
    )

    with app.app_context():
        assert receipts.poll_sms() == 1
        assert receipts.poll_sms() == 0  # nothing is left to ask about

    delivered = sms_delivery(app, waiter)
    assert delivered.status == "delivered" and delivered.delivered_at is not None
    assert len(provider.sent("QuerySendDetails")) == 1


def test_over_tencent_cloud_a_promotion_is_sent_and_its_pulled_report_marks_it_delivered(app, tencent, promote, work):
    waiter = promote()
    work()
    sent = sms_delivery(app, waiter)
    report = {"SerialNo": sent.provider_id, "ReportStatus": "SUCCESS", "Description": "用户接收成功"}
    tencent.answer("PullSmsSendStatus", Answer(data={"PullSmsSendStatusSet": [report]}))

    with app.app_context():
        jobs.poll_sms_receipts()

    (request,) = tencent.sent("SendSms")
    assert request.params["PhoneNumberSet"] == [waiter.phone]
    assert request.params["TemplateId"] == "1234567" and request.params["SessionContext"] == f"d{sent.id}"
    assert request.params["TemplateParamSet"][0] == "东门卡口值守"
    assert (sent.status, sent.provider_id) == ("sent", "2433:1")
    assert sms_delivery(app, waiter).status == "delivered"


def test_while_the_per_number_limits_are_unreachable_the_sms_waits_and_goes_once_later(
    app, provider, promote, work, monkeypatch
):
    """Redis down at the moment of sending: nothing reached the provider, so the message is not given up."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    real = app.config["RATELIMIT_STORAGE_URI"]
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", f"redis://127.0.0.1:{port}/0")
    waiter = promote()

    work()

    waiting = sms_delivery(app, waiter)
    assert (waiting.status, waiting.provider_id) == ("queued", None)
    assert waiting.last_error.startswith("limits_unavailable") and waiting.not_before > now()
    assert provider.sent("SendSms") == []

    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", real)  # Redis is back
    with time_machine.travel(waiting.not_before + timedelta(seconds=1), tick=False), app.app_context():
        assert notifications.release_due() == 1
        db.session.commit()
        outbox.dispatch_pending()
        work()

    assert (sms_delivery(app, waiter).status, len(provider.sent("SendSms"))) == ("sent", 1)
