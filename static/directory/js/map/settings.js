/* The maps' constants, and what the server sends them (directory/maps.py). */
export const FIT_MAX_ZOOM = 11;

export const DETAIL_ZOOM = { approximate: 11, exact: 15 };

export const SHOW_ZOOM = 12; // "Show on map" for a large selection: close enough that most areas hold points, not groups.

export const PHONE = window.matchMedia("(max-width: 40.0525em)"); // GOV.UK Frontend's mobile breakpoint, as in map.css.

export const TILE_FAILURE = "The map's background could not load. The markers and the list below still work.";

export const REDUCED_MOTION = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

export function readJSON(id) {
  const script = document.getElementById(id);
  return script ? JSON.parse(script.textContent) : null;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/* What the server and the map must agree on (directory/maps.py): the zoom limits of its grid, and the sectors' letters. */
export const SETTINGS = readJSON("map-settings") || { glyphs: {} };
