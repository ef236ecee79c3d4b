/* Worker portal enhancements. Every page works without this file (WeChat's browser may block or
   delay scripts); it only adds the SMS button countdown and hides the no-JS refresh buttons. */
(function () {
  "use strict";

  function countdown(button) {
    var seconds = parseInt(button.getAttribute("data-countdown"), 10);
    if (!seconds || button.getAttribute("data-counting")) return;
    var label = button.textContent;
    var suffix = button.getAttribute("data-wait-label") || "";
    button.setAttribute("data-counting", "1");
    button.disabled = true;
    function tick() {
      if (seconds <= 0) {
        button.disabled = false;
        button.textContent = button.getAttribute("data-again-label") || label;
        button.removeAttribute("data-counting");
        return;
      }
      button.textContent = seconds + suffix;
      seconds -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function init(root) {
    var buttons = (root || document).querySelectorAll("[data-countdown]");
    for (var i = 0; i < buttons.length; i++) countdown(buttons[i]);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
