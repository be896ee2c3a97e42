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
  // Pickers: <select data-searchable> gets a search box that narrows its options as one types
  // (name or region). Without this file the list is still short: only agencies that fit.
  function searchable(select) {
    if (select.dataset.searchReady) { return; }
    select.dataset.searchReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.setAttribute("aria-label", select.getAttribute("data-search-label") || "");
    box.setAttribute("aria-controls", select.id || "");
    box.placeholder = select.getAttribute("data-search-label") || "";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var q = box.value.trim().toLocaleLowerCase();
      var first = null;
      select.querySelectorAll("option").forEach(function (opt) {
        var show = !opt.value || !q || opt.textContent.toLocaleLowerCase().indexOf(q) !== -1;
        opt.hidden = !show;
        opt.disabled = !show && !opt.selected;
        if (show && opt.value && first === null) { first = opt; }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      var current = select.selectedOptions[0];
      if (first && (!current || !current.value || current.hidden)) { first.selected = true; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-searchable]").forEach(searchable);
  });
  // The risk form's progress: "12 of 24 answered", counted again at every answer.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    var out = form && form.querySelector("[data-risk-progress]");
    if (!out || !/^a_/.test(event.target.name || "")) { return; }
    var names = {}, done = 0;
    form.querySelectorAll("input[type=radio][name^=a_]").forEach(function (r) {
      names[r.name] = names[r.name] || r.checked;
    });
    Object.keys(names).forEach(function (n) { if (names[n]) { done += 1; } });
    var bar = out.querySelector("progress");
    if (bar) { bar.value = done; }
    var text = out.querySelector("[data-risk-progress-text]");
    if (text) { text.textContent = out.getAttribute("data-template").replace("{done}", done); }
  });
  // Confirm before destructive actions: <form data-confirm="question">.
  document.addEventListener("submit", function (event) {
    var q = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) { event.preventDefault(); }
  });
})();
