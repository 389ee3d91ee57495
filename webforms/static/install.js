// Heard as an installable web app: registers the service worker (sw.js), which keeps only the
// stylesheet, scripts, icons and the offline page. Public pages only. Without JavaScript, or
// in a browser without service workers, nothing happens and every page works as before.
(function () {
  "use strict";
  var script = document.currentScript;
  var worker = script && script.getAttribute("data-worker");
  if (!worker || !("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(worker).catch(function () {
      // No worker is fine: pages come from the network as they always have.
    });
  });
})();
