/* Keyboard use of markers, popups and groups. */
export const returnFocus = new WeakMap();

/* Keyboard users move from a marker into its open popup with Tab, and leave it with Escape. Returns a function that
   connects a marker, so that markers loaded later are connected too. */
export function popupKeyboard(container) {
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

export function showMarker(cluster, marker, container, button) {
  cluster.zoomToShowLayer(marker, () => {
    marker.openPopup();
    returnFocus.set(marker, button);
    container.scrollIntoView({ block: "nearest" });
    marker.getElement()?.focus({ preventScroll: true });
  });
}

/* A cluster chosen with Enter disappears as the map zooms in: move focus to what now shows its first mutual. */
export function keepFocusInClusters(cluster, container) {
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
