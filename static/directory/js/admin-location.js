// The admin's location picker: a click or a dragged marker on the map fills in latitude and longitude,
// and typing coordinates moves the marker. Configuration comes from a json_script element.
(function () {
  "use strict";

  var TILES_FAILED =
    "The map's background could not load, so it shows no streets or places. " +
    "Type the latitude and longitude instead; clicking the map still sets them.";

  function readPoint(latitude, longitude) {
    var lat = parseFloat(latitude.value);
    var lng = parseFloat(longitude.value);
    return isFinite(lat) && isFinite(lng) ? L.latLng(lat, lng) : null;
  }

  function insideEngland(config, point) {
    var box = config.england;
    return (
      point.lat >= box.latitude[0] && point.lat <= box.latitude[1] &&
      point.lng >= box.longitude[0] && point.lng <= box.longitude[1]
    );
  }

  function optionLabel(select) {
    var option = select.options[select.selectedIndex];
    return option ? option.text : select.value;
  }

  // Without its tiles the map is a blank grey box: say so, as the public map does. data-tiles tells tests when the
  // tiles have settled ("loaded" or "failed").
  function watchTiles(container, mapElement, tiles) {
    var notice = document.createElement("p");
    notice.className = "location-picker__notice";
    notice.setAttribute("role", "status");
    mapElement.before(notice);
    tiles.once("tileerror", function () {
      container.dataset.tiles = "failed";
      notice.textContent = TILES_FAILED;
    });
    tiles.on("load", function () {
      if (!container.dataset.tiles) {
        container.dataset.tiles = "loaded";
      }
    });
  }

  function setUp(container) {
    var config = JSON.parse(document.getElementById(container.dataset.locationPicker).textContent);
    var latitude = document.getElementById(config.fields.latitude);
    var longitude = document.getElementById(config.fields.longitude);
    var basis = document.getElementById(config.fields.basis);
    var status = container.querySelector(".location-picker__status");
    if (!latitude || !longitude || typeof L === "undefined") {
      return;
    }
    var mapElement = container.querySelector(".location-picker__map");
    var map = L.map(mapElement, { scrollWheelZoom: false });
    watchTiles(container, mapElement, L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map));
    var marker = null;

    function place(point) {
      if (marker) {
        marker.setLatLng(point);
        return;
      }
      marker = L.marker(point, { draggable: true, title: "The mutual's location: drag to move" }).addTo(map);
      marker.on("dragend", function () {
        pick(marker.getLatLng());
      });
    }

    function remove() {
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
    }

    // Picking at street level marks a street address; picking further out is approximate,
    // unless the editor already said it is a postcode centre.
    function updateBasis() {
      if (!basis) {
        return "";
      }
      var streetLevel = map.getZoom() >= config.streetZoom;
      var wanted = streetLevel ? config.basis.street : config.basis.approximate;
      var keep = !streetLevel && basis.value && basis.value !== config.basis.street;
      if (keep || basis.value === wanted) {
        return " Check “How the location was found”: it says “" + optionLabel(basis) + "”.";
      }
      basis.value = wanted;
      basis.dispatchEvent(new Event("change", { bubbles: true }));
      return " “How the location was found” is now “" + optionLabel(basis) + "”: change it if that is wrong.";
    }

    function pick(point) {
      place(point);
      latitude.value = point.lat.toFixed(5);
      longitude.value = point.lng.toFixed(5);
      var message = "Location set to " + latitude.value + ", " + longitude.value + ".";
      if (!insideEngland(config, point)) {
        message += " This point is outside England: the form will not accept it.";
      }
      status.textContent = message + updateBasis();
    }

    map.on("click", function (event) {
      pick(event.latlng);
    });

    function typed() {
      var point = readPoint(latitude, longitude);
      if (point) {
        place(point);
        map.panTo(point);
      } else {
        remove();
      }
    }
    latitude.addEventListener("change", typed);
    longitude.addEventListener("change", typed);

    container.querySelector(".location-picker__clear").addEventListener("click", function () {
      latitude.value = "";
      longitude.value = "";
      remove();
      status.textContent = "Location removed. Save to keep the change.";
    });

    var start = readPoint(latitude, longitude);
    if (start) {
      place(start);
      map.setView(start, 13);
    } else {
      map.setView(config.center, config.zoom);
    }
    container.dataset.mapReady = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-location-picker]").forEach(setUp);
  });
})();
