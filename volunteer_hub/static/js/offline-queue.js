// The queue of actions taken without a network, kept on the phone (IndexedDB through the vendored idb-keyval) and
// sent when the network returns. Shared by the pages (js/offline.js) and the service worker (sw.js, Background
// Sync): no DOM here. Both may send the same item at once; the server records it once (check-ins by the claim's
// conditional update, forms by their client_id), so no lock is needed across them.
//
// An item: {id, owner, type: 'checkin'|'form', url, page, label, created (phone time, ms), state: 'waiting'|'refused',
//           message, token (check-in: X-Offline-Token), data (check-in: JSON body; form: [[name, value], ...])}
// A phone may be shared: every item belongs to the user signed in when it was taken (owner), and only the owner
// signed in now (set by each page, cleared at logout by the worker) sees or sends it. Another person's items wait
// on the phone until they sign in again (the server would refuse them under someone else's session).
(function (scope) {
  'use strict';
  var kv = scope.idbKeyval;
  var supported = !!(kv && scope.indexedDB && scope.fetch && scope.Promise);
  var store = null, ownerStore = null;
  function db() {
    if (!store) store = kv.createStore('vh-offline', 'queue');
    return store;
  }
  function owners() {
    if (!ownerStore) ownerStore = kv.createStore('vh-offline-owner', 'owner');
    return ownerStore;
  }

  // Who is signed in on this phone now ('' when nobody is).
  function owner() {
    return kv.get('owner', owners()).then(function (id) { return id || ''; });
  }
  function setOwner(id) { return id ? kv.set('owner', String(id), owners()) : kv.del('owner', owners()); }

  function newId() {
    return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  }

  // The items of the user signed in now, oldest first.
  function all() {
    return Promise.all([kv.entries(db()), owner()]).then(function (found) {
      var now = found[1];
      return found[0].map(function (pair) { return pair[1]; })
        .filter(function (item) { return now && item.owner === now; })
        .sort(function (a, b) { return a.created - b.created; });
    });
  }

  function add(item) {
    item.id = item.id || newId();
    item.created = item.created || Date.now();
    item.state = 'waiting';
    return kv.set(item.id, item, db()).then(function () { return item; });
  }

  function remove(id) { return kv.del(id, db()); }

  function refuse(item, message) {
    item.state = 'refused';
    item.message = message;
    return kv.set(item.id, item, db());
  }

  function errorOf(response) {
    return response.json().then(function (body) {
      return (body && body.error) || {};
    }, function () { return {}; });
  }

  // One item to the server: 'sent', 'refused' (with a message), 'login' (no session: keep it) or 'retry'.
  function send(item, csrf) {
    var headers = {}, body;
    if (item.type === 'checkin') {
      headers['Content-Type'] = 'application/json';
      headers['X-Offline-Token'] = item.token;
      body = JSON.stringify(item.data);
    } else {
      var params = new URLSearchParams();
      item.data.forEach(function (pair) { params.append(pair[0], pair[1]); });
      if (csrf) { params.set('csrf_token', csrf); headers['X-CSRFToken'] = csrf; }
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = params.toString();
    }
    return fetch(item.url, {method: 'POST', credentials: 'same-origin', headers: headers, body: body})
      .then(function (response) {
        var path = new URL(response.url, scope.location.href).pathname;
        if (response.status === 401 || (response.redirected && path === '/login')) return {state: 'login'};
        if (response.ok) return {state: 'sent'};
        if (response.status >= 500 || response.status === 429 || response.status === 408) return {state: 'retry'};
        return errorOf(response).then(function (error) {
          // A form's CSRF token that no longer matches the session: keep it until a page gives a fresh one.
          if (error.code === 'csrf_failed' && !csrf) return {state: 'login'};
          return {state: 'refused', message: error.message || ('HTTP ' + response.status)};
        });
      }, function () { return {state: 'retry'}; });
  }

  var running = null;

  // Send every waiting item in the order it was taken (a check-in before its check-out); stop at the first one
  // that cannot go yet. Resolves to {sent, refused, waiting} counts.
  function flush(csrf) {
    if (running) return running;
    var result = {sent: 0, refused: 0, waiting: 0};
    running = all().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === 'waiting'; });
      function next(index) {
        if (index >= waiting.length) return result;
        var item = waiting[index];
        return send(item, csrf).then(function (outcome) {
          if (outcome.state === 'sent') { result.sent++; return remove(item.id).then(function () { return next(index + 1); }); }
          if (outcome.state === 'refused') {
            result.refused++;
            return refuse(item, outcome.message).then(function () { return next(index + 1); });
          }
          result.waiting = waiting.length - index;
          return result;
        });
      }
      return next(0);
    }).then(function (done) { running = null; return done; }, function (error) { running = null; throw error; });
    return running;
  }

  scope.vhQueue = {
    supported: supported, all: all, add: add, remove: remove, flush: flush, newId: newId, setOwner: setOwner
  };
})(self);
