/* Kokeilu, every page: behaviour bound from data attributes, never inline handlers (the
 * Content-Security-Policy allows scripts from this server only). */
(function () {
  "use strict";
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
