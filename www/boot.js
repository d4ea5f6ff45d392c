// Confidant's boot script: the first hand-written script on the page, and the only code
// that runs before the WebAssembly app.
//
// It does two things until the app is running:
// - the quick exit: the boot header's button, or Escape pressed twice, leaves for the
//   neutral page exactly as the app's own quick exit does (src/quick_exit.rs), so a worker
//   on a slow connection is never stuck on a loading screen with no way out;
// - the failure notice: if the app cannot start (WebAssembly is missing or switched off,
//   a file failed to load or failed its integrity check, or nothing happened for a long
//   time), it reveals the explanation that index.html already contains.
// The app sets data-confidant="started" on <html> once it is running, which hides the boot
// header and notices (www/style.css) and hands the quick exit over to the app.
(function () {
  "use strict";
  var root = document.documentElement;
  var GIVE_UP_AFTER_MS = 30000;
  // Escape twice within this time leaves (the app's DOUBLE_PRESS_WINDOW_MS).
  var DOUBLE_PRESS_MS = 800;
  // The app's DEFAULT_NEUTRAL_PAGE, for a page without the meta element.
  var DEFAULT_NEUTRAL_PAGE = "https://www.bbc.com/weather";

  function started() {
    return root.getAttribute("data-confidant") === "started";
  }

  function fail() {
    if (!started()) {
      root.setAttribute("data-confidant", "failed");
    }
  }

  function neutralPage() {
    var meta = document.querySelector('meta[name="confidant-quick-exit"]');
    var address = meta && meta.getAttribute("content");
    return address && address.trim() ? address : DEFAULT_NEUTRAL_PAGE;
  }

  // Nothing is in memory yet; clear what the tab's session storage may hold, reset the
  // entry's address, and replace the entry so that Back does not lead here.
  function quickExit() {
    try {
      window.sessionStorage.clear();
    } catch (refused) {
      // Storage switched off: nothing to clear.
    }
    try {
      window.history.replaceState(null, "", "/");
    } catch (refused) {
      // Nothing was appended to the address.
    }
    window.location.replace(neutralPage());
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!started() && target && target.closest && target.closest("#boot-quick-exit")) {
      quickExit();
    }
  });
  var lastEscape = null;
  document.addEventListener("keydown", function (event) {
    if (started()) {
      return;
    }
    if (event.key !== "Escape") {
      lastEscape = null;
      return;
    }
    var now = Date.now();
    if (lastEscape !== null && now - lastEscape >= 0 && now - lastEscape <= DOUBLE_PRESS_MS) {
      quickExit();
    } else {
      lastEscape = now;
    }
  });

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
