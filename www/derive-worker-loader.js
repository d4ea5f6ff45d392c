// Starts the key-derivation worker (src/bin/derive_worker.rs, built by Trunk as
// derive-worker.js and derive-worker_bg.wasm). The page's policy requires Trusted Types,
// so the one script this worker loads goes through a policy that allows exactly it. The
// WebAssembly module is fetched with its SHA-384 (written here at build time by
// scripts/pin-wasm-integrity.mjs), so a module that differs from the one built never runs.
"use strict";
const policy = self.trustedTypes?.createPolicy("confidant-derive-worker", {
  createScriptURL(url) {
    if (url !== "./derive-worker.js") {
      throw new TypeError("this worker loads nothing else");
    }
    return url;
  },
});
importScripts(policy ? policy.createScriptURL("./derive-worker.js") : "./derive-worker.js");
wasm_bindgen({
  module_or_path: fetch("./derive-worker_bg.wasm", { integrity: "WORKER_WASM_INTEGRITY" }),
});
