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

// The contact field's keyboard follows the channel she chose: a number pad for a phone, e-mail
// keys for an address.
(function () {
  "use strict";
  var input = document.querySelector("[data-contact-input]");
  if (!input) { return; }
  var radios = document.querySelectorAll("input[data-contact-channel]");
  function follow() {
    var chosen = document.querySelector("input[data-contact-channel]:checked");
    if (!chosen) { input.removeAttribute("inputmode"); return; }
    input.setAttribute("inputmode", chosen.value === "email" ? "email" : "tel");
    input.setAttribute("type", chosen.value === "email" ? "email" : "tel");
  }
  for (var i = 0; i < radios.length; i++) { radios[i].addEventListener("change", follow); }
  follow();
})();
