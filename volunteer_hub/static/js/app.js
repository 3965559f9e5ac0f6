// Volunteer Hub: small enhancements only. Every page works without this file.
(function () {
  'use strict';

  // One submit per form. The server's idempotency (unique claims, client_token) is the real guarantee.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (f.dataset.busy) { e.preventDefault(); return; }
    f.dataset.busy = '1'; f.classList.add('is-busy'); f.setAttribute('aria-busy', 'true');
    setTimeout(function () { clearBusy(f); }, 15000);
  });

  function clearBusy(f) {
    delete f.dataset.busy; f.classList.remove('is-busy'); f.removeAttribute('aria-busy');
  }

  // WeChat on iOS restores stale pages on Back: reload pages whose state changes, and clear busy flags.
  window.addEventListener('pageshow', function (e) {
    document.querySelectorAll('form[data-busy]').forEach(clearBusy);
    if (e.persisted && document.body.hasAttribute('data-stateful')) location.reload();
  });

  // Move focus to the error summary so screen readers and keyboards start there.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  // "Use my current location": asks only when tapped, then fills the form or reloads the list for that point.
  document.querySelectorAll('[data-geo]').forEach(function (button) {
    if (!navigator.geolocation) return;
    button.hidden = false;
    var status = button.parentNode.querySelector('[data-geo-status]');
    function say(text) { if (status) status.textContent = text; }
    button.addEventListener('click', function () {
      say(button.dataset.msgWait);
      navigator.geolocation.getCurrentPosition(function (pos) {
        // About 100 m is enough to find nearby tasks; we keep no finer location than that.
        var lat = pos.coords.latitude.toFixed(3), lon = pos.coords.longitude.toFixed(3);
        if (button.dataset.geoLat) {
          document.getElementById(button.dataset.geoLat).value = lat;
          document.getElementById(button.dataset.geoLon).value = lon;
          say(button.dataset.msgOk);
        } else {
          var url = new URL(location.href);
          ['cursor', 'offset', 'everywhere'].forEach(function (k) { url.searchParams.delete(k); });
          url.searchParams.set('lat', lat); url.searchParams.set('lon', lon);
          location.href = url.toString();
        }
      }, function (err) {
        say(err.code === 1 ? button.dataset.msgDenied : button.dataset.msgFailed);
      }, {enableHighAccuracy: false, timeout: 15000, maximumAge: 60000});
    });
  });

  // Shift rows: how long the shift lasts, whether it ends the next day (an end at or before the start) and
  // whether it is too long for anyone to claim, while typing. The server re-checks on saving.
  function minutesOf(value) { var p = value.split(':'); return p[0] * 60 + +p[1]; }
  function hoursText(minutes) {  // one decimal, halves to even like the server's formatting.hours
    var tenths = minutes / 6, whole = Math.floor(tenths);
    tenths = tenths - whole === 0.5 ? whole + whole % 2 : Math.round(tenths);
    return String(tenths / 10);
  }
  document.querySelectorAll('[data-shift-row]').forEach(function (row) {
    // Task form: time inputs "-starts"/"-ends"; series form: "HH:MM" text "-start"/"-end" (24:00 is midnight).
    var starts = row.querySelector('[name$="-starts"], [name$="-start"]');
    var ends = row.querySelector('[name$="-ends"], [name$="-end"]');
    var note = row.querySelector('[data-next-day]'), length = row.querySelector('[data-shift-length]');
    var tooLong = row.querySelector('[data-too-long]');
    if (!starts || !ends || !note || !length || !tooLong) return;
    function update() {
      var clock = /^([01]\d|2[0-4]):[0-5]\d$/, both = clock.test(starts.value) && clock.test(ends.value), minutes = 0;
      if (both) {
        minutes = minutesOf(ends.value) - minutesOf(starts.value);
        if (minutes <= 0) minutes += 1440;
      }
      note.hidden = !(both && ends.value <= starts.value);
      length.textContent = both ? length.dataset.msg.replace('{hours}', hoursText(minutes)) : '';
      tooLong.hidden = !(minutes > +tooLong.dataset.maxMinutes);
    }
    starts.addEventListener('input', update); ends.addEventListener('input', update); update();
  });
})();

// Attendance: GPS check-in posts the position in the page's form; the server decides and explains.
(function () {
  'use strict';
  // A random id per phone, kept in localStorage; the server stores only a keyed hash of it.
  var device = '';
  try {
    device = localStorage.getItem('vh-device') || '';
    if (!device) { device = Math.random().toString(36).slice(2) + Date.now().toString(36); localStorage.setItem('vh-device', device); }
  } catch (e) { device = ''; }
  document.querySelectorAll('[data-device]').forEach(function (input) { input.value = device; });

  document.querySelectorAll('[data-checkin]').forEach(function (form) {
    var button = form.querySelector('[data-checkin-button]'), status = form.querySelector('[data-checkin-status]');
    function say(text) { status.textContent = text; }
    if (!navigator.geolocation) { say(form.dataset.msgFailed); return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      if (form.dataset.locating) return;
      form.dataset.locating = '1'; button.setAttribute('aria-busy', 'true');
      say(form.dataset.msgWait);
      navigator.geolocation.getCurrentPosition(function (pos) {
        // No network: the page kept by the service worker queues it on the phone (js/offline.js).
        if (!navigator.onLine && window.vhOffline && window.vhOffline.available(form)) {
          window.vhOffline.queueCheckin(form, pos).then(function () {
            delete form.dataset.locating; button.removeAttribute('aria-busy');
            say(form.dataset.msgQueued);
          });
          return;
        }
        form.elements.lat.value = pos.coords.latitude;
        form.elements.lon.value = pos.coords.longitude;
        form.elements.accuracy_m.value = pos.coords.accuracy;
        form.submit();
      }, function (err) {
        // Never show err.message (it is for developers): say what the volunteer can do.
        delete form.dataset.locating; button.removeAttribute('aria-busy');
        say(err.code === 1 ? form.dataset.msgDenied : form.dataset.msgFailed);
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  });
})();

// Certificates: the page of a certificate still being prepared reloads itself until the PDF is ready.
(function () {
  var waiting = document.querySelector('[data-reload-after]');
  if (waiting) setTimeout(function () { location.reload(); }, 1000 * (+waiting.dataset.reloadAfter || 3));
})();
