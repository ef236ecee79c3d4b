// Coverage layer: a circle per street (area ∝ workers; red = no open relay station within the
// radius), small green dots for open relay stations. Texts come translated from #cov-map's
// data-msg-* attributes. Street names are data: Leaflet treats a string tooltip as HTML, so the
// tooltip gets an element whose text is set, never markup.
(function () {
  "use strict";
  var el = document.getElementById("cov-map");
  if (!el || !window.L) return;
  var msg = el.dataset;
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  var cfg = JSON.parse(document.getElementById("pos-map-config").textContent);
  var data = JSON.parse(document.getElementById("cov-layer").textContent);
  var map = L.map(el, { preferCanvas: true }).setView([31.2, 121.45], 10);
  map.attributionControl.setPrefix(false);
  L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains, attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
  var stations = L.layerGroup(data.stations.map(function (p) {
    return L.circleMarker([p[1], p[0]], { radius: 2.5, stroke: false, fillColor: "#00a870", fillOpacity: 0.8 });
  })).addTo(map);
  var bounds = [];
  var streets = L.layerGroup(data.streets.map(function (s) {
    bounds.push([s.lat, s.lng]);
    var r = 4 + Math.sqrt(s.workers) * 1.6;
    var nearest = s.nearest === null ? msg.msgNone : fill(msg.msgMetres, { n: s.nearest });
    var text = fill(msg.msgTooltip, { name: s.name, workers: s.workers, nearest: nearest });
    return L.circleMarker([s.lat, s.lng], {
      radius: r, color: s.blind ? "#c8102e" : "#646a73", weight: s.blind ? 2 : 1,
      fillColor: s.blind ? "#c8102e" : "#c9cdd4", fillOpacity: s.blind ? 0.45 : 0.25
    }).bindTooltip(textNode(text));
  })).addTo(map);
  var overlays = {};
  overlays[msg.msgStreets] = streets;
  overlays[msg.msgStations] = stations;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  // No animation: the first view is where the officer starts, and a zoom animation would leave
  // the circles undrawn (and unhoverable) for its quarter second.
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20], animate: false });
  else if (bounds.length === 1) map.setView(bounds[0], 13, { animate: false });
})();
