// Intake: the GBVIMS questions are asked in order and the first "yes" decides the type, so the
// questions after a "yes" are hidden (and cleared). Without JavaScript all questions show.
(function () {
  "use strict";
  function update(fieldset) {
    var groups = Array.prototype.slice.call(fieldset.querySelectorAll(".field"));
    var answered = false;
    groups.forEach(function (group) {
      group.hidden = answered;
      if (answered) {
        group.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
      }
      var yes = group.querySelector("input[type=radio][value=yes]");
      if (yes && yes.checked) { answered = true; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-first-yes-wins]").forEach(function (fieldset) {
      fieldset.addEventListener("change", function () { update(fieldset); });
      update(fieldset);
    });
  });
})();
