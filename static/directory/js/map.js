/* The directory's maps. django-leaflet creates each map and announces it with a map:init event. */
(function () {
  "use strict";

  const FIT_MAX_ZOOM = 11;
  const MAX_ZOOM = 14; // Most locations are town centres: closer views would suggest a precision we lack.
  const DETAIL_ZOOM = { approximate: 11, exact: 15 };
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
    addFact(facts, "Town", (properties.town || "not known") + (properties.region ? ", " + properties.region.name : ""));
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

  /* Keyboard users move from a marker into its open popup with Tab, and leave it with Escape. */
  function connectPopupsToKeyboard(map, container, markers) {
    let open = null;
    markers.forEach((marker) => {
      marker.on("popupopen", () => {
        open = marker;
      });
      marker.on("popupclose", () => {
        if (open === marker) open = null;
        returnFocus.delete(marker);
      });
    });
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

  function initDirectoryMap(map, container) {
    const data = readJSON("map-data");
    const glyphs = readJSON("map-glyphs") || {};
    prepare(map, container);
    map.setMaxZoom(MAX_ZOOM);
    reportTileFailures(map, document.getElementById("map-notice"));
    const cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      spiderfyOnMaxZoom: true,
      animate: !REDUCED_MOTION,
      iconCreateFunction: clusterIcon,
    });
    const markers = new Map();
    const popupOptions = {
      maxWidth: Math.max(160, Math.min(300, container.clientWidth - 100)),
      autoPanPaddingTopLeft: L.point(50, 10),
      autoPanPaddingBottomRight: L.point(10, 10),
    };
    const features = L.geoJSON(data, {
      pointToLayer: (feature, latlng) => directoryMarker(feature, latlng, glyphs),
      onEachFeature: (feature, marker) => {
        marker.bindPopup(popupContent(feature.properties), popupOptions);
        markers.set(feature.properties.slug, marker);
      },
    });
    if (markers.size) {
      map.fitBounds(features.getBounds(), { padding: [30, 30], maxZoom: FIT_MAX_ZOOM, animate: false });
    }
    // Clustered after the view is set, so that no zoom animation is still running when the map says it is ready.
    cluster.addLayers(features.getLayers());
    keepFocusInClusters(cluster, container);
    map.addLayer(cluster);
    container.dataset.markerCount = String(cluster.getLayers().length);
    connectPopupsToKeyboard(map, container, markers);
    document.querySelectorAll(".app-map-list__show").forEach((button) => {
      const marker = markers.get(button.dataset.slug);
      if (!marker) return;
      button.hidden = false;
      button.addEventListener("click", () => showMarker(cluster, marker, container, button));
    });
    markReady(map);
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
    if (event.detail.id === "mutual-map") initDirectoryMap(map, map.getContainer());
    if (event.detail.id === "detail-map") initDetailMap(map, map.getContainer());
  });
})();
