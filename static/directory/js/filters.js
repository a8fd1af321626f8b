/* The filter panel starts closed on small screens, so the results come first, and opens when the screen widens.
   Without JavaScript it stays open, as the HTML has it. */
(function () {
  "use strict";

  /* Forms marked data-omit-empty send no empty fields, and no field left at its data-default value: short, clean
     addresses that say only what was chosen. (The server treats an empty value as "not chosen" anyway.) */
  document.querySelectorAll("form[data-omit-empty]").forEach(function (form) {
    form.addEventListener("formdata", function (event) {
      const data = event.formData;
      const defaults = {};
      form.querySelectorAll("[data-default]").forEach(function (field) {
        defaults[field.name] = field.dataset.default;
      });
      const kept = [];
      data.forEach(function (value, name) {
        if (typeof value === "string" && value.trim() !== "" && value !== defaults[name]) kept.push([name, value]);
      });
      Array.from(new Set(Array.from(data.keys()))).forEach(function (name) {
        data.delete(name);
      });
      kept.forEach(function (entry) {
        data.append(entry[0], entry[1]);
      });
    });
  });

  const panel = document.querySelector(".app-filters__panel");
  if (!panel) return;
  const wide = window.matchMedia("(min-width: 40.0625em)");
  panel.open = wide.matches;
  wide.addEventListener("change", function () {
    if (wide.matches) panel.open = true;
  });
})();
