// Confidant's boot script: the first hand-written script on the page, and the only code
// that runs before the WebAssembly app.
//
// The page's first screen is plain HTML (index.html): the home screen and the Quick exit.
// Until the app is running, this script makes them work:
// - the quick exit: the header's button, or Escape pressed twice, leaves for the neutral
//   page exactly as the app's own quick exit does (src/quick_exit.rs), so a worker on a
//   slow connection is never stuck on a loading screen with no way out;
// - the home screen's entries: a choice made before the app has arrived is remembered
//   (data-confidant-open on <html>) and the app opens that screen when it starts;
// - the notices: "still loading" once the wait is long, and the failure notice only when
//   something really failed (WebAssembly missing or switched off, a file that did not
//   load or failed its integrity check), never merely because bytes are slow to arrive.
// It also registers the service worker (www/service-worker.js), which keeps the build for
// opening without network, and marks data-confidant-update="ready" on <html> (and fires
// `confidant:update-ready`) when a new build is installed and waits for the next open.
// The app sets data-confidant="started" on <html> and removes the first screen once it
// is running, which hands everything over to it. If the app then stops because part of
// it could not be loaded (www/rest-loader.js marks the page "failed"), the quick exit
// comes back here: the app's own button (#quick-exit) and Escape twice.
(function () {
  "use strict";
  var root = document.documentElement;
  // A partner's frame (docs/embedding.md): no home screen, no service worker.
  var embedded = window.location.pathname.indexOf("/embed/") === 0;
  if (embedded) {
    root.setAttribute("data-confidant-embed", "");
  }
  // After this long without the app, say that the connection is slow (and keep waiting).
  var SLOW_AFTER_MS = 8000;
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
    // In a frame, the whole tab goes (the sandbox allows it on a press).
    try {
      if (window.top !== window) {
        window.top.location.replace(neutralPage());
        return;
      }
    } catch (refused) {
      // Without a press: at least the frame goes.
    }
    window.location.replace(neutralPage());
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (started() || !target || !target.closest) {
      return;
    }
    if (target.closest("#boot-quick-exit, #quick-exit")) {
      quickExit();
      return;
    }
    var entry = target.closest("[data-open]");
    if (entry) {
      root.setAttribute("data-confidant-open", entry.getAttribute("data-open"));
      var loading = document.getElementById("boot-loading");
      if (loading) {
        loading.textContent = "Opening " + entry.querySelector(".home-entry-title").textContent +
          " as soon as Confidant has loaded…";
      }
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

  // The service worker, registered once the page has loaded so that it does not compete
  // with the app's own download; its URL goes through a Trusted Types policy that allows
  // exactly it.
  function updateReady() {
    root.setAttribute("data-confidant-update", "ready");
    window.dispatchEvent(new Event("confidant:update-ready"));
  }
  function watch(registration) {
    if (!registration) {
      return;
    }
    if (registration.waiting && navigator.serviceWorker.controller) {
      updateReady();
    }
    registration.addEventListener("updatefound", function () {
      var installing = registration.installing;
      if (!installing) {
        return;
      }
      installing.addEventListener("statechange", function () {
        if (installing.state === "installed" && navigator.serviceWorker.controller) {
          updateReady();
        }
      });
    });
  }
  if ("serviceWorker" in navigator && !embedded) {
    window.addEventListener("load", function () {
      var url = "/service-worker.js";
      var policy = window.trustedTypes && window.trustedTypes.createPolicy("confidant-service-worker", {
        createScriptURL: function (given) {
          if (given !== url) {
            throw new TypeError("the page registers no other service worker");
          }
          return given;
        },
      });
      navigator.serviceWorker
        .register(policy ? policy.createScriptURL(url) : url, { scope: "/" })
        .then(watch, function () {
          // No service worker (a private mode, an old browser): the app works online.
        });
    });
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
  window.setTimeout(function () {
    if (!started()) {
      root.setAttribute("data-confidant-slow", "");
    }
  }, SLOW_AFTER_MS);
})();
