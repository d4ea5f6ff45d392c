#!/bin/sh
# WebKitGTK's WebDriver server under the name and flags wasm-bindgen-test-runner expects
# of safaridriver (`--port=N`); with no capabilities it starts WebKitGTK's MiniBrowser.
# It needs a display: run it under `xvfb-run -a`. The engine journeys start it too.
#
# JSC_useConcurrentJIT=0: in WebKitGTK 2.50.6, pure functions of the core's WebAssembly
# now and then gave wrong answers (two fingerprints for one key within one test), in
# runs that the other engines always pass; it did not come back later, so this guard is
# unproven. With functions compiled before they run rather than swapped in while they
# run, a race between the tiers is ruled out. What was seen, and how to look for it with
# the engine's defaults: docs/browsers.md.
JSC_useConcurrentJIT="${JSC_useConcurrentJIT-0}"
export JSC_useConcurrentJIT
exec /usr/bin/WebKitWebDriver "$@"
