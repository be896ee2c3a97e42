// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Countdowns: <time data-countdown datetime="ISO"> shows the time left, updated each minute.
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("datetime")) - Date.now();
      var out = el.querySelector("[data-countdown-left]");
      if (!out) { return; }
      if (left <= 0) { out.textContent = el.getAttribute("data-expired-text") || ""; el.classList.add("expired"); return; }
      var h = Math.floor(left / 3600000), m = Math.floor((left % 3600000) / 60000);
      out.textContent = (el.getAttribute("data-left-text") || "%h h %m min").replace("%h", h).replace("%m", m);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); });
  // Confirm before destructive actions: <form data-confirm="question">.
  document.addEventListener("submit", function (event) {
    var q = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) { event.preventDefault(); }
  });
})();
