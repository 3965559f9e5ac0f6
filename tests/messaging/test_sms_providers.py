"""The SMS senders on the providers' official SDKs, against local stand-ins of Alibaba Cloud's and Tencent Cloud's
APIs: what the SDK sends (action, number, signature, template, variables, our out-id), and how each answer becomes
a message id, a retryable failure (throttled, 5xx, timeout) or a permanent one (invalid number, unapproved
template)."""

import json
import time
from datetime import UTC, datetime

import pytest

from tests.messaging.standins import ALIYUN_KEY_ID, SIGN_NAME, TENCENT_APP_ID, TENCENT_SECRET_ID, Answer, serving
from volunteer_hub.messaging import sms
from volunteer_hub.messaging.errors import Permanent, Retryable

NOTICE = {"task": "东门卡口值守", "time": "明天 08:00–12:00", "link": "https://hub.example/tasks/7"}
PHONE = "+8613800001111"


@pytest.fixture
def aliyun(app, monkeypatch):
    with serving("aliyun", app, monkeypatch, timeout_s=0.5) as standin:
        yield standin


@pytest.fixture
def tencent(app, monkeypatch):
    with serving("tencent", app, monkeypatch, timeout_s=0.5) as standin:
        yield standin


def send(app, template="SMS_100", params=NOTICE, phone=PHONE, out_id="d7"):
    with app.app_context():
        return sms.sender().send(phone, template, params, text="(for the logs)", out_id=out_id)


def failure(app, **kwargs):
    with pytest.raises((Retryable, Permanent)) as caught:
        send(app, **kwargs)
    return caught.value


# Alibaba Cloud


def test_aliyun_sends_the_template_and_its_variables_under_the_signature_and_returns_the_biz_id(app, aliyun):
    biz_id = send(app)

    (request,) = aliyun.requests
    assert request.action == "SendSms"
    assert request.params["PhoneNumbers"] == "13800001111"  # mainland numbers go as 11 digits
    assert (request.params["SignName"], request.params["TemplateCode"], request.params["OutId"]) == (
        SIGN_NAME,
        "SMS_100",
        "d7",
    )
    assert json.loads(request.params["TemplateParam"]) == NOTICE
    assert f"Credential={ALIYUN_KEY_ID}," in request.headers["Authorization"]  # signed with the configured key
    assert biz_id == "900001^0"


def test_aliyun_sends_only_the_variables_a_template_lists(app, aliyun):
    send(app, template="SMS_200/code", params={"code": "493817"})

    assert json.loads(aliyun.requests[0].params["TemplateParam"]) == {"code": "493817"}


@pytest.mark.parametrize("code", ["isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "Throttling.User"])
def test_aliyun_flow_control_is_a_retryable_failure(app, aliyun, code):
    aliyun.answer("SendSms", Answer(code=code, status=400 if code.startswith("Throttling") else 200))

    error = failure(app)

    assert isinstance(error, Retryable) and error.code == code


@pytest.mark.parametrize("code", ["isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL"])
def test_aliyun_an_invalid_number_or_an_unapproved_template_or_signature_is_permanent(app, aliyun, code):
    aliyun.answer("SendSms", Answer(code=code))

    error = failure(app)

    assert isinstance(error, Permanent) and error.code == code


def test_aliyun_a_refused_key_is_permanent(app, aliyun):
    aliyun.answer("SendSms", Answer(code="InvalidAccessKeyId.NotFound", status=404))

    error = failure(app)

    assert isinstance(error, Permanent) and error.code == "InvalidAccessKeyId.NotFound"


@pytest.mark.parametrize(
    "answer", [Answer(code="ServiceUnavailable", status=503), Answer(status=502, body="<html>Bad Gateway</html>")]
)
def test_aliyun_a_server_error_is_retryable_and_tried_once(app, aliyun, answer):
    aliyun.answer("SendSms", answer)

    error = failure(app)

    assert isinstance(error, Retryable)
    assert len(aliyun.requests) == 1  # the SDK does not retry behind the delivery's back


def test_aliyun_a_timeout_is_retryable_after_sms_timeout_s(app, aliyun):
    aliyun.answer("SendSms", Answer(hang=True))
    started = time.monotonic()

    error = failure(app)

    assert isinstance(error, Retryable) and error.code == "timeout"
    assert time.monotonic() - started < 3  # SMS_TIMEOUT_S is 0.5 s here
    assert len(aliyun.requests) == 1


def test_aliyun_receipts_are_read_per_number_and_day_and_matched_by_out_id(app, aliyun):
    details = [
        {"OutId": "d7", "SendStatus": 3, "ErrCode": "DELIVERED", "PhoneNum": "13800001111"},
        {"OutId": "d8", "SendStatus": 2, "ErrCode": "MK:0001", "PhoneNum": "13800001111"},
        {"OutId": "d9", "SendStatus": 1, "ErrCode": "", "PhoneNum": "13800001111"},  # still waiting
        {"OutId": "d-other", "SendStatus": 3, "ErrCode": "DELIVERED", "PhoneNum": "13800001111"},  # not ours
    ]
    aliyun.answer(
        "QuerySendDetails", Answer(data={"TotalCount": 4, "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}})
    )
    at = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)  # 01:30 the next day in China
    sent = [sms.SentSms(PHONE, f"bz{n}", f"d{n}", at) for n in (7, 8, 9)]

    with app.app_context():
        receipts = sms.sender().receipts(sent)

    (request,) = aliyun.requests
    assert request.action == "QuerySendDetails"
    assert (request.params["PhoneNumber"], request.params["SendDate"]) == ("13800001111", "20261208")
    assert receipts == [sms.Receipt("bz7", True), sms.Receipt("bz8", False, "MK:0001")]


# Tencent Cloud


def test_tencent_sends_the_numbered_parameters_in_the_declared_order_and_returns_the_serial_no(app, tencent):
    serial = send(app, template="1234567")

    (request,) = tencent.requests
    assert request.action == "SendSms" and request.headers["X-Tc-Version"] == "2021-01-11"
    assert request.params["PhoneNumberSet"] == [PHONE]
    assert (request.params["SmsSdkAppId"], request.params["SignName"], request.params["TemplateId"]) == (
        TENCENT_APP_ID,
        SIGN_NAME,
        "1234567",
    )
    assert request.params["TemplateParamSet"] == [NOTICE["task"], NOTICE["time"], NOTICE["link"]]
    assert request.params["SessionContext"] == "d7"
    assert f"Credential={TENCENT_SECRET_ID}/" in request.headers["Authorization"]
    assert serial == "2433:1"


def test_tencent_takes_the_order_a_template_lists(app, tencent):
    send(app, template="1234567/time/task")

    assert tencent.requests[0].params["TemplateParamSet"] == [NOTICE["time"], NOTICE["task"]]


def test_tencent_a_verification_code_template_gets_the_code_alone(app, tencent):
    send(app, template="7654321", params={"code": "493817"})

    assert tencent.requests[0].params["TemplateParamSet"] == ["493817"]


@pytest.mark.parametrize("code", ["LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberDailyLimit"])
def test_tencent_flow_control_is_a_retryable_failure(app, tencent, code):
    tencent.answer("SendSms", Answer(code=code))

    error = failure(app)

    assert isinstance(error, Retryable) and error.code == code


@pytest.mark.parametrize(
    "code",
    [
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "FailedOperation.SignatureIncorrectOrUnapproved",
    ],
)
def test_tencent_an_invalid_number_or_an_unapproved_template_or_signature_is_permanent(app, tencent, code):
    tencent.answer("SendSms", Answer(code=code))

    error = failure(app)

    assert isinstance(error, Permanent) and error.code == code


def test_tencent_a_server_error_is_retryable_and_tried_once(app, tencent):
    tencent.answer("SendSms", Answer(status=502, body="<html>Bad Gateway</html>"))

    error = failure(app)

    assert isinstance(error, Retryable)
    assert len(tencent.requests) == 1


def test_tencent_a_timeout_is_retryable_after_sms_timeout_s(app, tencent):
    tencent.answer("SendSms", Answer(hang=True))
    started = time.monotonic()

    error = failure(app)

    assert isinstance(error, Retryable) and error.code == "ClientNetworkError"
    assert time.monotonic() - started < 3
    assert len(tencent.requests) == 1


def test_tencent_receipts_are_pulled_from_the_report_queue(app, tencent):
    reports = [
        {"SerialNo": "2433:1", "ReportStatus": "SUCCESS", "Description": "用户接收成功", "SessionContext": "d7"},
        {"SerialNo": "2433:2", "ReportStatus": "FAIL", "Description": "用户停机", "SessionContext": "d8"},
    ]
    tencent.answer("PullSmsSendStatus", Answer(data={"PullSmsSendStatusSet": reports}))

    with app.app_context():
        receipts = sms.sender().receipts([])

    (request,) = tencent.requests
    assert request.action == "PullSmsSendStatus"
    assert request.params["SmsSdkAppId"] == TENCENT_APP_ID
    assert receipts == [sms.Receipt("2433:1", True), sms.Receipt("2433:2", False, "用户停机")]


def test_aliyun_receipts_read_every_page_of_a_busy_day(app, aliyun):
    others = [{"OutId": f"x{n}", "SendStatus": 3, "ErrCode": "DELIVERED"} for n in range(50)]
    ours = {"OutId": "d7", "SendStatus": 3, "ErrCode": "DELIVERED"}
    aliyun.answer(
        "QuerySendDetails",
        Answer(data={"TotalCount": 51, "SmsSendDetailDTOs": {"SmsSendDetailDTO": others}}),
        Answer(data={"TotalCount": 51, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [ours]}}),
    )

    with app.app_context():
        receipts = sms.sender().receipts([sms.SentSms(PHONE, "bz7", "d7", datetime(2026, 12, 7, 3, tzinfo=UTC))])

    assert [r.params["CurrentPage"] for r in aliyun.requests] == ["1", "2"]
    assert receipts == [sms.Receipt("bz7", True)]
