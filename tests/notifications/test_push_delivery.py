"""Web Push against a local push endpoint on 127.0.0.1 that does what a push service does with our request: it
checks the VAPID signature (RFC 8292) and the browser decrypts the payload (RFC 8291, aes128gcm) with its own keys,
here the test's. A push service answering 404/410 means the browser unsubscribed: the subscription is forgotten."""

import base64
import json
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pytest_httpserver import URIPattern
from werkzeug import Response

from tests.notifications.conftest import Browser
from volunteer_hub.extensions import db
from volunteer_hub.notifications import services as notifications
from volunteer_hub.notifications import subscriptions
from volunteer_hub.notifications.models import Delivery, Notification, PushSubscription


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class UnderPush(URIPattern):
    def match(self, uri: str) -> bool:
        return uri.startswith("/push/")


@pytest.fixture
def push_service(app, httpserver, monkeypatch):
    """The stand-in push service: records each request and answers with the status a test chooses per path."""
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK", True)  # the stand-in listens on 127.0.0.1
    received, statuses = [], {}

    def handle(request):
        received.append(request)
        return Response(status=statuses.get(request.path, 201))

    httpserver.expect_request(UnderPush()).respond_with_handler(handle)
    httpserver.received, httpserver.statuses = received, statuses
    httpserver.endpoint = lambda name: f"http://127.0.0.1:{httpserver.port}/push/{name}"
    return httpserver


@pytest.fixture
def promotion(app, api, make_task, make_user, api_token):
    """promote() cancels the only confirmed place: the waitlisted volunteer is promoted and notified."""
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 1)], title="东门卡口值守").shifts[0].id
    holder, waiter = api_token(make_user("甲")), make_user("乙", quiet_start_min=None, quiet_end_min=None)
    held = api.post(f"/shifts/{shift_id}/claims", token=holder).json
    assert api.post(f"/shifts/{shift_id}/claims", token=api_token(waiter)).json["status"] == "waitlisted"

    def promote():
        assert api.delete(f"/claims/{held['id']}", token=holder).status_code == 200
        return waiter

    return promote


def subscribe(app, user, endpoint, browser):
    with app.test_request_context():
        return subscriptions.subscribe(user, endpoint, browser.keys["p256dh"], browser.keys["auth"]).id


def deliver(app, user) -> Delivery:
    """Plan the person's notification's deliveries and send the push one, as the worker's jobs do."""
    with app.test_request_context():
        note = db.session.execute(sa.select(Notification).where(Notification.user_id == user.id)).scalar_one()
        notifications.plan([note.id])
        delivery = db.session.execute(
            sa.select(Delivery).where(Delivery.notification_id == note.id, Delivery.channel == "push")
        ).scalar_one()
        notifications.send(delivery.id)
        db.session.expire_all()
        delivery = db.session.get(Delivery, delivery.id)
        db.session.expunge(delivery)
        return delivery


def remaining(app, user) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(sa.select(PushSubscription.endpoint).where(PushSubscription.user_id == user.id))
            .scalars()
            .all()
        )


def verify_vapid(authorization: str, public_key: str, audience: str) -> dict:
    """What a push service checks: the JWT is signed (ES256) by the key in k=, for this push service's origin."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    claims = json.loads(unb64(claims))
    assert claims["aud"] == audience and claims["exp"] > time.time()
    return claims


def test_a_promoted_volunteer_gets_an_encrypted_signed_push_that_opens_the_task(
    app, vapid, push_service, promotion, make_user
):
    browser = Browser()
    waiter = promotion()
    subscribe(app, waiter, push_service.endpoint("phone"), browser)

    delivery = deliver(app, waiter)

    assert (delivery.status, delivery.provider_id) == ("sent", f"d{delivery.id}")
    (request,) = push_service.received
    claims = verify_vapid(request.headers["Authorization"], vapid, f"http://127.0.0.1:{push_service.port}")
    assert claims["sub"] == "mailto:ops@example.org"
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert int(request.headers["TTL"]) > 0 and request.headers["Topic"] == f"d{delivery.id}"
    payload = browser.decrypt(request.get_data())
    with app.app_context():
        note = db.session.get(Notification, delivery.notification_id)
    assert payload["title"] == "志愿服务平台"
    assert "东门卡口值守" in payload["body"] and note.kind == "claim_promoted"
    assert payload["url"].endswith(f"/tasks/{note.task_id}") and payload["tag"] == f"n{note.id}"


@pytest.mark.parametrize("status", [404, 410])
def test_a_browser_the_push_service_no_longer_knows_is_forgotten_and_nothing_counts_as_sent(
    app, vapid, push_service, promotion, status
):
    waiter = promotion()
    subscribe(app, waiter, push_service.endpoint("old-phone"), Browser())
    push_service.statuses["/push/old-phone"] = status

    delivery = deliver(app, waiter)

    assert (delivery.status, delivery.reason) == ("suppressed", "no_subscription")
    assert remaining(app, waiter) == []


def test_a_gone_browser_is_forgotten_while_the_persons_other_browser_still_gets_the_message(
    app, vapid, push_service, promotion
):
    waiter = promotion()
    subscribe(app, waiter, push_service.endpoint("old-phone"), Browser())
    subscribe(app, waiter, push_service.endpoint("new-phone"), Browser())
    push_service.statuses["/push/old-phone"] = 410

    delivery = deliver(app, waiter)

    assert delivery.status == "sent"
    assert remaining(app, waiter) == [push_service.endpoint("new-phone")]
    assert sorted(r.path for r in push_service.received) == ["/push/new-phone", "/push/old-phone"]


def test_a_push_service_failing_with_5xx_is_tried_again_later_and_the_browser_is_kept(
    app, vapid, push_service, promotion
):
    waiter = promotion()
    subscribe(app, waiter, push_service.endpoint("phone"), Browser())
    push_service.statuses["/push/phone"] = 503

    delivery = deliver(app, waiter)

    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.not_before is not None and "503" in delivery.last_error
    assert remaining(app, waiter) == [push_service.endpoint("phone")]

    push_service.statuses["/push/phone"] = 201
    with app.test_request_context():
        db.session.execute(sa.update(Delivery).where(Delivery.id == delivery.id).values(not_before=None))
        db.session.commit()
        notifications.send(delivery.id)
        assert db.session.get(Delivery, delivery.id).status == "sent"
    assert len(push_service.received) == 2


def test_without_a_vapid_key_no_push_delivery_is_planned(app, promotion):
    waiter = promotion()
    with app.test_request_context():
        note = db.session.execute(sa.select(Notification).where(Notification.user_id == waiter.id)).scalar_one()
        notifications.plan([note.id])
        channels = set(
            db.session.execute(sa.select(Delivery.channel).where(Delivery.notification_id == note.id)).scalars()
        )
    assert "push" not in channels and "sms" in channels


def test_a_gone_browser_is_forgotten_even_when_the_persons_other_browser_asks_for_a_retry(
    app, vapid, push_service, promotion
):
    waiter = promotion()
    subscribe(app, waiter, push_service.endpoint("old-phone"), Browser())
    subscribe(app, waiter, push_service.endpoint("new-phone"), Browser())
    push_service.statuses.update({"/push/old-phone": 410, "/push/new-phone": 503})

    delivery = deliver(app, waiter)

    assert delivery.status == "queued" and delivery.not_before is not None
    assert remaining(app, waiter) == [push_service.endpoint("new-phone")]
