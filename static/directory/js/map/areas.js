/* "Where they work": the map page's second view, England's districts shaded by how many mutuals of the selection
   name them (/areas.json, with the page's query), over the boundaries file. Opening a mutual outlines its districts. */
import { element } from "./settings.js";

/* ColorBrewer YlGnBu (6 classes, without its palest, which the map's background would hide): sequential, and safe
   for colour-blind readers. Fewer classes take the darker end, so the most mutuals are always the darkest. */
export const COLOURS = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"];

export function palette(breaks) {
  return COLOURS.slice(COLOURS.length - breaks.length);
}
const STORAGE_KEY = "mutuals-map-view";
const NUMBER = new Intl.NumberFormat("en-GB");

/* Up to five classes of whole counts from 1 to `max`, each [low, high]: 1, 2, 3, 4, 5 when the counts are small. */
export function classes(max) {
  const step = Math.max(1, Math.ceil(max / COLOURS.length));
  const result = [];
  for (let low = 1; low <= max; low += step) result.push([low, Math.min(max, low + step - 1)]);
  return result;
}

export function classOf(count, breaks) {
  return breaks.findIndex(([low, high]) => count >= low && count <= high);
}

export function rangeText([low, high]) {
  return low === high ? NUMBER.format(low) : NUMBER.format(low) + "–" + NUMBER.format(high);
}

function mutualsText(count) {
  return NUMBER.format(count) + (count === 1 ? " mutual" : " mutuals");
}

function drawLegend(list, breaks) {
  const colours = palette(breaks);
  list.replaceChildren();
  breaks.forEach((range, index) => {
    const item = list.appendChild(element("li", "app-area-legend__item"));
    const swatch = item.appendChild(element("span", "app-area-legend__swatch"));
    swatch.style.background = colours[index];
    swatch.setAttribute("aria-hidden", "true");
    item.appendChild(document.createTextNode(rangeText(range) + (range[1] === 1 ? " mutual" : " mutuals")));
  });
  const none = list.appendChild(element("li", "app-area-legend__item"));
  none.appendChild(element("span", "app-area-legend__swatch app-area-legend__swatch--none")).setAttribute("aria-hidden", "true");
  none.appendChild(document.createTextNode("none (not shaded)"));
}

function getJSON(url) {
  return fetch(url, { headers: { Accept: "application/json" } }).then((response) => {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  });
}

export function initAreasView(map, container) {
  const choice = document.getElementById("map-view");
  const key = document.getElementById("areas-key");
  const basedKey = document.getElementById("based-key");
  if (!choice || !key) return;
  const status = document.getElementById("areas-status");
  const legend = document.getElementById("areas-legend");
  const radios = choice.querySelectorAll("input[name=map-view]");
  const markerPanes = ["markerPane", "shadowPane"].map((name) => map.getPane(name));
  let boundaries = null;
  let counts = null;
  let shaded = null;
  let outline = null;
  let loadingShapes = null;
  let loading = null;
  choice.hidden = false;

  /* The boundaries (a static file, cached for a year) alone, for outlining a mutual's districts. */
  function loadShapes() {
    loadingShapes =
      loadingShapes ||
      getJSON(key.dataset.boundariesUrl).then((shapes) => {
        boundaries = shapes;
      });
    return loadingShapes;
  }

  function load() {
    loading =
      loading ||
      Promise.all([loadShapes(), getJSON(key.dataset.countsUrl)]).then(([, data]) => {
        counts = data;
      });
    return loading;
  }

  function draw() {
    const byslug = new Map(counts.districts.map((district) => [district.slug, district]));
    const max = Math.max(0, ...counts.districts.map((district) => district.count));
    const breaks = classes(max);
    const colours = palette(breaks);
    drawLegend(legend, breaks);
    let named = 0;
    shaded = L.geoJSON(boundaries, {
      attribution: key.dataset.credit,
      style: (feature) => {
        const count = byslug.get(feature.properties.slug)?.count || 0;
        const index = classOf(count, breaks);
        return index < 0
          ? { color: "#6f777b", weight: 0.6, fillOpacity: 0, opacity: 0.6 }
          : { color: "#505a5f", weight: 0.8, fillColor: colours[index], fillOpacity: 0.8, opacity: 1 };
      },
      onEachFeature: (feature, layer) => {
        const district = byslug.get(feature.properties.slug);
        const count = district?.count || 0;
        if (count) named += 1;
        layer.bindTooltip(feature.properties.name + ": " + mutualsText(count), { sticky: true });
        layer.on("click", () => {
          if (district) window.location.href = district.url;
        });
        layer.on("add", () => {
          const path = layer.getElement();
          path?.setAttribute("data-slug", feature.properties.slug);
          path?.setAttribute("data-count", String(count));
        });
      },
    });
    shaded.addTo(map);
    const bounds = L.featureGroup(shaded.getLayers().filter((layer) => (byslug.get(layer.feature.properties.slug)?.count || 0) > 0));
    if (bounds.getLayers().length) map.fitBounds(bounds.getBounds(), { padding: [20, 20], maxZoom: 10, animate: false });
    container.dataset.areasShaded = String(named);
    status.textContent = named
      ? "Shaded: " + NUMBER.format(named) + (named === 1 ? " district" : " districts") + " where mutuals of this selection work."
      : "No mutual of this selection names a district where it works.";
  }

  function show(view) {
    const areas = view === "areas";
    key.hidden = !areas;
    if (basedKey) basedKey.hidden = areas;
    markerPanes.forEach((pane) => {
      if (pane) pane.style.display = areas ? "none" : "";
    });
    container.dataset.view = view;
    try {
      window.sessionStorage.setItem(STORAGE_KEY, view);
    } catch (error) {
      /* Storage may be switched off: the view is then not remembered. */
    }
    if (!areas) {
      if (shaded) map.removeLayer(shaded);
      return;
    }
    map.closePopup();
    container.setAttribute("aria-busy", "true");
    load()
      .then(() => {
        if (container.dataset.view !== "areas") return;
        if (shaded) shaded.addTo(map);
        else draw();
      })
      .catch(() => {
        status.textContent = "The districts could not be loaded. The table below the map has them.";
      })
      .finally(() => {
        container.removeAttribute("aria-busy");
        document.body.dataset.areasReady = "true";
      });
  }

  /* Opening a mutual outlines the districts it names, from its record. */
  map.on("popupopen", (event) => {
    const slug = event.popup._source?.feature?.properties?.slug;
    if (outline) map.removeLayer(outline);
    outline = null;
    if (!slug) return;
    const recordUrl = event.popup._source.feature.properties.url.replace(/\/$/, "") + ".json";
    Promise.all([loadShapes(), getJSON(recordUrl)])
      .then(([, record]) => {
        const areas = record.mutual.areas;
        const slugs = new Set((areas?.districts || []).map((district) => district.slug));
        if (!slugs.size || !map.hasLayer(event.popup)) return;
        outline = L.geoJSON(boundaries, {
          filter: (feature) => slugs.has(feature.properties.slug),
          style: { color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 0.25 },
          interactive: false,
          attribution: key.dataset.credit,
        }).addTo(map);
        container.dataset.outlined = String(slugs.size);
      })
      .catch(() => {});
  });
  map.on("popupclose", () => {
    if (outline) map.removeLayer(outline);
    outline = null;
    delete container.dataset.outlined;
  });

  radios.forEach((radio) => radio.addEventListener("change", () => radio.checked && show(radio.value)));
  /* "Show on map" opens a marker, which "Where they are based" shows. */
  document.addEventListener(
    "click",
    (event) => {
      if (event.target.closest?.(".app-map-list__show") && container.dataset.view === "areas") {
        document.getElementById("map-view-based").checked = true;
        show("based");
      }
    },
    true
  );
  let remembered = null;
  try {
    remembered = window.sessionStorage.getItem(STORAGE_KEY);
  } catch (error) {
    remembered = null;
  }
  if (remembered === "areas") {
    document.getElementById("map-view-areas").checked = true;
    show("areas");
  } else {
    container.dataset.view = "based";
  }
}
