// Draws the statistics charts with the vendored Chart.js from the <script type="application/json"
// id="stats-data"> block. Each chart has a table of the same numbers beside it (always shown:
// they are the figures; the chart only helps to see them). A suppressed figure is a gap in the
// chart, never a zero bar; the table marks it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("stats-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var print = window.matchMedia && window.matchMedia("print").matches;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var code = canvas.getAttribute("data-chart");
      var series = data[code];
      if (!series) { return; }
      var isTrend = code === "month";
      var horizontal = !isTrend && series.labels.length > 8;
      if (horizontal) {  // one readable row per label (CSSOM styles are allowed by the CSP)
        canvas.parentNode.style.height = (series.labels.length * 26 + 48) + "px";
      }
      new window.Chart(canvas, {
        type: isTrend ? "line" : "bar",
        data: {
          labels: series.labels,
          datasets: [{
            label: canvas.getAttribute("data-label"),
            data: series.values,  // null where suppressed: a gap
            backgroundColor: "#3b1f66",
            borderColor: "#3b1f66",
            borderWidth: isTrend ? 3 : 0,
            pointRadius: isTrend ? 4 : 0,
            spanGaps: false
          }]
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: print ? false : { duration: 0 },
          plugins: { legend: { display: false } },
          scales: {
            x: { ticks: { precision: 0, font: { size: 14 } } },
            y: { ticks: { precision: 0, font: { size: 14 } }, beginAtZero: true }
          }
        }
      });
    });
  });
})();
