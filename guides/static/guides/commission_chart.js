/* The guide's commissions by month (x) and status (stacked bars), Apache ECharts. The element with
 * `data-guide-chart` names the `json_script` holding {months: [...], series: [{name, data}]}; the
 * table below it is the accessible data. */
(function () {
  "use strict";

  function draw() {
    var elements = document.querySelectorAll("[data-guide-chart]");
    Array.prototype.forEach.call(elements, function (element) {
      var source = document.getElementById(element.getAttribute("data-guide-chart"));
      if (!source || !window.echarts) { return; }
      var figures = JSON.parse(source.textContent);
      var chart = window.echarts.init(element);
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, type: "scroll" },
        grid: { left: 48, right: 8, top: 16, bottom: 48 },
        xAxis: { type: "category", data: figures.months },
        yAxis: { type: "value" },
        series: figures.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "total", data: s.data.map(Number) };
        })
      });
      element.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
