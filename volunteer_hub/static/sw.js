// Volunteer Hub service worker (served at /sw.js, scope: the whole site). It shows Web Push notifications and
// opens their page on a tap. It caches nothing: every page needs the server anyway.
'use strict';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

// The payload is the JSON that notifications/channels.py send_push builds: {title, body, url, tag}.
function parse(data) {
  if (!data) return {};
  try { return data.json() || {}; } catch (e) { return {body: data.text()}; }
}

// Only a page of this site is ever opened: the path of the link, on our own origin.
function target(url) {
  var link;
  try { link = new URL(url || '/', self.location.origin); } catch (e) { return self.location.origin + '/'; }
  return self.location.origin + link.pathname + link.search + link.hash;
}

self.addEventListener('push', function (event) {
  var message = parse(event.data);
  event.waitUntil(self.registration.showNotification(message.title || 'Volunteer Hub', {
    body: message.body || '',
    tag: message.tag || '',
    renotify: !!message.tag,
    icon: '/static/icons/icon-192.png',
    badge: '/static/icons/badge-96.png',
    lang: message.lang || '',
    data: {url: target(message.url)}
  }));
});

// A tap focuses a tab already showing the page, else opens it.
self.addEventListener('notificationclick', function (event) {
  var url = target(event.notification.data && event.notification.data.url);
  event.notification.close();
  event.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then(function (tabs) {
    for (var i = 0; i < tabs.length; i++) {
      if (tabs[i].url === url && 'focus' in tabs[i]) return tabs[i].focus();
    }
    return self.clients.openWindow(url);
  }));
});
