// The portal's only script, and optional: every page works without it.
// Quick exit: the button and the Escape key replace this page with a neutral site. location.replace
// leaves no new entry in the history, so "Back" does not return here.
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (!exit) { return; }
  var target = exit.getAttribute("data-exit-url") || exit.href;
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.hidden = true; // nothing stays on screen while the next page loads
    window.location.replace(target);
  }
  exit.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
})();
