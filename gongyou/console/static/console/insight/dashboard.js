// Coverage dashboards: ECharts trend lines and bars, a Leaflet map with a bubble per district
// (or street) at its reference point. Data comes from the #insight-data JSON block (no inline
// script, CSP); texts from data-msg-* attributes. Names are data: tooltips are built as text.
(function () {
  "use strict";
  var dataEl = document.getElementById("insight-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var palette = ["#c8102e", "#1f6feb", "#00a870", "#f08c00", "#7a4fd6", "#0e9aa7", "#8a8f99", "#d6336c"];

  if (window.echarts) {
    var trendEl = document.getElementById("trend-chart");
    if (trendEl) {
      var trend = echarts.init(trendEl, null, { renderer: "canvas" });
      var codes = Object.keys(data.trend);
      trend.setOption({
        animation: false,
        color: palette,
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0, data: codes.map(function (c) { return data.labels[c]; }) },
        grid: { left: 50, right: 50, top: 50, bottom: 30 },
        xAxis: { type: "category", data: data.months },
        yAxis: [{ type: "value", name: "" }, { type: "value", name: "", splitLine: { show: false } }],
        series: codes.map(function (c) {
          var big = c === "members_active" || c === "people_served";
          return { name: data.labels[c], type: "line", smooth: true, yAxisIndex: big ? 0 : 1,
                   showSymbol: true, data: data.trend[c] };
        })
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }
    var barEl = document.getElementById("bar-chart");
    if (barEl && data.bars.names.length) {
      var bars = echarts.init(barEl, null, { renderer: "canvas" });
      bars.setOption({
        animation: false,
        color: palette,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 50, right: 20, top: 40, bottom: 70 },
        xAxis: { type: "category", data: data.bars.names, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value" },
        series: [
          { name: data.bars.labels.members_active, type: "bar", data: data.bars.members_active },
          { name: data.bars.labels.people_served, type: "bar", data: data.bars.people_served }
        ]
      });
      window.addEventListener("resize", function () { bars.resize(); });
    }
    var rankEl = document.getElementById("rank-chart");
    if (rankEl && data.names) {
      var rank = echarts.init(rankEl, null, { renderer: "canvas" });
      rank.setOption({
        animation: false,
        color: palette,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 80, right: 30, top: 10, bottom: 30 },
        xAxis: { type: "value", max: 100 },
        yAxis: { type: "category", inverse: true, data: data.names },
        series: [{ type: "bar", data: data.scores, label: { show: true, position: "right" } }]
      });
      window.addEventListener("resize", function () { rank.resize(); });
    }
  }

  var mapEl = document.getElementById("insight-map");
  if (mapEl && window.L && data.map && data.map.length) {
    var cfg = JSON.parse(document.getElementById("pos-map-config").textContent);
    var map = L.map(mapEl, { preferCanvas: true }).setView([31.2, 121.45], 9);
    map.attributionControl.setPrefix(false);
    L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains, attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
    var max = Math.max.apply(null, data.map.map(function (p) { return p.members; }).concat([1]));
    var bounds = [];
    data.map.forEach(function (p) {
      bounds.push([p.lat, p.lng]);
      var text = mapEl.dataset.msgTooltip
        .replace("{name}", p.name).replace("{members}", p.members).replace("{served}", p.served);
      var span = document.createElement("span");
      span.textContent = text;
      L.circleMarker([p.lat, p.lng], {
        radius: 6 + 30 * Math.sqrt(p.members / max), color: "#c8102e", weight: 1,
        fillColor: "#c8102e", fillOpacity: 0.35
      }).bindTooltip(span).addTo(map);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [30, 30], animate: false });
    else map.setView(bounds[0], 12, { animate: false });
  }
})();
