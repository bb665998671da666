/* Staff console: parts marked data-refresh="<url>" are fetched again every few seconds, so new
   handoffs and the person's new messages appear without a reload. The server renders (and escapes)
   the HTML; a part the user is typing in is never replaced. */
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  function refresh(part) {
    fetch(part.getAttribute("data-refresh"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status === 401 || response.redirected) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== undefined && html !== part.innerHTML && !part.contains(document.activeElement)) {
          part.innerHTML = html;
        }
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  var parts = document.querySelectorAll("[data-refresh]");
  if (parts.length) {
    setInterval(function () { parts.forEach(refresh); }, INTERVAL_MS);
  }
})();
