/* Markers, groups and popups of mutuals. */
import { PHONE, REDUCED_MOTION, element } from "./settings.js";

export function markerIcon(glyph, sectorSlug, label) {
  const marker = element("span", "app-marker app-marker--" + sectorSlug);
  marker.appendChild(element("span", "app-marker__glyph", glyph)).setAttribute("aria-hidden", "true");
  if (label) marker.appendChild(element("span", "govuk-visually-hidden", label));
  return L.divIcon({ className: "app-marker-icon", html: marker, iconSize: [30, 30], iconAnchor: [15, 36], popupAnchor: [0, -36] });
}

export function clusterIcon(cluster) {
  const count = cluster.getChildCount();
  const circle = element("span", "app-cluster");
  circle.appendChild(element("span", "app-cluster__count", String(count)));
  circle.appendChild(element("span", "govuk-visually-hidden", " mutuals here: zoom in to see them"));
  return L.divIcon({ className: "app-cluster-icon", html: circle, iconSize: [40, 40] });
}

export function addFact(list, term, description) {
  const row = list.appendChild(element("div"));
  row.appendChild(element("dt", null, term));
  row.appendChild(element("dd", null, description));
}

/* Where a mutual is based, each name once: "Batley, Yorkshire and The Humber", "London". */
export function placeText(properties) {
  const names = [properties.town, properties.region && properties.region.name].filter(Boolean);
  const unique = names.filter((name, index) => !names.slice(0, index).some((earlier) => earlier.toLowerCase() === name.toLowerCase()));
  return unique.join(", ") || "not known";
}

export function locationText(properties) {
  const note = properties.location_note ? ", " + properties.location_note : "";
  return (properties.approximate ? "approximate" : "street address") + note;
}

export function popupContent(properties) {
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

export function primarySector(properties) {
  const slug = properties.primary_sector;
  return properties.sectors.find((sector) => sector.slug === slug) || { slug: slug, name: slug };
}

export function directoryMarker(feature, latlng, glyphs) {
  const properties = feature.properties;
  const sector = primarySector(properties);
  const label = properties.name + ", " + sector.name + (properties.approximate ? ", approximate location" : "");
  const icon = markerIcon(glyphs[sector.slug] || sector.name.slice(0, 2), sector.slug, label);
  return L.marker(latlng, { icon: icon, keyboard: true, riseOnHover: true });
}

/* A cluster is drawn at the mean of its mutuals, nearer to its neighbours than the radius it gathers them from: at
   45px, 40px circles overlapped. On a phone the view may stop between zoom levels (fitToMutuals), where the plugin
   clusters for the nearest whole level, up to 30% closer together on screen. */
export function clusterGroup() {
  return L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: PHONE.matches ? 80 : 60,
    spiderfyOnMaxZoom: true,
    animate: !REDUCED_MOTION,
    iconCreateFunction: clusterIcon,
  });
}

export function popupOptions(container) {
  return {
    maxWidth: Math.max(160, Math.min(300, container.clientWidth - 100)),
    autoPanPaddingTopLeft: L.point(50, 10),
    autoPanPaddingBottomRight: L.point(10, 10),
  };
}

/* Return the mutuals of a FeatureCollection as a GeoJSON layer of markers with popups, and the markers by slug. */
export function mutualMarkers(data, glyphs, options) {
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
