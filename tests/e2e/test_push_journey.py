"""Web Push in a real browser: the profile page registers the service worker at the site's root and hands this
browser's subscription to the server; a push message handed to the worker (DevTools' ServiceWorker.
deliverPushMessage, standing in for the push service) shows a notification that leads to the task.

Headless Chromium here has no push service to register with (Chrome's is Google's, and the machine is offline), so
the first test stands in for that registration: PushManager.subscribe answers with a subscription made of keys the
test generated, as the push service's answer would. Everything after it (the page's request with its CSRF token,
the server's checks, the page's state) is real. A tap on a notification cannot be made from automation (DevTools
has no command for it and a script-made notificationclick may not open windows), so the second test follows the
link the notification carries, computed by the worker's own code, instead of tapping.
"""

import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from volunteer_hub.messaging.push import b64url

VOLUNTEER = "13800138012"  # 张伟, a demo volunteer


def push_state(device) -> str:
    device.page.wait_for_function(
        "() => !['checking', 'wait'].includes(document.querySelector('[data-push]').dataset.pushState)"
    )
    return device.page.get_attribute("[data-push]", "data-push-state")


def test_the_profile_page_subscribes_this_browser_to_push(phone, live_server):
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    subscription = {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/e2e-{os.urandom(6).hex()}",
        "expirationTime": None,
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }
    device = phone()
    device.context.grant_permissions(["notifications"], origin=live_server)
    device.context.add_init_script(
        "PushManager.prototype.subscribe = function (options) {"
        "  window.__applicationServerKey = new Uint8Array(options.applicationServerKey).length;"
        f"  var json = {json.dumps(subscription)};"
        "  return Promise.resolve({endpoint: json.endpoint, toJSON: function () { return json; }});"
        "};"
    )
    device.login(VOLUNTEER)
    device.go("/me")
    assert push_state(device) == "off"
    saved = []
    device.page.on("response", lambda r: saved.append(r.status) if r.url.endswith("/me/push-subscriptions") else None)

    device.page.get_by_role("button", name="在此设备接收推送").click()

    assert push_state(device) == "on"
    assert saved == [201]
    assert device.page.evaluate("window.__applicationServerKey") == 65  # the site's VAPID public key, decoded
    assert "本设备已开启推送通知。" in device.page.inner_text("[data-push-status]")
    assert device.page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == live_server + "/"


def test_a_push_message_shows_a_notification_that_leads_to_the_task(phone, live_server):
    device = phone()
    device.context.grant_permissions(["notifications"], origin=live_server)
    devtools = device.context.new_cdp_session(device.page)
    registrations = {}
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]}),
    )
    devtools.send("ServiceWorker.enable")
    device.login(VOLUNTEER)
    device.go("/tasks")
    task = device.page.locator("a.card[href^='/tasks/']").first
    title, task_path = task.locator(".card-title").inner_text(), task.get_attribute("href")
    device.go("/me")  # registers /sw.js
    device.page.evaluate("navigator.serviceWorker.ready")
    # What notifications/channels.py send_push posts.
    message = {
        "title": "志愿服务平台",
        "body": f"您已从候补转为正式：{title}",
        "tag": "n7",
        "url": live_server + task_path,
    }

    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registrations[live_server + "/"], "data": json.dumps(message)},
    )

    shown = []
    for _ in range(50):
        shown = device.page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"
        )
        if shown:
            break
        device.page.wait_for_timeout(100)
    (shown,) = shown
    assert shown == {"title": message["title"], "body": message["body"], "tag": "n7", "url": message["url"]}
    (worker,) = device.context.service_workers  # a link to another host never leaves the site
    assert worker.evaluate("target('https://evil.example/tasks/1?x=1')") == live_server + "/tasks/1?x=1"

    device.page.goto(shown["url"])

    assert device.page.url == live_server + task_path and title in device.page.title()
