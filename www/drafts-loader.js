// Starts the drafts panel's own module (src/bin/drafts.rs, built by Trunk as drafts.js
// and drafts_bg.wasm) in the app's page, once drafts.js has defined its global. That
// global is `confidantDraftsBindgen`, not wasm-bindgen's `wasm_bindgen`, which the
// inbox's glue declares in the same page (scripts/shrink-assets.mjs renames it). The app
// adds both scripts, each with its SHA-384, when a worker opens the drafts panel
// (src/browser/page_modules.rs), and waits for `confidantDrafts`: the module's exports
// once it runs. The WebAssembly module is fetched with its SHA-384 (written here at build
// time by scripts/pin-wasm-integrity.mjs), so a module that differs from the one built
// never runs.
"use strict";
self.confidantDrafts = confidantDraftsBindgen({
  module_or_path: fetch("/drafts_bg.wasm", { integrity: "WORKER_WASM_INTEGRITY" }),
}).then(() => confidantDraftsBindgen);
