// Charts of the ratings pages, drawn from the JSON the page carries; the tables beside them
// hold the same numbers, so nothing is lost without JavaScript.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("ratings-chart");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var stars = document.querySelector("[data-chart=stars]");
    if (stars) {
      var bars = window.echarts.init(stars);
      bars.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 24, bottom: 32 },
        xAxis: { type: "category", data: data.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: data.title, type: "bar", data: data.counts, itemStyle: { color: "#8a5300" },
                   label: { show: true, position: "top" } }]
      });
      charts.push(bars);
    }
    var history = document.querySelector("[data-chart=history]");
    if (history) {
      var line = window.echarts.init(history);
      line.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [data.score_label, data.stars_label] },
        grid: { left: 48, right: 48, top: 48, bottom: 32 },
        xAxis: { type: "category", data: data.quarters },
        yAxis: [
          { type: "value", min: 0, max: 100, name: data.score_label },
          { type: "value", min: 0, max: 5, interval: 1, name: data.stars_label }
        ],
        series: [
          { name: data.score_label, type: "bar", data: data.scores, itemStyle: { color: "#0b57d0" } },
          { name: data.stars_label, type: "line", yAxisIndex: 1, data: data.stars, itemStyle: { color: "#8a5300" } }
        ]
      });
      charts.push(line);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
