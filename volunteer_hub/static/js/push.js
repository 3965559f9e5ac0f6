// "Receive notifications on this device": registers /sw.js, subscribes this browser with the site's VAPID key and
// hands the subscription to the server. Loaded only by templates/notifications/_push.html.
(function () {
  'use strict';
  var box = document.querySelector('[data-push]');
  if (!box) return;
  var button = box.querySelector('[data-push-button]');
  var status = box.querySelector('[data-push-status]');

  function say(state) {
    box.dataset.pushState = state;
    status.textContent = box.dataset['msg' + state.charAt(0).toUpperCase() + state.slice(1)] || '';
    button.hidden = !(state === 'off' || state === 'failed');
  }

  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - base64url.length % 4) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function save(subscription) {
    return fetch(box.dataset.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': box.dataset.csrf},
      body: JSON.stringify(subscription.toJSON())
    }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
    });
  }

  // WeChat's built-in browser has no push service (whatever it claims), older browsers no Push API, Safari on an
  // iPhone only once the site is on the home screen, and a page over http (not localhost) none either.
  if (!box.dataset.key || !window.isSecureContext || /MicroMessenger/i.test(navigator.userAgent) ||
      !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say('unsupported');
    return;
  }
  if (Notification.permission === 'denied') { say('denied'); return; }

  var ready = navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(function () {
    return navigator.serviceWorker.ready;
  });

  // A browser subscribed before is handed over again: its keys may have changed, and the device follows whoever
  // is signed in on it (else the last person's notifications would keep showing here).
  ready.then(function (registration) { return registration.pushManager.getSubscription(); })
    .then(function (subscription) {
      if (!subscription || Notification.permission !== 'granted') { say('off'); return; }
      return save(subscription).then(function () { say('on'); });
    })
    .catch(function () { say('off'); });

  button.addEventListener('click', function () {
    say('wait');
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') { say(permission === 'denied' ? 'denied' : 'off'); return; }
      return ready.then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key)
          });
        });
      }).then(save).then(function () { say('on'); });
    }).catch(function () { say('failed'); });
  });
})();
