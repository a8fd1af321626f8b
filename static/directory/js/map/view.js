/* Setting up a map's view: motion, tiles, fitting, readiness. */
import { FIT_MAX_ZOOM, PHONE, REDUCED_MOTION, TILE_FAILURE } from "./settings.js";

/* django-leaflet creates the map, so its animation options are switched off here, for people who ask for less motion. */
export function reduceMotion(map) {
  map._zoomAnimated = false;
  map.options.zoomAnimation = map.options.fadeAnimation = map.options.markerZoomAnimation = map.options.inertia = false;
  const panBy = map.panBy;
  map.panBy = (offset, options) => panBy.call(map, offset, Object.assign({}, options, { animate: false }));
}

export function prepare(map, container) {
  map.scrollWheelZoom.disable();
  if (REDUCED_MOTION) reduceMotion(map);
  container.querySelector(".app-map__fallback")?.remove();
  container.dataset.zoom = String(map.getZoom());
  map.on("zoomend", () => {
    container.dataset.zoom = String(map.getZoom());
  });
}

export function reportTileFailures(map, notice) {
  map.eachLayer((layer) => {
    if (notice && layer instanceof L.TileLayer) {
      layer.once("tileerror", () => {
        notice.textContent = TILE_FAILURE;
      });
    }
  });
}

export function markReady(map) {
  map.whenReady(() => {
    document.body.dataset.mapReady = "true";
  });
}

/* Fit the view to the mutuals, with room for the icons: markers stand 36px above their point, clusters are 40px
   round. On a phone a whole zoom level less than what fits leaves the mutuals in a quarter of the box, so the fit
   there stops at quarter levels. (A large selection keeps whole levels: the server's grid is made for them.) */
export function fitToMutuals(map, bounds) {
  if (PHONE.matches) map.options.zoomSnap = 0.25;
  map.fitBounds(bounds, { paddingTopLeft: [24, 40], paddingBottomRight: [24, 24], maxZoom: FIT_MAX_ZOOM, animate: false });
}
