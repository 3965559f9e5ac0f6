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

  // Shift rows: an end time at or before the start means the next day; say so while typing.
  document.querySelectorAll('[data-shift-row]').forEach(function (row) {
    var starts = row.querySelector('[name$="-starts"]'), ends = row.querySelector('[name$="-ends"]');
    var note = row.querySelector('[data-next-day]');
    if (!starts || !ends || !note) return;
    function update() { note.hidden = !(starts.value && ends.value && ends.value <= starts.value); }
    starts.addEventListener('input', update); ends.addEventListener('input', update); update();
  });
})();
