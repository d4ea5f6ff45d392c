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

  // A module that fails to load, fetch or instantiate surfaces as an unhandled
  // rejection of the loader's promise, or as an error event on the element.
  window.addEventListener("unhandledrejection", fail);
  window.addEventListener(
    "error",
    function (event) {
      var target = event.target;
      if (target && (target.tagName === "SCRIPT" || target.tagName === "LINK")) {
        fail();
      }
    },
    true
  );
  window.setTimeout(fail, GIVE_UP_AFTER_MS);
})();
