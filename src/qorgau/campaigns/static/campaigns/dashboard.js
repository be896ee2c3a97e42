// Draws the campaign dashboard's charts with the vendored Chart.js. The numbers come from the
// <script type="application/json" id="dashboard-data"> block; every chart also has a table of the
// same numbers, open when this file does not run and folded away once the chart is drawn.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var series = data[canvas.getAttribute("data-chart")];
      if (!series) { return; }
      var horizontal = series.labels.length > 12 && canvas.getAttribute("data-chart") !== "by_day";
      if (horizontal) {  // one readable row per label (CSSOM styles are allowed by the CSP)
        canvas.parentNode.style.height = (series.labels.length * 24 + 48) + "px";
      }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: series.labels,
          datasets: [{ label: canvas.getAttribute("data-label"), data: series.values, backgroundColor: "#5b2a86" }]
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } }
        }
      });
      var table = canvas.closest("section").querySelector("details[data-chart-table]");
      if (table) { table.removeAttribute("open"); }
    });
  });
})();
