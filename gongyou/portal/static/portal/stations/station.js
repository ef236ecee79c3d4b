// One station on a small map; the point is already in the tile source's coordinate system.
// The name is staff-entered text: Leaflet treats a string tooltip as HTML, so it gets an element.
(function () {
  "use strict";
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  var el = document.getElementById("pos-station-map");
  if (!el || !window.L) return;
  var cfg = JSON.parse(document.getElementById("pos-map-config").textContent);
  var p = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
  var map = L.map(el, { zoomControl: false, dragging: false, scrollWheelZoom: false }).setView(p, 16);
  map.attributionControl.setPrefix(false);
  L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains, attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
  L.circleMarker(p, { radius: 10, color: "#fff", weight: 3, fillColor: "#c8102e", fillOpacity: 1 }).addTo(map).bindTooltip(textNode(el.dataset.name));
})();
