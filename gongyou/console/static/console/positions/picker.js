// Position form: pick the point on a map. A click (or dragging the marker) writes the point into
// the lng/lat fields and sets the coordinate system to the tiles' own (gcj02 for AMap-style
// tiles, wgs84 otherwise); the server converts to WGS-84 on save. Address search, when the tile
// provider offers one (#pos-geocode), answers in the same system. Results are built as DOM nodes
// with textContent: provider text never becomes HTML.
(function () {
  "use strict";
  var el = document.getElementById("pos-pick-map");
  if (!el || !window.L) return;
  var cfg = JSON.parse(document.getElementById("pos-map-config").textContent);
  var form = el.closest("form");
  var lngIn = form.elements.lng, latIn = form.elements.lat, crsIn = form.elements.crs;
  var start = el.dataset.lng ? L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)) : null;
  var map = L.map(el).setView(start || [31.2, 121.45], start ? 16 : 11);
  map.attributionControl.setPrefix(false);
  L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains, attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  var marker = null;

  function place(latlng, fill) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng(), true); });
    } else {
      marker.setLatLng(latlng);
    }
    if (fill) {
      lngIn.value = latlng.lng.toFixed(6);
      latIn.value = latlng.lat.toFixed(6);
      crsIn.value = cfg.crs;
    }
  }
  if (start) place(start, false);
  map.on("click", function (e) { place(e.latlng, true); });

  // Typed coordinates move the marker when they are in the tiles' system.
  function typed() {
    var lng = parseFloat(lngIn.value), lat = parseFloat(latIn.value);
    if (crsIn.value !== cfg.crs || !isFinite(lng) || !isFinite(lat)) return;
    place(L.latLng(lat, lng), false);
    map.panTo([lat, lng]);
  }
  [lngIn, latIn, crsIn].forEach(function (input) { input.addEventListener("change", typed); });

  var box = document.getElementById("pos-geocode");
  if (!box) return;
  var query = document.getElementById("pos-geocode-q");
  var list = document.getElementById("pos-geocode-results");

  // Nominatim: [{lat, lon, display_name}]; AMap geocode: {geocodes: [{location: "lng,lat",
  // formatted_address}]}; AMap POI search: {pois: [{location, name, address}]}.
  function hits(data) {
    var out = [];
    if (Array.isArray(data)) {
      data.forEach(function (d) { out.push({ lng: +d.lon, lat: +d.lat, label: d.display_name || "" }); });
    } else if (data && (data.geocodes || data.pois)) {
      (data.geocodes || data.pois).forEach(function (d) {
        var p = String(d.location || "").split(",");
        out.push({ lng: +p[0], lat: +p[1], label: d.formatted_address || [d.name, d.address].filter(Boolean).join(" ") });
      });
    }
    return out.filter(function (h) { return isFinite(h.lng) && isFinite(h.lat); }).slice(0, 8);
  }

  function say(text) {
    list.replaceChildren();
    var li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
  }

  function search() {
    var q = query.value.trim();
    if (!q) return;
    fetch(box.dataset.url.replace("{q}", encodeURIComponent(q)), { credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var found = hits(data);
        if (!found.length) { say(box.dataset.msgNone); return; }
        list.replaceChildren();
        found.forEach(function (h) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button";
          b.className = "pos-sbtn";
          b.textContent = h.label;
          b.addEventListener("click", function () {
            place(L.latLng(h.lat, h.lng), true);
            map.setView([h.lat, h.lng], 17);
          });
          li.appendChild(b);
          list.appendChild(li);
        });
      })
      .catch(function () { say(box.dataset.msgFailed); });
  }
  document.getElementById("pos-geocode-go").addEventListener("click", search);
  query.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); search(); }
  });
})();
