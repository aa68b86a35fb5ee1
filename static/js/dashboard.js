/* Kokeilu dashboard: the charts (the print button is site.js's).
 * The numbers come from the page (json_script "dashboard-charts"); each chart has the same
 * numbers in a table beside it. No animations, so screenshots and print are stable. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var locale = document.documentElement.lang || "fi";
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#d63384",
                 "#ffc107", "#0dcaf0", "#6c757d", "#dc3545", "#6610f2", "#adb5bd"];

  function number(value) { return value === null || value === undefined ? null : Number(value); }
  function format(value, digits) {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: 0, maximumFractionDigits: digits
    }).format(value);
  }

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  var charts = [];

  var fteCanvas = document.getElementById("chart-fte");
  if (fteCanvas && data.fte.labels.length) {
    charts.push(new Chart(fteCanvas, {
      type: "bar",
      data: {
        labels: data.fte.labels,
        datasets: data.fte.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.values.map(number),
            backgroundColor: palette[index % palette.length]
          };
        })
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: data.fte.axis } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (context) {
            return context.dataset.label + ": " + format(context.parsed.y, 2);
          } } }
        }
      }
    }));
  }

  var unitCanvas = document.getElementById("chart-units");
  if (unitCanvas && data.units.labels.length) {
    var datasets = [{
      type: "bar",
      label: data.units.label,
      data: data.units.values.map(number),
      backgroundColor: data.units.values.map(function (value) {
        return data.units.target !== null && Number(value) > Number(data.units.target)
          ? "#dc3545" : "#0d6efd";
      })
    }];
    if (data.units.target !== null) {
      datasets.push({
        type: "line",
        label: data.units.targetLabel + " " + format(Number(data.units.target), 1),
        data: data.units.labels.map(function () { return Number(data.units.target); }),
        borderColor: "#dc3545",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false
      });
    }
    charts.push(new Chart(unitCanvas, {
      data: { labels: data.units.labels, datasets: datasets },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: data.units.axis } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (context) {
            return context.dataset.label + ": " + format(context.parsed.y, 1);
          } } }
        }
      }
    }));
  }

  var timeCanvas = document.getElementById("chart-timeline");
  if (timeCanvas && data.timeline.labels.length) {
    charts.push(new Chart(timeCanvas, {
      type: "line",
      data: {
        labels: data.timeline.labels,
        datasets: [{
          label: data.timeline.label,
          data: data.timeline.values.map(number),
          borderColor: "#0d6efd",
          backgroundColor: "#0d6efd",
          pointRadius: 4,
          tension: 0
        }]
      },
      options: {
        scales: {
          // offset: a single statistics date sits in the middle, not on the axis.
          x: { offset: true },
          y: { beginAtZero: true, title: { display: true, text: data.timeline.axis } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
      }
    }));
  }

  var capacityCanvas = document.getElementById("chart-capacity");
  if (capacityCanvas && data.capacity) {
    charts.push(new Chart(capacityCanvas, {
      type: "line",
      data: {
        labels: data.capacity.labels,
        datasets: [{
          label: data.capacity.requiredLabel,
          data: data.capacity.required.map(number),
          borderColor: "#dc3545",
          backgroundColor: "#dc3545",
          pointRadius: 3,
          tension: 0
        }, {
          label: data.capacity.plannedLabel,
          data: data.capacity.planned.map(number),
          borderColor: "#0d6efd",
          backgroundColor: "#0d6efd",
          borderDash: [6, 4],
          pointRadius: 3,
          tension: 0
        }]
      },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: data.capacity.axis } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (context) {
            return context.dataset.label + ": " + format(context.parsed.y, 2);
          } } }
        }
      }
    }));
  }

  // On paper each chart's numbers are printed below it: their closed <details> open for the
  // print and close again after it (a closed <details> hides its content from CSS).
  function showNumbers(printing) {
    document.querySelectorAll("details.chart-numbers").forEach(function (details) {
      if (printing) {
        if (!("openOnScreen" in details.dataset)) { details.dataset.openOnScreen = String(details.open); }
        details.open = true;
      } else if ("openOnScreen" in details.dataset) {
        details.open = details.dataset.openOnScreen === "true";
        delete details.dataset.openOnScreen;
      }
    });
  }
  // Charts drawn for the screen keep their width on paper unless resized for print.
  function forPrint(printing) {
    showNumbers(printing);
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("beforeprint", function () { forPrint(true); });
  window.addEventListener("afterprint", function () { forPrint(false); });
  // A print preview or PDF made without the print events still changes the media.
  window.matchMedia("print").addEventListener("change", function (event) { forPrint(event.matches); });
  document.documentElement.dataset.chartsReady = String(charts.length);
})();
