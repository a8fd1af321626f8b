/* The filter panel starts closed on small screens, so the results come first, and opens when the screen widens.
   Without JavaScript it stays open, as the HTML has it. */
(function () {
  "use strict";

  const panel = document.querySelector(".app-filters__panel");
  if (!panel) return;
  const wide = window.matchMedia("(min-width: 40.0625em)");
  panel.open = wide.matches;
  wide.addEventListener("change", function () {
    if (wide.matches) panel.open = true;
  });
})();
