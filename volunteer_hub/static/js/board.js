/* The live staffing boards: fetch the table again every data-poll-seconds and swap it in, without a reload.
   Plain ES5 with XMLHttpRequest so old Android WebViews and the WeChat browser run it. */
(function () {
  var root = document.getElementById('board');
  if (!root || !root.getAttribute('data-poll')) { return; }
  var url = root.getAttribute('data-poll');
  var seconds = parseInt(root.getAttribute('data-poll-seconds'), 10) || 30;
  var busy = false;

  function refresh() {
    if (busy || document.hidden === true) { return; }
    busy = true;
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url, true);
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      busy = false;
      if (xhr.status === 200) { root.innerHTML = xhr.responseText; }
      // Anything else (offline, logged out): keep the last table; the next poll tries again.
    };
    xhr.send(null);
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener('visibilitychange', function () {
    if (document.hidden === false) { refresh(); }
  });
})();
