// Confidant's boot watcher: the only hand-written script on the page.
//
// It runs before the WebAssembly app and does one thing: if the app cannot start
// (WebAssembly is missing or switched off, a file failed to load or failed its integrity
// check, or nothing happened for a long time), it reveals the explanation that
// index.html already contains. The app sets data-confidant="started" on <html> once it
// is running, which also hides the loading notice (see www/style.css).
(function () {
  "use strict";
  var root = document.documentElement;
  var GIVE_UP_AFTER_MS = 30000;

  function started() {
    return root.getAttribute("data-confidant") === "started";
  }

  function fail() {
    if (!started()) {
      root.setAttribute("data-confidant", "failed");
    }
  }

  var wasmUsable =
    typeof WebAssembly === "object" &&
    typeof WebAssembly.instantiate === "function" &&
    typeof WebAssembly.Module === "function";
  if (!wasmUsable) {
    fail();
    return;
  }

  // A module that fails to load, fetch or instantiate surfaces as an error event: on the
  // window when the start-up module throws (top-level await), on the element when a file
  // does not arrive or fails its integrity check. Before the app has started, any of
  // these means it will not.
  window.addEventListener("unhandledrejection", fail);
  window.addEventListener("error", fail, true);
  window.setTimeout(fail, GIVE_UP_AFTER_MS);
})();
