// Location picker: the city's kelurahan boundaries as an offline base map, OSM tiles when
// reachable; a tap drops a pin and selects the kelurahan under it.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
  var kel = document.getElementById("id_kelurahan");
  var map = L.map(el, { zoomControl: true }).setView([-7.5666, 110.8166], 13);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "© OpenStreetMap"
  }).addTo(map);
  var marker = null;
  function place(latlng, code) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lat.value = latlng.lat.toFixed(6); lng.value = latlng.lng.toFixed(6);
    if (code && kel) kel.value = code;
  }
  fetch(el.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    if (!data.features || !data.features.length) return;
    var layer = L.geoJSON(data, {
      style: { color: "#0b6e4f", weight: 1, fillOpacity: 0.05 },
      onEachFeature: function (f, l) {
        l.bindTooltip(f.properties.name);
        l.on("click", function (e) { place(e.latlng, f.properties.code); });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
  });
  map.on("click", function (e) { place(e.latlng, null); });
  if (lat.value && lng.value) place(L.latLng(+lat.value, +lng.value), null);
})();
