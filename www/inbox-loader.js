// Starts the inbox's own module (src/bin/inbox.rs, built by Trunk as inbox.js and
// inbox_bg.wasm) in the app's page, once inbox.js has defined `wasm_bindgen`. The app adds
// both scripts, each with its SHA-384, when a worker opens the inbox
// (src/browser/page_modules.rs), and waits for `confidantInbox`: the module's exports once
// it runs. The WebAssembly module is fetched with its SHA-384 (written here at build time
// by scripts/pin-wasm-integrity.mjs), so a module that differs from the one built never runs.
"use strict";
self.confidantInbox = wasm_bindgen({
  module_or_path: fetch("/inbox_bg.wasm", { integrity: "WORKER_WASM_INTEGRITY" }),
}).then(() => wasm_bindgen);
