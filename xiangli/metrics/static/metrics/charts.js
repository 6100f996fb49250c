// Charts of the figures page, drawn from the JSON the page carries; the tables beside
// them hold the same numbers, so nothing is lost without JavaScript.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("metrics-chart");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var trend = document.querySelector("[data-chart=trend]");
    if (trend) {
      var chart = window.echarts.init(trend);
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { data: [data.labels.received, data.labels.done] },
        grid: { left: 48, right: 16, top: 40, bottom: 32 },
        xAxis: { type: "category", data: data.days },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: data.labels.received, type: "line", data: data.received, smooth: true },
          { name: data.labels.done, type: "line", data: data.done, smooth: true }
        ]
      });
      charts.push(chart);
    }
    var children = document.querySelector("[data-chart=children]");
    if (children && data.children.length) {
      var bars = window.echarts.init(children);
      bars.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 24, bottom: 80 },
        xAxis: { type: "category", data: data.children, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value", max: 100, name: data.labels.on_time },
        series: [{ name: data.labels.on_time, type: "bar", data: data.on_time }]
      });
      charts.push(bars);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
