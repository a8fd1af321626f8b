/* A table wider than its box (.app-table-wrapper) scrolls inside it: say so above the box and shade the edges that have
   more columns beyond them, while, and only while, the table does not fit (phones, large text, a narrow window). */
(function () {
  "use strict";

  const HINT = "Scroll the table sideways to see every column.";

  function setUp(wrapper, index) {
    const hint = document.createElement("p");
    hint.className = "govuk-body-s app-table-hint";
    hint.id = (wrapper.getAttribute("aria-labelledby") || "table-" + index) + "-hint";
    hint.textContent = HINT;
    hint.hidden = true;
    wrapper.before(hint);

    function update() {
      const scrolls = wrapper.scrollWidth > wrapper.clientWidth;
      wrapper.classList.toggle("app-table-wrapper--scrolls", scrolls);
      hint.hidden = !scrolls;
      // A description is read out even when its element is hidden: name the hint only while it is shown.
      if (scrolls) wrapper.setAttribute("aria-describedby", hint.id);
      else wrapper.removeAttribute("aria-describedby");
    }

    update();
    const observer = new ResizeObserver(update);
    observer.observe(wrapper);
    if (wrapper.firstElementChild) observer.observe(wrapper.firstElementChild);
  }

  document.querySelectorAll(".app-table-wrapper").forEach(setUp);
})();
