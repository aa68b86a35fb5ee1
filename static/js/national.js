/* Kokeilu national view: the chart comparing caseloads against targets. Its numbers come from
 * the page (json_script "national-chart") and stand in the table beside it. */
(function () {
  "use strict";

  var source = document.getElementById("national-chart");
  var canvas = document.getElementById("chart-caseloads");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { return; }
  var locale = document.documentElement.lang || "fi";

  function number(value) { return value === null || value === undefined ? null : Number(value); }
  function format(value) {
    return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
      .format(value);
  }

  // One bar per area, so the chart grows with the number of areas instead of squeezing them.
  canvas.parentNode.style.height = String(Math.max(200, data.labels.length * 26 + 80)) + "px";

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  var chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {
          type: "bar",
          label: data.caseload_label,
          data: data.caseloads.map(number),
          backgroundColor: data.over.map(function (over) { return over ? "#dc3545" : "#0d6efd"; })
        },
        {
          type: "line",
          label: data.target_label,
          data: data.targets.map(number),
          showLine: false,
          pointStyle: "line",
          pointRadius: 10,
          pointRotation: 90,
          pointBorderWidth: 3,
          borderColor: "#212529",
          backgroundColor: "#212529"
        }
      ]
    },
    options: {
      indexAxis: "y",
      scales: {
        x: { beginAtZero: true, title: { display: true, text: data.axis } },
        y: { ticks: { autoSkip: false, callback: function (value) {
          // On a phone the names would be cut at the canvas edge: shorten them visibly (the
          // table beside the chart has them whole).
          var label = this.getLabelForValue(value);
          var room = this.chart.width < 576 ? 16 : 40;
          return label.length > room ? label.slice(0, room - 1) + "…" : label;
        } } }
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: function (context) {
          return context.dataset.label + ": " + format(context.parsed.x);
        } } }
      }
    }
  });
  window.addEventListener("beforeprint", function () { chart.resize(); });
  document.documentElement.dataset.nationalChartReady = "1";
}());
