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

  // The value of each bar (of each stack, for a stacked chart) printed above it, so the
  // numbers can be read off the chart on paper too.
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart, _args, options) {
      var ctx = chart.ctx;
      var bars = chart.data.datasets
        .map(function (dataset, index) { return { dataset: dataset, meta: chart.getDatasetMeta(index) }; })
        .filter(function (item) { return item.meta.type === "bar" && !item.meta.hidden; });
      if (!bars.length) { return; }
      ctx.save();
      ctx.font = "bold " + Chart.defaults.font.size + "px " + Chart.defaults.font.family;
      ctx.fillStyle = "#212529";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      chart.data.labels.forEach(function (_label, index) {
        var total = 0, top = null, x = null, any = false;
        bars.forEach(function (item) {
          var value = item.dataset.data[index];
          var element = item.meta.data[index];
          if (value === null || value === undefined || !element) { return; }
          any = true;
          total += Number(value);
          x = element.x;
          top = top === null ? element.y : Math.min(top, element.y);
        });
        if (!any || top === null) { return; }
        ctx.fillText(format(total, options.digits), x, top - 2);
      });
      ctx.restore();
    }
  };
  Chart.register(valueLabels);

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
        layout: { padding: { top: 14 } },
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: data.fte.axis } }
        },
        plugins: {
          valueLabels: { digits: 2 },
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
        layout: { padding: { top: 14 } },
        scales: { y: { beginAtZero: true, title: { display: true, text: data.units.axis } } },
        plugins: {
          valueLabels: { digits: 1 },
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
    charts.forEach(function (chart) {
      // On paper the FTE chart's legend goes beside it: below, it took the bars' height.
      if (chart.canvas.id === "chart-fte") {
        var legend = chart.options.plugins.legend;
        legend.position = printing ? "right" : "bottom";
        legend.maxWidth = printing ? Math.round(chart.canvas.parentNode.clientWidth * 0.45) : undefined;
        legend.labels.font = printing ? { size: 10 } : undefined;
        legend.labels.boxWidth = printing ? 8 : 12;
        chart.update();
      }
      // Axis titles in smaller type on paper, so a long one fits the chart's height.
      var y = chart.options.scales && chart.options.scales.y;
      if (y && y.title) { y.title.font = printing ? { size: 9 } : undefined; chart.update(); }
      chart.resize();
    });
  }
  window.addEventListener("beforeprint", function () { forPrint(true); });
  window.addEventListener("afterprint", function () { forPrint(false); });
  // A print preview or PDF made without the print events still changes the media.
  window.matchMedia("print").addEventListener("change", function (event) { forPrint(event.matches); });
  document.documentElement.dataset.chartsReady = String(charts.length);
})();
