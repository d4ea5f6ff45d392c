// Starts the passphrase-strength worker (src/bin/strength_worker.rs, built by Trunk as
// strength-worker.js and strength-worker_bg.wasm), as www/derive-worker-loader.js starts
// the key-derivation worker: its one script through a Trusted Types policy that allows
// exactly it, its module fetched with the SHA-384 written here at build time.
"use strict";
const policy = self.trustedTypes?.createPolicy("confidant-strength-worker", {
  createScriptURL(url) {
    if (url !== "./strength-worker.js") {
      throw new TypeError("this worker loads nothing else");
    }
    return url;
  },
});
importScripts(policy ? policy.createScriptURL("./strength-worker.js") : "./strength-worker.js");
wasm_bindgen({
  module_or_path: fetch("./strength-worker_bg.wasm", { integrity: "WORKER_WASM_INTEGRITY" }),
});
