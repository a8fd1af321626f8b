/* "Find mutuals working in your area" and the filters' area: the councils' menu becomes a box that suggests names as
   you type (GOV.UK's accessible-autocomplete), and "Use my location" asks the browser where you are. Without
   JavaScript the menu and its button work alone. */

const NOT_ALLOWED = "Your browser did not share your location. Choose your council from the list instead.";
const NOT_FOUND = "Your location could not be found. Choose your council from the list instead.";
const FINDING = "Finding your council…";

function enhanceMenu(select) {
  if (!window.accessibleAutocomplete) return;
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    // The council already chosen (the listing's filter), else an empty box.
    defaultValue: select.value ? select.options[select.selectedIndex].textContent : "",
    minLength: 2,
    displayMenu: "overlay",
    dropdownArrow: () => "",
    tNoResults: () => "No council of that name",
    tStatusQueryTooShort: (minQueryLength) => `Type ${minQueryLength} or more letters for suggestions`,
    // Choosing a name sets the menu it stands for. Leaving the box (no name chosen then) keeps what it shows if that
    // is a council's name, and clears the menu otherwise, so an old choice is never sent.
    onConfirm: (name) => {
      const input = document.getElementById(select.id.replace(/-select$/, ""));
      const text = (name ?? (input ? input.value : "")).trim().toLowerCase();
      const option = Array.from(select.options).find((candidate) => candidate.value && candidate.textContent.toLowerCase() === text);
      select.value = option ? option.value : "";
    },
  });
  const input = document.getElementById(select.id.replace(/-select$/, ""));
  const hint = select.getAttribute("aria-describedby");
  if (input && hint) input.setAttribute("aria-describedby", `${hint} ${input.getAttribute("aria-describedby") || ""}`.trim());
}

function enableLocation(panel) {
  if (!("geolocation" in navigator)) return;
  const button = panel.querySelector(".app-locate__button");
  const status = panel.querySelector(".app-locate__status");
  panel.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = FINDING;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        // Four decimal places, about 10 metres: enough to tell councils apart, no more.
        const url = new URL(panel.dataset.locateUrl, window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(4));
        url.searchParams.set("lon", position.coords.longitude.toFixed(4));
        window.location.assign(url.href);
      },
      (error) => {
        status.textContent = error.code === error.PERMISSION_DENIED ? NOT_ALLOWED : NOT_FOUND;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
    );
  });
}

document.querySelectorAll(".app-area-picker__select").forEach(enhanceMenu);
document.querySelectorAll(".app-locate").forEach(enableLocation);
