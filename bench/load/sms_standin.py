"""Alibaba Cloud's SMS API (dysmsapi) on 127.0.0.1 for the load run, so the workers send through the real adapter
and its SDK while the bench counts every provider call.

SendSms is recorded the moment it arrives (before the answer: a worker SIGKILLed while it waits has still reached
the provider), then answered "OK" with a BizId after LATENCY, so a fault can land in the middle of a call.
QuerySendDetails reports each accepted message as delivered, so the receipt poller moves records on as it would
in production. Started by bench/load/run.py in its own process: the faults never touch it.
"""

import json
import random
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LATENCY = (0.02, 0.05)  # seconds, uniformly: about what SendSms takes from a Chinese data centre
PAGE_SIZE = 50  # QuerySendDetails' largest page

# What the stack needs to send through Alibaba Cloud (the keys are dummies: the stand-in checks no signature).
SETTINGS = {
    "SMS_SENDER": "aliyun",
    "SMS_SIGN_NAME": "志愿汇",
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-bench-key-id",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "bench-key-secret",
}


class SmsStandIn:
    def __init__(self, latency: tuple[float, float] = LATENCY):
        self.latency = latency
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()  # OutId -> SendSms requests received
        self.biz_ids: dict[str, str] = {}  # OutId -> the BizId last answered
        self.by_phone: dict[str, list[str]] = defaultdict(list)  # number -> OutIds, for QuerySendDetails
        self.other: Counter[str] = Counter()  # other actions (QuerySendDetails...)
        self.hold = threading.Event()  # set: the next SendSms is held (its client port and OutId in ``held``)
        self.held: tuple[int, str] | None = None
        self.let_go = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def settings(self) -> dict[str, str]:
        return {**SETTINGS, "ALIYUN_SMS_ENDPOINT": self.url}

    def start(self) -> "SmsStandIn":
        threading.Thread(target=self.server.serve_forever, name="sms-standin", daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hold_next(self, timeout: float) -> tuple[int, str] | None:
        """Hold the next SendSms unanswered (a slow provider) until let_go is set or 30 s pass; returns its client
        port and OutId once it arrived, or None after timeout seconds without one."""
        self.held, self.let_go = None, threading.Event()
        self.hold.set()
        deadline = time.monotonic() + timeout
        while self.held is None and time.monotonic() < deadline:
            time.sleep(0.01)
        self.hold.clear()
        return self.held

    def send_sms(self, params: dict) -> dict:
        out_id, phone = params.get("OutId", ""), params.get("PhoneNumbers", "")
        with self.lock:
            self.calls[out_id] += 1
            number = sum(self.calls.values())
            biz_id = f"{900000 + number}^0"
            self.biz_ids[out_id] = biz_id
            self.by_phone[phone].append(out_id)
        return {"Code": "OK", "Message": "OK", "BizId": biz_id}

    def query_send_details(self, params: dict) -> dict:
        with self.lock:
            ours = list(self.by_phone.get(params.get("PhoneNumber", ""), []))
        page, size = int(params.get("CurrentPage", 1)), int(params.get("PageSize", PAGE_SIZE))
        details = [
            {"OutId": out_id, "SendStatus": 3, "ErrCode": "DELIVERED", "PhoneNum": params.get("PhoneNumber")}
            for out_id in ours[(page - 1) * size : page * size]
        ]
        dtos = {"SmsSendDetailDTO": details}
        return {"Code": "OK", "Message": "OK", "TotalCount": len(ours), "SmsSendDetailDTOs": dtos}


def _handler(standin: SmsStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """dysmsapi is RPC style: the action in the x-acs-action header, the parameters in the query string."""

        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            action = self.headers.get("x-acs-action", "")
            params = dict(parse_qsl(urlsplit(self.path).query))
            if action == "SendSms":
                body = standin.send_sms(params)
                mine = False
                if standin.hold.is_set():
                    with standin.lock:
                        mine = standin.held is None
                        if mine:
                            standin.held = (self.client_address[1], params.get("OutId", ""))
                if mine:
                    standin.let_go.wait(30)
                time.sleep(random.uniform(*standin.latency))
            else:
                with standin.lock:
                    standin.other[action] += 1
                body = (
                    standin.query_send_details(params)
                    if action == "QuerySendDetails"
                    else {"Code": "OK", "Message": "OK"}
                )
            payload = json.dumps({"RequestId": f"bench-{threading.get_ident()}", **body}, ensure_ascii=False).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the worker was killed while it waited: the call still counts
                pass

        do_GET = do_POST = _answer

        def log_message(self, format, *args):
            pass

    return Handler
