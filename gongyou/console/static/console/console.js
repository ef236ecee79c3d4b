/* Console behaviour wired from data-* attributes: the Content-Security-Policy allows no inline
   scripts or on* handlers. Delegated from document, so rows htmx swaps in work too. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    // A header checkbox selects or clears every checkbox named by its data-check-all.
    var all = target.closest("input[data-check-all]");
    if (all) {
      document.querySelectorAll('input[name="' + all.getAttribute("data-check-all") + '"]').forEach(function (c) {
        c.checked = all.checked;
      });
      return;
    }
    // An org tree toggle shows or hides the children below it (htmx loads them on first click).
    var toggle = target.closest("button[data-tree-toggle]");
    if (toggle) {
      var sub = toggle.closest("li").querySelector(".sub");
      var open = toggle.textContent === "+";
      sub.hidden = !open;
      toggle.textContent = open ? "\u2212" : "+";
    }
  });
})();
