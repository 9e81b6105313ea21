// Public map: the shipped kelurahan boundaries as the offline base map, OpenStreetMap
// tiles only when they load; complaints as rounded points coloured by status.
(function () {
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  var map = L.map(el).setView([-7.5666, 110.8166], 13);
  var tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "© OpenStreetMap"
  });
  var failed = 0;
  tiles.on("tileerror", function () {
    failed += 1;
    if (failed === 1) { map.removeLayer(tiles); el.classList.add("offline"); }
  });
  tiles.addTo(map);
  fetch(el.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    if (!data.features || !data.features.length) return;
    var layer = L.geoJSON(data, {
      style: { color: "#0b6e4f", weight: 1, fillColor: "#e2e8f0", fillOpacity: 0.35 },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
    }).addTo(map);
    layer.bringToBack();
    map.fitBounds(layer.getBounds());
  });
  var points = L.layerGroup().addTo(map);
  var count = document.getElementById("map-count");
  function load() {
    var select = document.getElementById("map-category");
    var url = el.dataset.points + (select && select.value ? "?kategori=" + encodeURIComponent(select.value) : "");
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      points.clearLayers();
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, p = f.properties;
        var marker = L.circleMarker([c[1], c[0]], {
          radius: 7, color: "#0f172a", weight: 1, fillColor: p.colour, fillOpacity: 0.9
        });
        var a = document.createElement("a");
        a.href = p.url; a.textContent = p.ref;
        var box = document.createElement("div");
        box.appendChild(a);
        box.appendChild(document.createTextNode(" · " + p.category + " · " + p.status_label));
        marker.bindPopup(box);
        marker.feature = f;
        points.addLayer(marker);
      });
      if (count) count.textContent = data.features.length + " " + (count.dataset.label || "titik");
      el.dataset.loaded = String(data.features.length);
    });
  }
  var select = document.getElementById("map-category");
  if (select) select.addEventListener("change", load);
  load();
})();
