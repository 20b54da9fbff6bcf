/* zorgregio: progressive enhancement only; every page works without it.
   A table that scrolls sideways inside itself (narrow screens) gets keyboard access: it becomes
   a focusable region named after its caption (WCAG 2.1.1, axe "scrollable-region-focusable"). */
(function () {
  "use strict";
  function scrollables() {
    var nodes = document.querySelectorAll("main table, main .table-scroll, main .utrecht-table-container");
    Array.prototype.forEach.call(nodes, function (node) {
      var scrolls = node.scrollWidth > node.clientWidth + 1;
      var style = window.getComputedStyle(node);
      if (scrolls && (style.overflowX === "auto" || style.overflowX === "scroll")) {
        if (!node.hasAttribute("tabindex")) {
          node.setAttribute("tabindex", "0");
          node.setAttribute("data-scroll-focus", "");
          if (!node.hasAttribute("role") && node.tagName !== "TABLE") {
            node.setAttribute("role", "region");
          }
          var caption = node.querySelector("caption");
          if (caption && !node.hasAttribute("aria-label") && node.tagName !== "TABLE") {
            node.setAttribute("aria-label", caption.textContent.trim());
          }
        }
      } else if (node.hasAttribute("data-scroll-focus")) {
        node.removeAttribute("tabindex");
        node.removeAttribute("data-scroll-focus");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollables);
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(scrollables, 150);
  });
})();
