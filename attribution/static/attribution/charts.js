/* The dashboards' charts (Apache ECharts, vendored in o2o/static/vendor/echarts/).
 *
 * Each chart is an element with `data-chart` (its kind), `data-figures` and `data-labels` (the ids of
 * the `json_script` elements holding the snapshot's figures and the chart words in the page's
 * language). The tables beside the charts are the accessible data; the charts are decoration.
 * Kinds: `funnel` (the totals), `daily` (visitors, visits, orders per day), `rate` (the
 * online-to-store rate of `data-rows`: campaigns or stores), `campaigns` (a store's visits and
 * orders by campaign).
 */
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function label(row, words, none) {
    return row.label === null || row.label === undefined ? words[none] : row.label;
  }

  var builders = {
    funnel: function (figures, words) {
      var totals = figures.totals;
      var data = [
        { name: words.visitors, value: Number(totals.visitors) },
        { name: words.bookings, value: Number(totals.bookings) },
        { name: words.visits, value: Number(totals.visits) },
        { name: words.orders, value: Number(totals.orders) }
      ];
      return {
        tooltip: { trigger: "item" },
        series: [{ type: "funnel", sort: "none", minSize: "10%", label: { formatter: "{b}: {c}" }, data: data }]
      };
    },
    daily: function (figures, words) {
      var days = figures.daily;
      function series(name, key) {
        return { name: name, type: "line", smooth: true, data: days.map(function (d) { return Number(d[key]); }) };
      }
      return {
        tooltip: { trigger: "axis" },
        legend: { data: [words.visitors, words.visits, words.orders] },
        xAxis: { type: "category", data: days.map(function (d) { return d.day.slice(5); }) },
        yAxis: { type: "value" },
        series: [series(words.visitors, "visitors"), series(words.visits, "visits"), series(words.orders, "orders")]
      };
    },
    rate: function (figures, words, element) {
      var which = element.getAttribute("data-rows");
      var rows = figures[which].filter(function (row) { return row.rate !== null; });
      var none = which === "stores" ? "no_store" : "no_campaign";
      return {
        tooltip: { trigger: "axis" },
        grid: { containLabel: true },
        xAxis: { type: "category", data: rows.map(function (row) { return label(row, words, none); }) },
        yAxis: { type: "value", name: words.rate },
        series: [{ name: words.rate, type: "bar", data: rows.map(function (row) { return Number(row.rate); }) }]
      };
    },
    campaigns: function (figures, words) {
      var rows = figures.campaigns;
      var names = rows.map(function (row) { return label(row, words, "no_campaign"); });
      return {
        tooltip: { trigger: "axis" },
        legend: { data: [words.visits, words.orders] },
        grid: { containLabel: true },
        xAxis: { type: "category", data: names },
        yAxis: { type: "value" },
        series: [
          { name: words.visits, type: "bar", data: rows.map(function (row) { return Number(row.visits); }) },
          { name: words.orders, type: "bar", data: rows.map(function (row) { return Number(row.orders); }) }
        ]
      };
    }
  };

  function draw() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var build = builders[element.getAttribute("data-chart")];
      var figures = readJson(element.getAttribute("data-figures"));
      var words = readJson(element.getAttribute("data-labels"));
      if (!build || !figures || !words || element.getAttribute("data-drawn")) {
        return;
      }
      var chart = window.echarts.init(element, null, { renderer: "svg", locale: document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN" });
      chart.setOption(Object.assign({ animation: false, aria: { enabled: true } }, build(figures, words, element)));
      element.setAttribute("data-drawn", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
