/* The directory's maps. django-leaflet creates each map and announces it with a map:init event. */
import { initAreasView } from "./areas.js";
import { initAreaMap, showWhereItWorks } from "./districts.js";
import { initLargeMap } from "./large.js";
import { markerIcon } from "./markers.js";
import { DETAIL_ZOOM, SETTINGS, readJSON } from "./settings.js";
import { initDirectoryMap } from "./small.js";
import { markReady, prepare, reportTileFailures } from "./view.js";

function initListMap(map, container) {
  const glyphs = SETTINGS.glyphs;
  prepare(map, container);
  map.setMaxZoom(SETTINGS.maxZoom);
  reportTileFailures(map, document.getElementById("map-notice"));
  const config = readJSON("map-config");
  if (config) initLargeMap(map, container, glyphs, config);
  else initDirectoryMap(map, container, glyphs);
  initAreasView(map, container);
}

function initDetailMap(map, container) {
  const feature = readJSON("detail-map-data");
  prepare(map, container);
  const properties = feature.properties;
  const [longitude, latitude] = feature.geometry.coordinates;
  const latlng = L.latLng(latitude, longitude);
  const icon = markerIcon(container.dataset.glyph, properties.primary_sector, null);
  L.marker(latlng, { icon: icon, keyboard: false, interactive: false }).addTo(map);
  if (properties.approximate) {
    L.circle(latlng, { radius: 2500, interactive: false, color: "#1d70b8", weight: 2, dashArray: "6 6", fillOpacity: 0.08 }).addTo(map);
  }
  map.setView(latlng, properties.approximate ? DETAIL_ZOOM.approximate : DETAIL_ZOOM.exact, { animate: false });
  showWhereItWorks(map, latlng);
  markReady(map);
}

window.addEventListener("map:init", (event) => {
  const map = event.detail.map;
  if (event.detail.id === "mutual-map") initListMap(map, map.getContainer());
  if (event.detail.id === "detail-map") initDetailMap(map, map.getContainer());
  if (event.detail.id === "area-map") initAreaMap(map, map.getContainer());
});
