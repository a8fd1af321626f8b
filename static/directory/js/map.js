/* The directory's maps. django-leaflet creates each map and announces it with a map:init event. */
(function () {
  "use strict";

  const FIT_MAX_ZOOM = 11;
  const MAX_ZOOM = 14; // Most locations are town centres: closer views would suggest a precision we lack.
  const DETAIL_ZOOM = { approximate: 11, exact: 15 };
  const SHOW_ZOOM = 12; // "Show on map" for a large selection: close enough that most areas hold points, not groups.
  const CLUSTER_ZOOM = 7; // As directory/map.py: the zoom at which a cell of the server's grid is 1° high.
  const PHONE = window.matchMedia("(max-width: 40.0525em)"); // GOV.UK Frontend's mobile breakpoint, as in map.css.
  const TILE_FAILURE = "The map's background could not load. The markers and the list below still work.";
  const REDUCED_MOTION = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function readJSON(id) {
    const script = document.getElementById(id);
    return script ? JSON.parse(script.textContent) : null;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function markerIcon(glyph, sectorSlug, label) {
    const marker = element("span", "app-marker app-marker--" + sectorSlug);
    marker.appendChild(element("span", "app-marker__glyph", glyph)).setAttribute("aria-hidden", "true");
    if (label) marker.appendChild(element("span", "govuk-visually-hidden", label));
    return L.divIcon({ className: "app-marker-icon", html: marker, iconSize: [30, 30], iconAnchor: [15, 36], popupAnchor: [0, -36] });
  }

  function clusterIcon(cluster) {
    const count = cluster.getChildCount();
    const circle = element("span", "app-cluster");
    circle.appendChild(element("span", "app-cluster__count", String(count)));
    circle.appendChild(element("span", "govuk-visually-hidden", " mutuals here: zoom in to see them"));
    return L.divIcon({ className: "app-cluster-icon", html: circle, iconSize: [40, 40] });
  }

  function addFact(list, term, description) {
    const row = list.appendChild(element("div"));
    row.appendChild(element("dt", null, term));
    row.appendChild(element("dd", null, description));
  }

  /* Where a mutual is based, each name once: "Batley, Yorkshire and The Humber", "London". */
  function placeText(properties) {
    const names = [properties.town, properties.region && properties.region.name].filter(Boolean);
    const unique = names.filter((name, index) => !names.slice(0, index).some((earlier) => earlier.toLowerCase() === name.toLowerCase()));
    return unique.join(", ") || "not known";
  }

  function locationText(properties) {
    const note = properties.location_note ? ", " + properties.location_note : "";
    return (properties.approximate ? "approximate" : "street address") + note;
  }

  function popupContent(properties) {
    const popup = element("div", "app-popup");
    popup.appendChild(element("h3", "govuk-heading-s app-popup__title", properties.name));
    const facts = popup.appendChild(element("dl", "govuk-body-s app-popup__facts"));
    const sectors = properties.sectors.map((sector) => sector.name);
    addFact(facts, sectors.length > 1 ? "Sectors" : "Sector", sectors.join(", "));
    addFact(facts, "Where", placeText(properties));
    addFact(facts, "Status", properties.status_label);
    addFact(facts, "Location", locationText(properties));
    const more = popup.appendChild(element("p", "govuk-body-s govuk-!-margin-bottom-0"));
    const link = more.appendChild(element("a", "govuk-link app-popup__link", "More about " + properties.name));
    link.href = properties.url;
    return popup;
  }

  /* django-leaflet creates the map, so its animation options are switched off here, for people who ask for less motion. */
  function reduceMotion(map) {
    map._zoomAnimated = false;
    map.options.zoomAnimation = map.options.fadeAnimation = map.options.markerZoomAnimation = map.options.inertia = false;
    const panBy = map.panBy;
    map.panBy = (offset, options) => panBy.call(map, offset, Object.assign({}, options, { animate: false }));
  }

  function prepare(map, container) {
    map.scrollWheelZoom.disable();
    if (REDUCED_MOTION) reduceMotion(map);
    container.querySelector(".app-map__fallback")?.remove();
    container.dataset.zoom = String(map.getZoom());
    map.on("zoomend", () => {
      container.dataset.zoom = String(map.getZoom());
    });
  }

  function reportTileFailures(map, notice) {
    map.eachLayer((layer) => {
      if (notice && layer instanceof L.TileLayer) {
        layer.once("tileerror", () => {
          notice.textContent = TILE_FAILURE;
        });
      }
    });
  }

  function markReady(map) {
    map.whenReady(() => {
      document.body.dataset.mapReady = "true";
    });
  }

  function primarySector(properties) {
    const slug = properties.primary_sector;
    return properties.sectors.find((sector) => sector.slug === slug) || { slug: slug, name: slug };
  }

  function directoryMarker(feature, latlng, glyphs) {
    const properties = feature.properties;
    const sector = primarySector(properties);
    const label = properties.name + ", " + sector.name + (properties.approximate ? ", approximate location" : "");
    const icon = markerIcon(glyphs[sector.slug] || sector.name.slice(0, 2), sector.slug, label);
    return L.marker(latlng, { icon: icon, keyboard: true, riseOnHover: true });
  }

  const returnFocus = new WeakMap();

  /* Keyboard users move from a marker into its open popup with Tab, and leave it with Escape. Returns a function that
     connects a marker, so that markers loaded later are connected too. */
  function popupKeyboard(container) {
    let open = null;
    container.addEventListener("keydown", (event) => {
      if (!open || !open.isPopupOpen()) return;
      const marker = open;
      const icon = marker.getElement();
      const popup = marker.getPopup().getElement();
      if (event.key === "Tab" && !event.shiftKey && document.activeElement === icon) {
        event.preventDefault();
        popup.querySelector("a.app-popup__link").focus();
      } else if (event.key === "Escape" && (popup.contains(document.activeElement) || document.activeElement === icon)) {
        event.preventDefault();
        const returnTo = returnFocus.get(marker) || icon;
        marker.closePopup();
        returnTo?.focus();
      }
    });
    return (marker) => {
      marker.on("popupopen", () => {
        open = marker;
      });
      marker.on("popupclose", () => {
        if (open === marker) open = null;
        returnFocus.delete(marker);
      });
    };
  }

  function showMarker(cluster, marker, container, button) {
    cluster.zoomToShowLayer(marker, () => {
      marker.openPopup();
      returnFocus.set(marker, button);
      container.scrollIntoView({ block: "nearest" });
      marker.getElement()?.focus({ preventScroll: true });
    });
  }

  /* A cluster chosen with Enter disappears as the map zooms in: move focus to what now shows its first mutual. */
  function keepFocusInClusters(cluster, container) {
    let chosen = null;
    cluster.on("clusterkeypress", (event) => {
      if (event.originalEvent.keyCode !== 13) return;
      chosen = event.layer;
      const first = chosen.getAllChildMarkers()[0];
      cluster.once("animationend", () => {
        (cluster.getVisibleParent(first)?.getElement() || container).focus({ preventScroll: true });
      });
    });
    cluster.on("spiderfied", (event) => {
      if (chosen === event.cluster) event.markers[0].getElement()?.focus({ preventScroll: true });
      chosen = null;
    });
  }

  /* A cluster is drawn at the mean of its mutuals, nearer to its neighbours than the radius it gathers them from: at
     45px, 40px circles overlapped. On a phone the view may stop between zoom levels (fitToMutuals), where the plugin
     clusters for the nearest whole level, up to 30% closer together on screen. */
  function clusterGroup() {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: PHONE.matches ? 80 : 60,
      spiderfyOnMaxZoom: true,
      animate: !REDUCED_MOTION,
      iconCreateFunction: clusterIcon,
    });
  }

  function popupOptions(container) {
    return {
      maxWidth: Math.max(160, Math.min(300, container.clientWidth - 100)),
      autoPanPaddingTopLeft: L.point(50, 10),
      autoPanPaddingBottomRight: L.point(10, 10),
    };
  }

  /* Return the mutuals of a FeatureCollection as a GeoJSON layer of markers with popups, and the markers by slug. */
  function mutualMarkers(data, glyphs, options) {
    const markers = new Map();
    const layer = L.geoJSON(data, {
      pointToLayer: (feature, latlng) => directoryMarker(feature, latlng, glyphs),
      onEachFeature: (feature, marker) => {
        marker.bindPopup(popupContent(feature.properties), options);
        markers.set(feature.properties.slug, marker);
      },
    });
    return { layer, markers };
  }

  /* Fit the view to the mutuals, with room for the icons: markers stand 36px above their point, clusters are 40px
     round. On a phone a whole zoom level less than what fits leaves the mutuals in a quarter of the box, so the fit
     there stops at quarter levels. (A large selection keeps whole levels: the server's grid is made for them.) */
  function fitToMutuals(map, bounds) {
    if (PHONE.matches) map.options.zoomSnap = 0.25;
    map.fitBounds(bounds, { paddingTopLeft: [24, 40], paddingBottomRight: [24, 24], maxZoom: FIT_MAX_ZOOM, animate: false });
  }

  /* Every mutual of the selection is on the page: draw them all and cluster them here. */
  function initDirectoryMap(map, container, glyphs) {
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

  const NUMBER = new Intl.NumberFormat("en-GB");

  function mutualsText(count) {
    return NUMBER.format(count) + (count === 1 ? " mutual" : " mutuals");
  }

  /* The sides of a cell of the server's clustering grid at a zoom level, as directory/map.py computes them. */
  function cellSize(zoom) {
    const longitude = Math.pow(2, CLUSTER_ZOOM - zoom);
    return { longitude: longitude, latitude: longitude / 2 };
  }

  /* The view's bounds widened to whole cells of the grid, so that nearby views ask for the same address (which the
     browser and the server's page cache can answer from their caches) and groups at the edges are whole. */
  function snappedBox(bounds, zoom) {
    const cell = cellSize(zoom - 1); // Two cells a side: small moves stay inside the box already loaded.
    const snap = (value, size, round, low, high) => Math.min(high, Math.max(low, round(value / size) * size));
    return [
      snap(bounds.getWest(), cell.longitude, Math.floor, -180, 180),
      snap(bounds.getSouth(), cell.latitude, Math.floor, -90, 90),
      snap(bounds.getEast(), cell.longitude, Math.ceil, -180, 180),
      snap(bounds.getNorth(), cell.latitude, Math.ceil, -90, 90),
    ];
  }

  function boxAddress(base, box, zoom) {
    const query = new URLSearchParams(base.split("?")[1] || "");
    query.set("bbox", box.map((value) => String(Number(value.toFixed(6)))).join(","));
    query.set("zoom", String(zoom));
    return base.split("?")[0] + "?" + query.toString();
  }

  /* Whether every mutual in view is already drawn: the points (not groups) of an area that holds the view. */
  function covers(shown, bounds) {
    if (!shown || shown.data.clustered || shown.data.truncated) return false;
    const [west, south, east, north] = shown.box;
    return west <= bounds.getWest() && south <= bounds.getSouth() && east >= bounds.getEast() && north >= bounds.getNorth();
  }

  function groupIcon(count) {
    const circle = element("span", "app-cluster app-cluster--area");
    circle.appendChild(element("span", "app-cluster__count", NUMBER.format(count)));
    circle.appendChild(element("span", "govuk-visually-hidden", " mutuals in this area: choose to zoom in"));
    const size = count < 100 ? 40 : count < 10000 ? 50 : 62;
    return L.divIcon({ className: "app-cluster-icon", html: circle, iconSize: [size, size] });
  }

  /* A group counted on the server: choosing it (a click, or Enter when focused) zooms to the mutuals it holds. */
  function areaGroup(feature, latlng, map, chosen) {
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

  function statusText(data, config) {
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
  function initLargeMap(map, container, glyphs, config) {
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

  function initListMap(map, container) {
    const glyphs = readJSON("map-glyphs") || {};
    prepare(map, container);
    map.setMaxZoom(MAX_ZOOM);
    reportTileFailures(map, document.getElementById("map-notice"));
    const config = readJSON("map-config");
    if (config) initLargeMap(map, container, glyphs, config);
    else initDirectoryMap(map, container, glyphs);
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
    markReady(map);
  }

  window.addEventListener("map:init", (event) => {
    const map = event.detail.map;
    if (event.detail.id === "mutual-map") initListMap(map, map.getContainer());
    if (event.detail.id === "detail-map") initDetailMap(map, map.getContainer());
  });
})();
