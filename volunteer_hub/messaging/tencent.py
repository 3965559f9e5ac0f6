"""Tencent Cloud SMS (SMS_SENDER=tencent) on the official SDK, tencentcloud-sdk-python-sms: SendSms (API version
2021-01-11) with the SDK app id, the registered signature, the template id and its numbered parameters, our out-id
as SessionContext; PullSmsSendStatus for delivery receipts.

A refused request comes back as an ``Error`` (the SDK raises it); a request accepted whose number was refused has a
``Code`` other than "Ok" in its SendStatusSet. LimitExceeded.* (per-number flow control) is worth trying again later,
an invalid number or an unapproved template or signature is not.
"""

import functools

from flask import current_app
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from volunteer_hub.messaging.errors import Permanent, Retryable, SendFailed
from volunteer_hub.messaging.sms import Receipt, SentSms, endpoint, split_template

# Flow control, the network and Tencent Cloud's own trouble: the same message may go through later. Everything else
# (FailedOperation.*, InvalidParameterValue.*, UnauthorizedOperation.*, AuthFailure.*) will not change by itself.
RETRYABLE_PREFIXES = ("LimitExceeded.", "RequestLimitExceeded", "InternalError", "ClientNetworkError")
RETRYABLE_CODES = frozenset({"ServerNetworkError", "FailedOperation.InsufficientBalanceInSmsPackage"})
PULL_LIMIT = 100  # PullSmsSendStatus' maximum per call


def classify(code: str, message: str) -> SendFailed:
    """The error to raise for a refusal with Tencent Cloud's ``code``."""
    if code in RETRYABLE_CODES or code.startswith(RETRYABLE_PREFIXES):
        return Retryable(message, code=code)
    return Permanent(message, code=code)


def _client() -> sms_client.SmsClient:
    config = current_app.config
    keys = ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENT_SMS_REGION", "TENCENT_SMS_ENDPOINT")
    return _cached_client(*(config[key] for key in keys), config["SMS_TIMEOUT_S"])


@functools.lru_cache(maxsize=4)
def _cached_client(secret_id, secret_key, region, url, timeout_s) -> sms_client.SmsClient:
    """One client per process and settings: it keeps its HTTP connection to Tencent Cloud open between messages."""
    scheme, host = endpoint(url)
    http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=timeout_s, keepAlive=True)
    return sms_client.SmsClient(
        credential.Credential(secret_id, secret_key),
        region,
        ClientProfile(httpProfile=http),  # no retryer: a second try is the delivery's own back-off
    )


def _call(action: str, request):
    try:
        return getattr(_client(), action)(request)
    except TencentCloudSDKException as exc:
        # A timeout or an unreachable host is ClientNetworkError, any answer but 200 is ServerNetworkError.
        raise classify(exc.get_code() or "", f"Tencent Cloud {action}: {exc.get_message()}"[:300]) from None


class TencentSmsSender:
    """SMS_SENDER=tencent: TENCENTCLOUD_SECRET_ID/KEY, TENCENT_SMS_SDK_APP_ID, TENCENT_SMS_REGION, SMS_SIGN_NAME,
    SMS_TEMPLATES (numbered parameters, see messaging.sms), TENCENT_SMS_ENDPOINT."""

    name = "tencent"

    def send(self, phone: str, template: str, params: dict[str, str], *, text: str, out_id: str) -> str:
        """SendSms to one E.164 number; returns Tencent Cloud's SerialNo."""
        config = current_app.config
        template_id, variables = split_template(template, params)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone]
        request.SmsSdkAppId = config["TENCENT_SMS_SDK_APP_ID"]
        request.SignName = config["SMS_SIGN_NAME"]
        request.TemplateId = template_id
        request.TemplateParamSet = [value for _, value in variables]
        request.SessionContext = out_id
        statuses = _call("SendSms", request).SendStatusSet or []
        if not statuses:
            raise Retryable("Tencent Cloud answered without a status for the number", code="no_status")
        status = statuses[0]
        if status.Code != "Ok":
            raise classify(status.Code or "", f"Tencent Cloud refused the message: {status.Message}")
        return status.SerialNo

    def receipts(self, sent: list[SentSms]) -> list[Receipt]:
        """PullSmsSendStatus: the reports queued since the last pull (each is handed out once), whichever message
        they are about; ``sent`` is not needed."""
        request = models.PullSmsSendStatusRequest()
        request.SmsSdkAppId = current_app.config["TENCENT_SMS_SDK_APP_ID"]
        request.Limit = PULL_LIMIT
        reports = _call("PullSmsSendStatus", request).PullSmsSendStatusSet or []
        return [
            Receipt(
                report.SerialNo,
                report.ReportStatus == "SUCCESS",
                None if report.ReportStatus == "SUCCESS" else f"{report.Description}"[:200],
            )
            for report in reports
        ]
