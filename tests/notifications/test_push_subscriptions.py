"""Subscribing a browser to Web Push (API with a bearer token, page with the session and its CSRF token), the
VAPID keys a deployment gets, and what makes the site installable (manifest, icons, service worker)."""

import re
import stat

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import csrf_token
from tests.notifications.conftest import Browser
from volunteer_hub import config as settings
from volunteer_hub.extensions import db
from volunteer_hub.messaging.push import b64url, new_private_key, public_key_for
from volunteer_hub.notifications.models import PushSubscription
from volunteer_hub.notifications.subscriptions import MAX_PER_USER

FCM = "https://fcm.googleapis.com/fcm/send/"


def browser_keys() -> dict:
    return Browser().keys


def body(endpoint=FCM + "abc", **keys) -> dict:
    return {"endpoint": endpoint, "keys": {**browser_keys(), **keys}}


@pytest.fixture
def person(make_user, api_token):
    user = make_user()
    user.token = api_token(user)
    return user


def stored(app, user=None) -> list[PushSubscription]:
    with app.app_context():
        query = sa.select(PushSubscription).order_by(PushSubscription.id)
        if user is not None:
            query = query.where(PushSubscription.user_id == user.id)
        rows = list(db.session.execute(query).scalars())
        db.session.expunge_all()
        return rows


def test_a_browser_subscribes_with_what_push_subscription_to_json_gives(app, api, vapid, person):
    sent = {**body(), "expirationTime": None}

    response = api.post("/me/push-subscriptions", json=sent, token=person.token)

    assert response.status_code == 201
    (row,) = stored(app, person)
    assert response.json == {"id": row.id}
    assert row.info == {"endpoint": sent["endpoint"], "keys": sent["keys"]}


def test_subscribing_the_same_browser_again_refreshes_its_keys_under_the_same_id(app, api, vapid, person):
    first = api.post("/me/push-subscriptions", json=body(), token=person.token).json["id"]
    again = body()

    response = api.post("/me/push-subscriptions", json=again, token=person.token)

    assert response.status_code == 201 and response.json["id"] == first
    (row,) = stored(app, person)
    assert row.p256dh == again["keys"]["p256dh"] and row.auth == again["keys"]["auth"]


def test_a_browser_someone_else_subscribed_before_now_belongs_to_whoever_subscribed_last(
    app, api, vapid, person, make_user, api_token
):
    other = api_token(make_user())
    api.post("/me/push-subscriptions", json=body(), token=other)

    api.post("/me/push-subscriptions", json=body(), token=person.token)

    (row,) = stored(app)
    assert row.user_id == person.id


def test_past_the_limit_the_least_recently_used_browser_is_forgotten(app, api, vapid, person):
    for n in range(MAX_PER_USER + 1):
        assert api.post("/me/push-subscriptions", json=body(f"{FCM}{n}"), token=person.token).status_code == 201

    endpoints = [row.endpoint for row in stored(app, person)]
    assert len(endpoints) == MAX_PER_USER and f"{FCM}0" not in endpoints and f"{FCM}{MAX_PER_USER}" in endpoints


def test_a_browser_is_forgotten_on_request_and_only_by_its_owner(app, api, vapid, person, make_user, api_token):
    other = api_token(make_user())
    theirs = api.post("/me/push-subscriptions", json=body(FCM + "theirs"), token=other).json["id"]
    mine = api.post("/me/push-subscriptions", json=body(), token=person.token).json["id"]

    assert api.delete(f"/me/push-subscriptions/{theirs}", token=person.token).status_code == 404
    assert api.delete(f"/me/push-subscriptions/{mine}", token=person.token).status_code == 204
    assert api.delete(f"/me/push-subscriptions/{mine}", token=person.token).status_code == 404

    assert [row.id for row in stored(app)] == [theirs]


def test_subscribing_needs_a_bearer_token(api, vapid):
    assert api.post("/me/push-subscriptions", json=body()).status_code == 401
    assert api.delete("/me/push-subscriptions/1").status_code == 401


@pytest.mark.parametrize(
    ("endpoint", "keys", "field"),
    [
        ("http://fcm.googleapis.com/fcm/send/abc", {}, "endpoint"),  # not https
        ("https://10.0.0.5/push", {}, "endpoint"),  # the server would post into its own network
        ("https://[::1]/push", {}, "endpoint"),
        ("https://localhost/push", {}, "endpoint"),
        ("http://127.0.0.1:8080/push", {}, "endpoint"),
        ("https://metadata.internal/push", {}, "endpoint"),
        ("https://user:pw@push.example.com/x", {}, "endpoint"),
        ("https://" + "a" * 1000 + ".com/", {}, "endpoint"),
        ("not a url", {}, "endpoint"),
        (FCM + "a b", {}, "endpoint"),
        (FCM + "a\u00a0b", {}, "endpoint"),
        (FCM + "abc", {"p256dh": b64url(b"\x04" + b"\x01" * 64)}, "keys.p256dh"),  # not a point on the curve
        (FCM + "abc", {"p256dh": "***"}, "keys.p256dh"),
        (FCM + "abc", {"auth": b64url(b"short")}, "keys.auth"),
    ],
)
def test_what_cannot_be_a_browser_subscription_is_400_naming_the_field(app, api, vapid, person, endpoint, keys, field):
    response = api.post("/me/push-subscriptions", json=body(endpoint, **keys), token=person.token)

    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"]
    assert stored(app) == []


def test_a_deployment_may_accept_only_the_push_services_it_names(app, api, vapid, person, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_SERVICE_HOSTS", ("googleapis.com", "push.services.mozilla.com"))

    firefox = "https://updates.push.services.mozilla.com/wpush/v2/abc"
    assert api.post("/me/push-subscriptions", json=body(firefox), token=person.token).status_code == 201
    assert api.post("/me/push-subscriptions", json=body(FCM + "x"), token=person.token).status_code == 201
    other = api.post("/me/push-subscriptions", json=body("https://push.example.com/x"), token=person.token)
    assert other.status_code == 400 and "endpoint" in other.json["error"]["fields"]


def test_a_body_without_keys_is_400(api, vapid, person):
    response = api.post("/me/push-subscriptions", json={"endpoint": FCM + "abc"}, token=person.token)

    assert response.status_code == 400 and "keys" in response.json["error"]["fields"]


def test_without_a_vapid_key_subscribing_is_409(app, api, person):
    response = api.post("/me/push-subscriptions", json=body(), token=person.token)

    assert response.status_code == 409 and response.json["error"]["code"] == "push_unavailable"
    assert stored(app) == []


def test_the_profile_page_offers_push_with_the_sites_public_key_and_subscribes_with_its_csrf_token(
    app, client, login, vapid, make_user
):
    user = make_user()
    login(user)
    html = client.get("/me").get_data(as_text=True)
    assert f'data-key="{vapid}"' in html and "在此设备接收推送" in html
    token = re.search(r'data-csrf="([^"]+)"', html).group(1)

    refused = client.post("/me/push-subscriptions", json=body())
    response = client.post("/me/push-subscriptions", json=body(), headers={"X-CSRFToken": token})

    assert refused.status_code == 400
    assert response.status_code == 201
    (row,) = stored(app, user)
    assert response.json == {"id": row.id}
    assert client.delete(f"/me/push-subscriptions/{row.id}", headers={"X-CSRFToken": token}).status_code == 204
    assert stored(app) == []


def test_the_profile_page_says_nothing_of_push_where_the_site_has_no_key(client, login, make_user):
    login(make_user())

    assert "data-push" not in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize(
    "sent",
    [
        {"endpoint": "https://10.1.1.1/x"},
        {"endpoint": FCM + "a\u0000b", "keys": browser_keys()},
        {"endpoint": 7, "keys": {"p256dh": ["x"], "auth": None}},
        {"endpoint": FCM + "a", "keys": {"p256dh": "é" * 87, "auth": "ü" * 22}},
        [1, 2],
    ],
)
def test_the_page_endpoint_refuses_a_bad_subscription_like_the_api(app, client, login, vapid, make_user, sent):
    login(make_user())
    token = csrf_token(client, "/me")

    response = client.post("/me/push-subscriptions", json=sent, headers={"X-CSRFToken": token})

    assert response.status_code == 400
    assert stored(app) == []


# The deployment's keys


def test_a_single_machine_generates_its_vapid_key_once_readable_only_by_its_owner(tmp_path):
    local = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db'}"}

    first = settings.vapid_keys(local, str(tmp_path))
    second = settings.vapid_keys(local, str(tmp_path))

    assert first == second and first["VAPID_PUBLIC_KEY"] == public_key_for(first["VAPID_PRIVATE_KEY"])
    assert stat.S_IMODE((tmp_path / "vapid_private_key").stat().st_mode) == 0o600


def test_a_multi_process_deployment_without_a_key_has_no_push(tmp_path):
    keys = settings.vapid_keys({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/vh"}, str(tmp_path))

    assert keys == {"VAPID_PRIVATE_KEY": "", "VAPID_PUBLIC_KEY": ""}
    assert not (tmp_path / "vapid_private_key").exists()


def test_a_key_from_vapid_gen_pem_file_is_accepted_and_its_public_half_derived(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    keys = settings.vapid_keys(
        {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/vh", "VAPID_PRIVATE_KEY": pem}, str(tmp_path)
    )

    assert keys["VAPID_PUBLIC_KEY"] == b64url(point)


@pytest.mark.parametrize(
    "config",
    [
        {"VAPID_PRIVATE_KEY": "not-a-key"},
        {"VAPID_PRIVATE_KEY": new_private_key(), "VAPID_PUBLIC_KEY": public_key_for(new_private_key())},
    ],
)
def test_a_wrong_or_mismatched_vapid_key_stops_the_start(tmp_path, config):
    with pytest.raises(settings.MissingSetting):
        settings.vapid_keys({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/vh", **config}, str(tmp_path))


# Installable


def test_pages_link_a_manifest_in_their_language_whose_icons_exist(client):
    html = client.get("/tasks").get_data(as_text=True)
    href = re.search(r'<link rel="manifest" href="([^"]+)"', html).group(1)

    response = client.get(href)

    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "志愿服务平台" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"], buffered=True)
        assert image.status_code == 200 and image.mimetype == "image/png"
        image.close()
    assert client.get("/manifest.webmanifest?lang=en").get_json(force=True)["name"] == "Volunteer Hub"


def test_the_service_worker_is_served_from_the_root_as_javascript_and_revalidated(client):
    response = client.get("/sw.js")

    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    assert "addEventListener('push'" in text and "addEventListener('notificationclick'" in text
    for path in re.findall(r"'(/static/icons/[^']+)'", text):  # the icons a notification shows
        image = client.get(path, buffered=True)
        assert image.status_code == 200 and image.mimetype == "image/png", path
        image.close()


def test_logging_out_forgets_the_browser_that_login_subscribed(app, client, login, vapid, make_user):
    """A shared phone: after the volunteer logs out, the next person using it never sees their notifications."""
    user = make_user()
    login(user)
    token = re.search(r'data-csrf="([^"]+)"', client.get("/me").get_data(as_text=True)).group(1)
    assert client.post("/me/push-subscriptions", json=body(), headers={"X-CSRFToken": token}).status_code == 201

    client.post("/logout", data={"csrf_token": csrf_token(client, "/me")})

    assert stored(app, user) == []


def test_revoking_an_api_token_forgets_the_browsers_it_subscribed(app, api, vapid, person, make_user, api_token):
    api.post("/me/push-subscriptions", json=body(FCM + "app"), token=person.token)
    other = make_user()
    kept = api_token(other)
    api.post("/me/push-subscriptions", json=body(FCM + "kept"), token=kept)

    assert api.delete("/auth/token", token=person.token).status_code == 204

    assert stored(app, person) == []
    assert [row.endpoint for row in stored(app, other)] == [FCM + "kept"]
