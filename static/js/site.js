/* Kokeilu, every page: behaviour bound from data attributes, never inline handlers (the
 * Content-Security-Policy allows scripts from this server only). */
(function () {
  "use strict";
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  /* A table wider than its box scrolls inside it; a keyboard user must reach that box
   * (WCAG 2.1.1; axe-core's scrollable-region-focusable): it takes the focus, named by the
   * table's caption or the nearest heading. */
  function focusableScrollBoxes(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) { return; }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      var section = box.closest("section, article, .card");
      var heading = section && section.querySelector("h1, h2, h3, h4, h5");
      var name = (caption || heading || {}).textContent;
      if (name && name.trim()) { box.setAttribute("aria-label", name.trim()); }
    });
  }
  focusableScrollBoxes(document);
  window.addEventListener("resize", function () { focusableScrollBoxes(document); });
  document.body.addEventListener("htmx:afterSettle", function () { focusableScrollBoxes(document); });
})();
