// Working without a network, on the pages that load this file (templates/offline/_scripts.html): the check-in page
// and any form marked data-offline-form. Progressive: without IndexedDB or a service worker (old Android
// WebViews, some WeChat versions) nothing here runs and the pages work online as before.
//
// - The page asks the service worker to keep it (and its CSS/JS) until data-offline-until (else the end of today).
// - Offline, a check-in/check-out or a marked form is queued on the phone with the phone's time (and for a
//   check-in its position and accuracy), listed as "waiting to send", and sent when the network returns: on the
//   online event, on every page load, and by the service worker's Background Sync where the browser has it.
(function () {
  'use strict';
  var Q = window.vhQueue;
  if (!Q || !Q.supported) return;
  var box = document.querySelector('[data-offline-queue]');
  var kept = document.querySelector('[data-offline-page]');
  var worker = null;
  var meta = document.querySelector('meta[name="vh-owner"]');
  var me = meta ? meta.getAttribute('content') : '';
  var ready = Q.setOwner(me);  // this phone's queue shows and sends only what the signed-in person took

  function csrf() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : null;
  }

  function pageUrl() { return location.href.split('#')[0]; }

  function endOfToday() {
    var end = new Date();
    end.setHours(23, 59, 59, 0);
    return end.toISOString();
  }

  function assets() {
    var urls = [];
    document.querySelectorAll('link[rel="stylesheet"][href], script[src]').forEach(function (node) {
      var url = new URL(node.getAttribute('href') || node.getAttribute('src'), location.href);
      if (url.origin === location.origin) urls.push(url.href);
    });
    return urls;
  }

  if ('serviceWorker' in navigator && window.isSecureContext) {
    worker = navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(function () {
      return navigator.serviceWorker.ready;
    });
    worker.then(function (registration) {
      if (!registration.active || !navigator.onLine) return;
      var offlineForm = document.querySelector('[data-offline-form]');
      if (kept || offlineForm) {
        var until = (kept && kept.dataset.offlineUntil) || (offlineForm && offlineForm.dataset.offlineUntil) || endOfToday();
        // A page the worker already keeps was refreshed by this very load (network first): no second request.
        var controlled = !!navigator.serviceWorker.controller;
        return caches.match(pageUrl()).then(function (copy) {
          if (copy && controlled) return;
          registration.active.postMessage({type: 'keep', url: pageUrl(), until: until, assets: assets()});
        });
      } else if (document.querySelector('[data-offline-forget]')) {
        registration.active.postMessage({type: 'forget', url: pageUrl()});
      }
    }).catch(function () { worker = null; });
    navigator.serviceWorker.addEventListener('message', function (event) {
      if (event.data && event.data.type === 'vh-queue') done(event.data.result);
    });
  }

  function askForSync() {
    if (!worker) return;
    worker.then(function (registration) {
      if (registration.sync) return registration.sync.register('vh-offline');
    }).catch(function () { /* no Background Sync: the online event and the next page load send it */ });
  }

  // --- the list of what waits on this phone ---

  function clock(ms) {
    var d = new Date(ms);
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function render() {
    if (!box) return Promise.resolve();
    var list = box.querySelector('[data-offline-list]');
    return Q.all().then(function (items) {
      var mine = items.filter(function (item) { return item.page === location.pathname; });
      list.textContent = '';
      mine.forEach(function (item) {
        var li = document.createElement('li');
        li.className = 'offline-item offline-' + item.state;
        li.dataset.offlineItem = item.state;
        var what = document.createElement('p');
        what.textContent = item.label.replace('{time}', clock(item.created));
        var state = document.createElement('p');
        state.className = item.state === 'refused' ? 'warn' : 'meta';
        state.textContent = item.state === 'refused' ? box.dataset.msgRefused + ' ' + (item.message || '') : box.dataset.msgWaiting;
        li.appendChild(what);
        li.appendChild(state);
        if (item.state === 'refused') {
          var ok = document.createElement('button');
          ok.type = 'button';
          ok.className = 'btn btn-secondary';
          ok.textContent = box.dataset.msgDismiss;
          ok.addEventListener('click', function () { Q.remove(item.id).then(render); });
          li.appendChild(ok);
        }
        list.appendChild(li);
      });
      box.hidden = mine.length === 0;
      return mine;
    });
  }

  var sending = false;
  function done(result) {
    // The check-in page shows the server's record once something was recorded; a form page keeps what is typed.
    if (result && result.sent && kept) { location.reload(); return; }
    render().then(followQueue);
  }

  function flush() {
    if (!navigator.onLine || sending) return;
    sending = true;
    Q.flush(csrf()).then(function (result) {
      sending = false;
      done(result);
    }, function () { sending = false; });
  }

  // The check-in page kept from before: after a queued check-in it offers the check-out; after a queued
  // check-out, nothing more. A check-in not open yet when the page was kept opens on the phone's clock.
  var checkin = document.querySelector('form[data-checkin][data-offline-url]');
  function followQueue(mine) {
    if (!checkin || !mine) return;
    var button = checkin.querySelector('[data-checkin-button]');
    var waiting = mine.filter(function (item) { return item.type === 'checkin' && item.state === 'waiting'; });
    var actions = waiting.map(function (item) { return item.data.action; });
    if (actions.indexOf('out') >= 0) {
      checkin.hidden = true;
    } else if (actions.indexOf('in') >= 0 && checkin.elements.action.value === 'in') {
      checkin.elements.action.value = 'out';
      button.textContent = checkin.dataset.msgOut;
    }
  }
  if (checkin && checkin.dataset.opensAt) {
    var opens = Date.parse(checkin.dataset.opensAt);
    var banner = document.querySelector('[data-opens-banner]');
    var timer = setInterval(function () {
      if (Date.now() < opens) return;
      clearInterval(timer);
      checkin.hidden = false;
      if (banner) banner.hidden = true;
    }, 15000);
  }

  window.addEventListener('online', flush);
  ready.then(render).then(function (mine) { followQueue(mine); flush(); });

  function queue(item) {
    item.page = location.pathname;
    item.owner = me;
    return Q.add(item).then(function (saved) {
      askForSync();
      return render().then(followQueue).then(function () { return saved; });
    });
  }

  // --- the check-in page: app.js hands over the position when the phone is offline ---

  window.vhOffline = {
    queueCheckin: function (form, position) {
      var action = form.elements.action.value;
      var created = Date.now();
      return queue({
        type: 'checkin',
        url: form.dataset.offlineUrl,
        token: form.dataset.offlineToken,
        created: created,
        label: action === 'out' ? form.dataset.msgQueuedOut : form.dataset.msgQueuedIn,
        data: {
          action: action,
          // As text, like the page's form posts them (an accuracy of 0 is a value, not a missing field).
          lat: String(position.coords.latitude),
          lon: String(position.coords.longitude),
          accuracy_m: String(position.coords.accuracy),
          device: form.elements.device ? form.elements.device.value : '',
          recorded_at: new Date(created).toISOString()
        }
      });
    },
    available: function (form) { return !!form.dataset.offlineUrl; }
  };

  // --- any form marked data-offline-form (handover, incident...): its POST handler is idempotent by client_id ---

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === 'x' ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target.closest && event.target.closest('form[data-offline-form]');
    if (!form || navigator.onLine) return;
    event.preventDefault();
    // A form that takes the phone's time of the entry (the handover's recorded_at) gets it now, not when sent.
    var stamp = form.elements.recorded_at;
    if (stamp && !stamp.value) stamp.value = new Date().toISOString();
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string') pairs.push([name, value]);
    });
    queue({
      type: 'form',
      url: form.action,
      label: form.dataset.offlineLabel || document.title,
      data: pairs
    }).then(function () {
      // The next entry is a new one: a fresh client_id, so the server does not take it for this one again.
      if (form.elements.client_id) form.elements.client_id.value = uuid();
      if (stamp) stamp.value = '';
      var status = form.querySelector('[data-offline-status]');
      if (status) status.textContent = form.dataset.msgQueued || (box && box.dataset.msgWaiting) || '';
      setTimeout(function () {
        delete form.dataset.busy; form.classList.remove('is-busy'); form.removeAttribute('aria-busy');
      }, 0);
    });
  });
})();
