// Soulstock pages: the hold countdown. The server computes the seconds left; this only ticks.
(function () {
  "use strict";
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function start(el) {
    var deadline = Date.now() + parseInt(el.getAttribute("data-countdown"), 10) * 1000;
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      el.textContent = format(left);
      if (left <= 0) {
        window.setTimeout(function () { window.location.reload(); }, 800);
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(start);
  });
})();
// Claim tickers ("opens in", "ends in"): seeded with the server's seconds and re-seeded by
// every htmx poll of the claims block (the swap replaces the element), so they never drift
// from the engine. At zero they stop and wait for the poll to say what happened.
(function () {
  "use strict";
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function format(seconds, day) {
    var d = Math.floor(seconds / 86400), r = seconds % 86400;
    var clock = two(Math.floor(r / 3600)) + ":" + two(Math.floor(r % 3600 / 60)) + ":" + two(r % 60);
    return d > 0 ? d + day + " " + clock : clock;
  }
  function start(el) {
    if (el.getAttribute("data-ticking")) { return; }
    el.setAttribute("data-ticking", "1");
    var deadline = Date.now() + parseInt(el.getAttribute("data-ticks"), 10) * 1000;
    var day = el.getAttribute("data-day") || "d";
    function tick() {
      if (!document.body.contains(el)) { return; }  // replaced by a fresher poll
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      el.textContent = format(left, day);
      if (left > 0) { window.setTimeout(tick, 1000); }
    }
    window.setTimeout(tick, 1000);
  }
  function scan(root) { (root || document).querySelectorAll("[data-ticks]").forEach(start); }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
