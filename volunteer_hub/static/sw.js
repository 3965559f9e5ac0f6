// Volunteer Hub service worker (served at /sw.js, scope: the whole site). It shows Web Push notifications and
// opens their page on a tap, keeps the few pages that must work without a network (today's check-in page, forms
// marked data-offline-form) and sends the actions queued on the phone when the network returns (Background Sync).
// Every other page goes to the network untouched: pages with personal data are never cached (docs/POSTS.md).
'use strict';

// Bump the version when the queue code changes: importScripts are cached with this script.
var QUEUE_SCRIPTS = ['/static/vendor/idb-keyval/idb-keyval.umd.js?v=6.3.0', '/static/js/offline-queue.js?v=2'];
var PAGES = 'vh-offline-pages-v1';  // the pages a page asked to keep, each with X-VH-Until (when to drop it)
var ASSETS = 'vh-offline-assets-v1';  // the hashed, public CSS/JS those pages need (immutable URLs)
try { importScripts.apply(self, QUEUE_SCRIPTS); } catch (e) { /* no queue: pages send online as before */ }

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) {
  event.waitUntil(Promise.all([self.clients.claim(), dropExpired(), dropOldCaches()]));
});

function dropOldCaches() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('vh-offline-') === 0 && name !== PAGES && name !== ASSETS;
    }).map(function (name) { return caches.delete(name); }));
  });
}

function expired(response) {
  var until = Date.parse(response.headers.get('X-VH-Until') || '');
  return !(until > Date.now());
}

function dropExpired() {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return cache.match(request).then(function (response) {
          if (!response || expired(response)) return cache.delete(request);
        });
      }));
    });
  });
}

// A copy of a page's response marked with when to drop it.
function stamped(response, until) {
  return response.text().then(function (text) {
    var headers = new Headers(response.headers);
    // The text is decoded already: the stored copy is neither compressed nor of the original length.
    headers.delete('Content-Encoding');
    headers.delete('Content-Length');
    headers.set('X-VH-Until', until);
    return new Response(text, {status: 200, headers: headers});
  });
}

// Keep a page: fetched again (with the session cookie) so the stored copy is the server's own answer.
function keepPage(url, until, assets) {
  return caches.open(PAGES).then(function (cache) {
    return fetch(url, {credentials: 'same-origin'}).then(function (response) {
      if (!response.ok || response.redirected) return cache.delete(url);
      return stamped(response, until).then(function (copy) { return cache.put(url, copy); });
    });
  }).then(function () {
    return caches.open(ASSETS).then(function (cache) {
      return Promise.all((assets || []).map(function (asset) {
        return cache.match(asset).then(function (hit) { return hit || cache.add(asset); });
      }));
    });
  }).catch(function () { /* offline now: the next visit online tries again */ });
}

function forgetPage(url) {
  return caches.open(PAGES).then(function (cache) { return cache.delete(url); });
}

// Pages a page asked to keep: network first (the page always shows the server's state when it can), the kept
// copy when the network fails, until it expires. Other pages are not touched.
function navigate(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request.url).then(function (kept) {
      if (!kept) return fetch(request);
      return fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var until = kept.headers.get('X-VH-Until');
          return stamped(response.clone(), until).then(function (copy) {
            return cache.put(request.url, copy);
          }).then(function () { return response; });
        }
        return cache.delete(request.url).then(function () { return response; });
      }, function (error) {
        if (expired(kept)) return cache.delete(request.url).then(function () { throw error; });
        return kept;
      });
    });
  });
}

function asset(request) {
  return caches.open(ASSETS).then(function (cache) {
    return cache.match(request).then(function (hit) { return hit || fetch(request); });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && request.method === 'POST' && url.pathname === '/logout') {
    // Logging out drops every kept page (another person may use this phone next), and nobody owns the queue until
    // the next sign-in: what this person queued waits for them, unseen and unsent.
    event.waitUntil(Promise.all([caches.delete(PAGES), self.vhQueue && self.vhQueue.supported ? self.vhQueue.setOwner('') : null]));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') { event.respondWith(navigate(request)); return; }
  if (url.pathname.indexOf('/assets/') === 0) event.respondWith(asset(request));
});

self.addEventListener('message', function (event) {
  var message = event.data || {};
  if (event.origin && event.origin !== self.location.origin) return;
  if (message.type === 'keep') event.waitUntil(keepPage(message.url, message.until, message.assets));
  else if (message.type === 'forget') event.waitUntil(forgetPage(message.url));
  else if (message.type === 'flush') event.waitUntil(flush());
});

// Tell the open pages what happened, so they show it (and reload after something was recorded).
function tell(result) {
  return self.clients.matchAll({type: 'window'}).then(function (tabs) {
    tabs.forEach(function (tab) { tab.postMessage({type: 'vh-queue', result: result}); });
    return result;
  });
}

function flush() {
  if (!self.vhQueue || !self.vhQueue.supported) return Promise.resolve();
  return self.vhQueue.flush(null).then(tell);
}

// Background Sync (Chromium-based browsers): the browser wakes us when the network returns, even with the page
// closed. Throwing asks the browser to retry later.
self.addEventListener('sync', function (event) {
  if (event.tag !== 'vh-offline') return;
  event.waitUntil(flush().then(function (result) {
    if (result && result.waiting) throw new Error('still waiting');
  }));
});

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
