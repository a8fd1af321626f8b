/* A small selection: every mutual is on the page, clustered here. */
import { keepFocusInClusters, popupKeyboard, showMarker } from "./keyboard.js";
import { clusterGroup, mutualMarkers, popupOptions } from "./markers.js";
import { readJSON } from "./settings.js";
import { fitToMutuals, markReady } from "./view.js";

/* Every mutual of the selection is on the page: draw them all and cluster them here. */
export function initDirectoryMap(map, container, glyphs) {
  const data = readJSON("map-data");
  const cluster = clusterGroup();
  const { layer, markers } = mutualMarkers(data, glyphs, popupOptions(container));
  if (markers.size) fitToMutuals(map, layer.getBounds());
  // Clustered after the view is set, so that no zoom animation is still running when the map says it is ready.
  cluster.addLayers(layer.getLayers());
  keepFocusInClusters(cluster, container);
  map.addLayer(cluster);
  container.dataset.markerCount = String(cluster.getLayers().length);
  markers.forEach(popupKeyboard(container));
  document.querySelectorAll(".app-map-list__show").forEach((button) => {
    const marker = markers.get(button.dataset.slug);
    if (!marker) return;
    button.hidden = false;
    button.addEventListener("click", () => showMarker(cluster, marker, container, button));
  });
  markReady(map);
}
