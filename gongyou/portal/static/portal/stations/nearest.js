// Nearest stations: locate (browser geolocation, or a chosen street), then ask the server for
// the list (it renders the same fragment the page starts with) and plot it. Coordinates in the
// fragment are already in the tile source's system, so nothing is converted here. Status texts
// come translated from the page's data-msg-* attributes.
(function () {
  "use strict";
  var root = document.getElementById("nearest");
  if (!root) return;
  var msg = root.dataset;
  var cfg = JSON.parse(document.getElementById("pos-map-config").textContent);
  var form = document.getElementById("pos-filters");
  var lngInput = document.getElementById("pos-lng");
  var latInput = document.getElementById("pos-lat");
  var street = document.getElementById("pos-street");
  var status = document.getElementById("pos-status");
  var results = document.getElementById("pos-results");
  var map = null;
  var layer = null;

  // Leaflet treats a string tooltip or popup as HTML: every text reaches it as an element.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function initMap() {
    if (!window.L) return;
    map = L.map("pos-map", { zoomControl: true, attributionControl: true }).setView([31.23, 121.47], 11);
    map.attributionControl.setPrefix(false);
    L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains, attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
    layer = L.layerGroup().addTo(map);
  }

  function plot() {
    if (!map) return;
    layer.clearLayers();
    var box = results.querySelector(".pos-results");
    var points = [];
    if (box && box.dataset.hereLat) {
      var here = [parseFloat(box.dataset.hereLat), parseFloat(box.dataset.hereLng)];
      L.circleMarker(here, { radius: 9, color: "#fff", weight: 3, fillColor: "#1677ff", fillOpacity: 1 })
        .addTo(layer).bindTooltip(textNode(street.value ? msg.msgStreetPoint : msg.msgYou));
      points.push(here);
    }
    results.querySelectorAll(".pos-item").forEach(function (li, i) {
      var p = [parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)];
      var open = li.dataset.open === "1";
      var marker = L.circleMarker(p, { radius: 8, color: "#fff", weight: 2, fillColor: open ? "#c8102e" : "#8f959e", fillOpacity: 0.95 });
      var link = document.createElement("a");
      link.href = li.querySelector(".pos-item-main").getAttribute("href");
      link.textContent = li.dataset.name;
      marker.bindPopup(link).addTo(layer);
      if (i < 5) points.push(p);
    });
    if (points.length > 1) map.fitBounds(points, { padding: [28, 28], maxZoom: 16, animate: false });
    else if (points.length === 1) map.setView(points[0], 15, { animate: false });
  }

  function refresh() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") params.append(key, value); });
    if (!params.get("lng") && !params.get("street")) return;
    status.textContent = msg.msgSearching;
    fetch(root.dataset.resultsUrl + "?" + params.toString(), { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        results.innerHTML = html;
        status.textContent = street.value ? "" : msg.msgSorted;
        plot();
      })
      .catch(function () { status.textContent = msg.msgNetwork; });
  }

  function locate() {
    if (!navigator.geolocation) {
      status.textContent = msg.msgNoGeo;
      return;
    }
    status.textContent = msg.msgLocating;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        lngInput.value = pos.coords.longitude.toFixed(6);
        latInput.value = pos.coords.latitude.toFixed(6);
        street.value = "";
        refresh();
      },
      function () { status.textContent = msg.msgGeoFailed; },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }

  document.getElementById("pos-locate-btn").addEventListener("click", locate);
  form.addEventListener("change", function (event) {
    if (event.target === street) { lngInput.value = ""; latInput.value = ""; }
    refresh();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  initMap();
  plot();
  if (!street.value) locate();
})();
