// Starts a partner's embedded form (src/bin/embed.rs, built by Trunk as embed.js and
// embed_bg.wasm), on the page scripts/write-embed-page.mjs writes, dist/embed.html, after
// embed.js has defined `wasm_bindgen`. The WebAssembly module is fetched with its SHA-384
// (written here at build time by scripts/pin-wasm-integrity.mjs), so a module that differs
// from the one built never runs. Its address is absolute: the page is at /embed/FORM.
"use strict";
wasm_bindgen({
  module_or_path: fetch("/embed_bg.wasm", { integrity: "WORKER_WASM_INTEGRITY" }),
});
