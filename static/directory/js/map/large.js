/* A large selection: the mutuals in view are loaded from the server, as points or in groups. */
import { keepFocusInClusters, popupKeyboard, showMarker } from "./keyboard.js";
import { clusterGroup, mutualMarkers, popupOptions } from "./markers.js";
import { FIT_MAX_ZOOM, SETTINGS, SHOW_ZOOM, element } from "./settings.js";

export const NUMBER = new Intl.NumberFormat("en-GB");

export function mutualsText(count) {
  return NUMBER.format(count) + (count === 1 ? " mutual" : " mutuals");
}

/* The sides of a cell of the server's clustering grid at a zoom level, as directory/maps.py computes them. */
export function cellSize(zoom) {
  const longitude = Math.pow(2, SETTINGS.clusterZoom - zoom);
  return { longitude: longitude, latitude: longitude / 2 };
}

/* The view's bounds widened to whole cells of the grid, so that nearby views ask for the same address (which the
   browser and the server's page cache can answer from their caches) and groups at the edges are whole. */
export function snappedBox(bounds, zoom) {
  const cell = cellSize(zoom - 1); // Two cells a side: small moves stay inside the box already loaded.
  const snap = (value, size, round, low, high) => Math.min(high, Math.max(low, round(value / size) * size));
  return [
    snap(bounds.getWest(), cell.longitude, Math.floor, -180, 180),
    snap(bounds.getSouth(), cell.latitude, Math.floor, -90, 90),
    snap(bounds.getEast(), cell.longitude, Math.ceil, -180, 180),
    snap(bounds.getNorth(), cell.latitude, Math.ceil, -90, 90),
  ];
}

export function boxAddress(base, box, zoom) {
  const query = new URLSearchParams(base.split("?")[1] || "");
  query.set("bbox", box.map((value) => String(Number(value.toFixed(6)))).join(","));
  query.set("zoom", String(zoom));
  return base.split("?")[0] + "?" + query.toString();
}

/* Whether every mutual in view is already drawn: the points (not groups) of an area that holds the view. */
export function covers(shown, bounds) {
  if (!shown || shown.data.clustered || shown.data.truncated) return false;
  const [west, south, east, north] = shown.box;
  return west <= bounds.getWest() && south <= bounds.getSouth() && east >= bounds.getEast() && north >= bounds.getNorth();
}

export function groupIcon(count) {
  const circle = element("span", "app-cluster app-cluster--area");
  circle.appendChild(element("span", "app-cluster__count", NUMBER.format(count)));
  circle.appendChild(element("span", "govuk-visually-hidden", " mutuals in this area: choose to zoom in"));
  const size = count < 100 ? 40 : count < 10000 ? 50 : 62;
  return L.divIcon({ className: "app-cluster-icon", html: circle, iconSize: [size, size] });
}

/* A group counted on the server: choosing it (a click, or Enter when focused) zooms to the mutuals it holds. */
export function areaGroup(feature, latlng, map, chosen) {
  const marker = L.marker(latlng, { icon: groupIcon(feature.properties.count), keyboard: true });
  const [west, south, east, north] = feature.bbox;
  const zoomIn = () => {
    chosen();
    if (west === east && south === north) map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
    else map.fitBounds([[south, west], [north, east]], { padding: [30, 30], maxZoom: map.getMaxZoom() });
  };
  marker.on("click", zoomIn);
  marker.on("keypress", (event) => {
    if (event.originalEvent.key === "Enter") zoomIn();
  });
  return marker;
}

export function statusText(data, config) {
  const shown = data.features.length;
  if (data.clustered) {
    return mutualsText(data.total) + " in this part of the map, shown in groups: zoom in or choose a group to see them one by one.";
  }
  if (data.truncated) {
    return "Showing " + NUMBER.format(shown) + " of the " + mutualsText(data.total) + " in this part of the map: the list below has them all.";
  }
  if (!shown) return "No mutuals of this selection in this part of the map: move or zoom out to see them.";
  if (shown === config.located) return "Showing all " + mutualsText(shown) + " of this selection that have a location.";
  return "Showing the " + mutualsText(shown) + " in this part of the map: move or zoom out to see the others.";
}

/* More mutuals than the page can carry: load those in view, as points or in groups, each time the map moves. */
export function initLargeMap(map, container, glyphs, config) {
  const status = document.getElementById("map-status");
  const cluster = clusterGroup();
  const areas = L.layerGroup();
  const options = popupOptions(container);
  const connect = popupKeyboard(container);
  const loaded = new Map();
  let markers = new Map();
  let shown = null;
  let fetching = null;
  let request = null;
  let wanted = null;
  let chosenGroup = false;
  let popupOpen = false;
  let reloadAfterPopup = false;
  map.on("popupopen", () => {
    popupOpen = true;
  });
  map.on("popupclose", () => {
    popupOpen = false;
    if (reloadAfterPopup) {
      reloadAfterPopup = false;
      setTimeout(load); // After the Escape key has moved the focus back.
    }
  });
  keepFocusInClusters(cluster, container);
  map.addLayer(cluster);
  map.addLayer(areas);
  if (config.bounds) map.fitBounds(config.bounds, { padding: [30, 30], maxZoom: FIT_MAX_ZOOM, animate: false });

  function draw(view) {
    const data = view.data;
    const focused = [...markers].find(([, marker]) => marker.getElement() === document.activeElement)?.[0];
    shown = view;
    cluster.clearLayers();
    areas.clearLayers();
    const groups = data.features.filter((feature) => feature.properties.cluster);
    const mutuals = data.features.filter((feature) => !feature.properties.cluster);
    groups.forEach((feature) => {
      const [longitude, latitude] = feature.geometry.coordinates;
      areas.addLayer(
        areaGroup(feature, L.latLng(latitude, longitude), map, () => {
          chosenGroup = true;
        })
      );
    });
    const drawn = mutualMarkers({ type: "FeatureCollection", features: mutuals }, glyphs, options);
    markers = drawn.markers;
    markers.forEach(connect);
    cluster.addLayers(drawn.layer.getLayers());
    container.dataset.markerCount = String(data.clustered ? data.total : data.features.length);
    container.dataset.clustered = String(Boolean(data.clustered));
    status.textContent = statusText(data, config);
    showWanted();
    if (focused) (markers.get(focused)?.getElement() || container).focus({ preventScroll: true });
    if (chosenGroup && !container.contains(document.activeElement)) container.focus({ preventScroll: true });
    chosenGroup = false;
    container.removeAttribute("aria-busy");
    document.body.dataset.mapReady = "true";
  }

  /* After "Show on map", once the mutual's area is drawn: open its popup, or zoom in further if it is still in a group. */
  function showWanted() {
    if (!wanted || !shown) return;
    const marker = markers.get(wanted.button.dataset.slug);
    if (marker) {
      const button = wanted.button;
      wanted = null;
      showMarker(cluster, marker, container, button);
    } else if (shown.data.clustered && map.getZoom() < map.getMaxZoom()) {
      map.setView(wanted.latlng, map.getZoom() + 1, { animate: false });
    } else {
      wanted = null;
    }
  }

  function load() {
    if (covers(shown, map.getBounds())) return showWanted();
    if (popupOpen) {
      // Drawing anew would close the popup someone is reading (and lose the focus in it): wait until it closes.
      reloadAfterPopup = true;
      return;
    }
    const zoom = map.getZoom();
    const box = snappedBox(map.getBounds(), zoom);
    const address = boxAddress(config.url, box, zoom);
    if (address === fetching) return;
    if (loaded.has(address)) return draw({ box: box, data: loaded.get(address) });
    request?.abort();
    request = new AbortController();
    fetching = address;
    container.setAttribute("aria-busy", "true");
    fetch(address, { signal: request.signal, headers: { Accept: "application/geo+json" } })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then((data) => {
        fetching = null;
        loaded.set(address, data);
        draw({ box: box, data: data });
      })
      .catch((error) => {
        if (error.name === "AbortError") return;
        fetching = null;
        container.removeAttribute("aria-busy");
        status.textContent = "The mutuals in this part of the map could not be loaded. The list below still works.";
        document.body.dataset.mapReady = "true";
      });
  }

  map.on("moveend", load);
  load();
  document.querySelectorAll(".app-map-list__show[data-latitude]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const latlng = L.latLng(Number(button.dataset.latitude), Number(button.dataset.longitude));
      wanted = { button: button, latlng: latlng };
      container.scrollIntoView({ block: "nearest" });
      map.setView(latlng, Math.max(map.getZoom(), SHOW_ZOOM), { animate: false });
      load();
    });
  });
}
