"""Alibaba Cloud SMS (SMS_SENDER=aliyun) on the official SDK, alibabacloud-dysmsapi20170525: SendSms with the
registered signature, the template code and its variables as JSON, our out-id as OutId; QuerySendDetails for
delivery receipts.

Alibaba Cloud answers a refused message with HTTP 200 and a ``Code`` other than "OK": flow control
(isv.BUSINESS_LIMIT_CONTROL...) is worth trying again later, an invalid number or an unapproved template is not.
"""

import json
from collections import defaultdict
from datetime import UTC
from zoneinfo import ZoneInfo

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import utils_models
from darabonba.runtime import RuntimeOptions
from flask import current_app

from volunteer_hub.messaging.errors import Permanent, Retryable, SendFailed
from volunteer_hub.messaging.sms import Receipt, SentSms, endpoint, split_template

# Flow control and the platform's own trouble: the same message may go through later.
RETRYABLE_CODES = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",  # per number: 1/minute, 5/hour, 10/day (codes); 50/day per template
        "isv.DAY_LIMIT_CONTROL",
        "isv.MONTH_LIMIT_CONTROL",
        "isv.AMOUNT_NOT_ENOUGH",  # the account ran out of credit: topped up, the message can go
        "isv.OUT_OF_SERVICE",
        "isp.SYSTEM_ERROR",
        "isp.GATEWAY_ERROR",
        "SignatureNonceUsed",
    }
)
PROVIDER_ZONE = ZoneInfo("Asia/Shanghai")  # QuerySendDetails' SendDate is the day in China
PAGE_SIZE = 50  # QuerySendDetails' maximum; one number gets far fewer notices a day
SEND_STATUS_FAILED, SEND_STATUS_DELIVERED = 2, 3  # 1 is "waiting for the receipt"


def classify(code: str, message: str) -> SendFailed:
    """The error to raise for a refusal with Alibaba Cloud's ``code``."""
    if code in RETRYABLE_CODES or code.startswith(("Throttling", "isp.")) or code == "ServiceUnavailable":
        return Retryable(message, code=code)
    return Permanent(message, code=code)


def number(phone: str) -> str:
    """Alibaba Cloud's form of an E.164 number: 11 digits for mainland China, else the country code and number."""
    return phone[3:] if phone.startswith("+86") else phone.lstrip("+")


def _client() -> tuple[Client, RuntimeOptions]:
    config = current_app.config
    protocol, host = endpoint(config["ALIYUN_SMS_ENDPOINT"])
    timeout_ms = int(config["SMS_TIMEOUT_S"] * 1000)
    client = Client(
        utils_models.Config(
            access_key_id=config["ALIBABA_CLOUD_ACCESS_KEY_ID"],
            access_key_secret=config["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
            endpoint=host,
            protocol=protocol,
            connect_timeout=timeout_ms,
            read_timeout=timeout_ms,
        )
    )
    # The SDK does not retry unless told to: a second try is the delivery's own back-off, never a hidden one.
    return client, RuntimeOptions(connect_timeout=timeout_ms, read_timeout=timeout_ms)


def _call(method, request):
    """Call the SDK; an exception becomes Retryable (timeout, 5xx, throttled) or Permanent (refused)."""
    client, runtime = _client()
    try:
        return getattr(client, method)(request, runtime).body
    except Exception as exc:  # the SDK's exceptions share no base class but Exception
        code = str(getattr(exc, "code", "") or "")
        status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None)
        if code and code != "None" and (status is None or status < 500):
            raise classify(code, f"Alibaba Cloud refused {method}: {getattr(exc, 'message', exc)}") from None
        reason = f"status {status}" if status else exc.__class__.__name__
        raise Retryable(f"Alibaba Cloud unreachable or failing ({reason})", code=str(status or "timeout")) from None


class AliyunSmsSender:
    """SMS_SENDER=aliyun: ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, SMS_SIGN_NAME, SMS_TEMPLATES, ALIYUN_SMS_ENDPOINT."""

    name = "aliyun"

    def send(self, phone: str, template: str, params: dict[str, str], *, text: str, out_id: str) -> str:
        """SendSms; returns Alibaba Cloud's BizId."""
        code, variables = split_template(template, params)
        body = _call(
            "send_sms_with_options",
            models.SendSmsRequest(
                phone_numbers=number(phone),
                sign_name=current_app.config["SMS_SIGN_NAME"],
                template_code=code,
                template_param=json.dumps(dict(variables), ensure_ascii=False),
                out_id=out_id,
            ),
        )
        if body.code != "OK":
            raise classify(body.code or "", f"Alibaba Cloud refused the message: {body.message}")
        return body.biz_id

    def receipts(self, sent: list[SentSms]) -> list[Receipt]:
        """QuerySendDetails once per number and day, matched to our messages by OutId."""
        by_day: dict[tuple[str, str], dict[str, SentSms]] = defaultdict(dict)
        for item in sent:
            sent_at = item.sent_at if item.sent_at.tzinfo else item.sent_at.replace(tzinfo=UTC)  # SQLite: naive UTC
            day = sent_at.astimezone(PROVIDER_ZONE).strftime("%Y%m%d")
            by_day[(number(item.phone), day)][item.out_id] = item
        receipts = []
        for (phone, day), ours in by_day.items():
            for detail in _details(phone, day):
                message = ours.get(detail.out_id or "")
                if message is None or detail.send_status not in (SEND_STATUS_FAILED, SEND_STATUS_DELIVERED):
                    continue
                delivered = detail.send_status == SEND_STATUS_DELIVERED
                receipts.append(Receipt(message.provider_id, delivered, None if delivered else detail.err_code))
        return receipts


def _details(phone: str, day: str, max_pages: int = 4) -> list:
    """Every message Alibaba Cloud sent to ``phone`` on ``day`` (yyyymmdd), a page of PAGE_SIZE at a time."""
    details: list = []
    for page in range(1, max_pages + 1):
        body = _call(
            "query_send_details_with_options",
            models.QuerySendDetailsRequest(phone_number=phone, send_date=day, page_size=PAGE_SIZE, current_page=page),
        )
        if body.code != "OK":
            raise classify(body.code or "", f"Alibaba Cloud refused QuerySendDetails: {body.message}")
        dtos = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else None
        details.extend(dtos or [])
        if not dtos or len(details) >= int(body.total_count or 0):
            return details
    return details
