/* Districts on the small maps: the one an area's page is about, with the mutuals named there; the ones a mutual works in. */
import { markerIcon } from "./markers.js";
import { DETAIL_ZOOM, readJSON } from "./settings.js";
import { markReady, prepare } from "./view.js";

const SHADING = { color: "#1d70b8", weight: 2, fillColor: "#1d70b8", fillOpacity: 0.15, interactive: false };
const FIT = { padding: [10, 10], animate: false };

export function drawDistricts(map, collection) {
  return L.geoJSON(collection, { style: () => SHADING, interactive: false }).addTo(map);
}

/* An area's page: the district shaded and fitted, a pin where each mutual named there is based. */
export function initAreaMap(map, container) {
  prepare(map, container);
  const districts = drawDistricts(map, readJSON("area-map-boundary"));
  const points = readJSON("area-map-points") || [];
  points.forEach((point) => {
    const [longitude, latitude] = point.coordinates;
    const icon = markerIcon(point.glyph, point.sector, null);
    L.marker([latitude, longitude], { icon: icon, keyboard: false, interactive: false }).addTo(map);
  });
  container.dataset.markerCount = String(points.length);
  map.fitBounds(districts.getBounds(), FIT);
  markReady(map);
}

/* A mutual's page: the districts it works in shaded, and the view widened to hold them and where it is based. */
export function showWhereItWorks(map, latlng) {
  const collection = readJSON("detail-map-areas");
  if (!collection || !collection.features.length) return;
  const districts = drawDistricts(map, collection);
  districts.bringToBack();
  map.getContainer().dataset.districtCount = String(collection.features.length);
  map.fitBounds(districts.getBounds().extend(latlng), { ...FIT, maxZoom: DETAIL_ZOOM.approximate });
}
