"""Local HTTP servers on 127.0.0.1 that stand in for the SMS providers' APIs, for the official SDKs to talk to.

Each keeps every request it received (action, parameters, headers) and answers from a script: by default success;
``answer(action, ...)`` queues the next answers of an action (a provider error code, an HTTP status, or a hang
until the test ends, which the SDK sees as a timeout).
"""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ALIYUN_KEY_ID, ALIYUN_KEY_SECRET = "LTAI-test-key-id", "test-key-secret"
TENCENT_SECRET_ID, TENCENT_SECRET_KEY, TENCENT_APP_ID = "AKID-test-secret-id", "test-secret-key", "1400000001"
SIGN_NAME = "志愿汇"


@dataclass
class Answer:
    code: str | None = None  # the provider's error code; None: success
    status: int = 200
    body: str | None = None  # a raw body (e.g. an HTML error page) instead of the provider's JSON
    hang: bool = False  # never answer (until the test ends)
    data: dict = field(default_factory=dict)  # extra fields of a successful answer


@dataclass
class Received:
    action: str
    params: dict
    headers: dict


class StandIn:
    """The common part: a threaded server, a request log, scripted answers per action."""

    def __init__(self):
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.requests: list[Received] = []
        self.script: dict[str, list[Answer]] = {}
        self.hanging = threading.Event()  # set once a request hangs
        self.release = threading.Event()
        self.counter = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def start(self):
        self.server.expect_request("/").respond_with_handler(self._handle)
        self.server.start()
        return self

    def stop(self):
        self.release.set()
        self.server.clear()
        self.server.stop()

    def answer(self, action: str, *answers: Answer) -> None:
        self.script.setdefault(action, []).extend(answers)

    def sent(self, action: str) -> list[Received]:
        return [r for r in self.requests if r.action == action]

    def _handle(self, request: Request) -> Response:
        action, params = self.parse(request)
        with self.lock:
            self.requests.append(Received(action, params, dict(request.headers)))
            self.counter += 1
            number = self.counter
            queued = self.script.get(action)
            answer = queued.pop(0) if queued else Answer()
        if answer.hang:
            self.hanging.set()
            self.release.wait(60)
            return Response("", status=504)
        if answer.body is not None:
            return Response(answer.body, status=answer.status, content_type="text/html")
        payload = self.render(action, params, answer, number)
        return Response(json.dumps(payload, ensure_ascii=False), status=answer.status, content_type="application/json")


class AliyunStandIn(StandIn):
    """dysmsapi (RPC style, ACS3-HMAC-SHA256): the action in the x-acs-action header, parameters in the query."""

    def parse(self, request):
        return request.headers.get("x-acs-action", ""), dict(request.args)

    def render(self, action, params, answer, number):
        base = {"RequestId": f"req-{number}"}
        if answer.code and answer.code != "OK":
            return {**base, "Code": answer.code, "Message": f"stand-in says {answer.code}"}
        if action == "SendSms":
            return {**base, "Code": "OK", "Message": "OK", "BizId": f"{900000 + number}^0", **answer.data}
        return {**base, "Code": "OK", "Message": "OK", **answer.data}


class TencentStandIn(StandIn):
    """sms 2021-01-11 (TC3-HMAC-SHA256): the action in the X-TC-Action header, parameters as a JSON body."""

    def parse(self, request):
        return request.headers.get("X-TC-Action", ""), json.loads(request.get_data() or b"{}")

    def render(self, action, params, answer, number):
        base = {"RequestId": f"req-{number}"}
        if answer.code and answer.status == 200 and action != "SendSms":
            return {"Response": {**base, "Error": {"Code": answer.code, "Message": f"stand-in says {answer.code}"}}}
        if action == "SendSms":
            if answer.code and answer.code.startswith(("FailedOperation.", "AuthFailure", "UnauthorizedOperation")):
                error = {"Code": answer.code, "Message": f"stand-in says {answer.code}"}
                return {"Response": {**base, "Error": error}}
            status = {
                "SerialNo": f"2433:{number}",
                "PhoneNumber": params["PhoneNumberSet"][0],
                "Fee": 1,
                "SessionContext": params.get("SessionContext", ""),
                "Code": answer.code or "Ok",
                "Message": "send success" if not answer.code else f"stand-in says {answer.code}",
                "IsoCode": "CN",
            }
            return {"Response": {**base, "SendStatusSet": [status]}}
        return {"Response": {**base, **answer.data}}


SETTINGS = {
    "aliyun": {
        "SMS_SENDER": "aliyun",
        "SMS_SIGN_NAME": SIGN_NAME,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ALIYUN_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ALIYUN_KEY_SECRET,
    },
    "tencent": {
        "SMS_SENDER": "tencent",
        "SMS_SIGN_NAME": SIGN_NAME,
        "TENCENTCLOUD_SECRET_ID": TENCENT_SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": TENCENT_SECRET_KEY,
        "TENCENT_SMS_SDK_APP_ID": TENCENT_APP_ID,
        "TENCENT_SMS_REGION": "ap-guangzhou",
    },
}
ENDPOINT = {"aliyun": "ALIYUN_SMS_ENDPOINT", "tencent": "TENCENT_SMS_ENDPOINT"}
KINDS = {"aliyun": AliyunStandIn, "tencent": TencentStandIn}


def settings(provider: str, url: str, *, timeout_s: float = 2.0) -> dict:
    """The settings (as environment variables would give them) of SMS_SENDER=provider against a stand-in."""
    return {**SETTINGS[provider], ENDPOINT[provider]: url, "SMS_TIMEOUT_S": timeout_s}


@contextmanager
def serving(provider: str, app, monkeypatch, *, timeout_s: float = 2.0):
    """Start the provider's stand-in and point the app's SMS sender at it for the test."""
    standin = KINDS[provider]().start()
    for key, value in settings(provider, standin.url, timeout_s=timeout_s).items():
        monkeypatch.setitem(app.config, key, value)
    try:
        yield standin
    finally:
        standin.stop()
