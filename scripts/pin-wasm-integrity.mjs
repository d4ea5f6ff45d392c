// Trunk post-build hook: makes the browser check the WebAssembly modules' integrity.
//
// Trunk pins the JS glue and the stylesheet with Subresource Integrity, but it announces
// the .wasm with <link rel="preload" as="fetch" integrity=…>, and Chromium ignores
// `integrity` on that kind of preload (it says so in the console). This hook replaces
// the preload with a fetch that carries the module's SHA-384 and hands its response to
// the loader, so a module that differs from the one built is refused, never run.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
const html = process.env.TRUNK_HTML_FILE ?? "index.html";
if (!staging) {
  console.error("pin-wasm-integrity: run me as a Trunk post_build hook (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}
const pagePath = join(staging, html.split("/").pop());
let page = readFileSync(pagePath, "utf8");

const init = page.match(/init\(\{ module_or_path: '([^']+\.wasm)' \}\)/);
if (!init) {
  console.error("pin-wasm-integrity: the page has no `init({ module_or_path: '….wasm' })` to pin");
  process.exit(1);
}
const wasmUrl = init[1];
const wasm = readFileSync(join(staging, wasmUrl.split("/").pop()));
const integrity = `sha384-${createHash("sha384").update(wasm).digest("base64")}`;

page = page.replace(
  init[0],
  `init({ module_or_path: fetch('${wasmUrl}', { integrity: '${integrity}' }) })`,
);
page = page.replace(/<link rel="preload" href="[^"]+\.wasm"[^>]*>/, "");

// The interface's language files (lang/TAG.txt), each named with its SHA-384 in the
// page's <meta name="confidant-languages">: the app fetches a language with that
// integrity, so a file that differs from the one built is refused, never shown. English
// is built into the modules and needs no entry.
if (page.includes("LANGUAGE_FILES_INTEGRITY")) {
  const folder = join(staging, "lang");
  const tags = existsSync(folder)
    ? readdirSync(folder).filter((name) => name.endsWith(".txt")).map((name) => name.slice(0, -4)).sort()
    : [];
  if (tags.length === 0) {
    console.error("pin-wasm-integrity: the page names language files, and the build has none in lang/");
    process.exit(1);
  }
  const pins = tags
    .filter((tag) => tag !== "en")
    .map((tag) => `${tag} sha384-${createHash("sha384").update(readFileSync(join(folder, `${tag}.txt`))).digest("base64")}`);
  page = page.replace("LANGUAGE_FILES_INTEGRITY", pins.join(" "));
  console.log(`pin-wasm-integrity: ${pins.length} language files pinned`);
}
writeFileSync(pagePath, page);
console.log(`pin-wasm-integrity: ${wasmUrl} pinned as ${integrity}`);

// Each worker's module, and the embedded form's, pinned the same way in its loader. A
// build without them (the bench's minimal app) has none to pin.
for (const worker of ["derive-worker", "strength-worker", "embed", "inbox", "drafts"]) {
  const loaderPath = join(staging, `${worker}-loader.js`);
  if (!existsSync(loaderPath)) {
    continue;
  }
  const module = readFileSync(join(staging, `${worker}_bg.wasm`));
  const workerIntegrity = `sha384-${createHash("sha384").update(module).digest("base64")}`;
  const loader = readFileSync(loaderPath, "utf8");
  if (!loader.includes("WORKER_WASM_INTEGRITY")) {
    console.error(`pin-wasm-integrity: ${worker}-loader.js has no WORKER_WASM_INTEGRITY to fill in`);
    process.exit(1);
  }
  writeFileSync(loaderPath, loader.replace("WORKER_WASM_INTEGRITY", workerIntegrity));
  console.log(`pin-wasm-integrity: ${worker}_bg.wasm pinned as ${workerIntegrity}`);
}

// The inbox's module and the drafts panel's are started in the app's page by two scripts
// the app adds itself (src/browser/page_modules.rs): the page names their SHA-384, the
// glue's then the loader's, the loader's as filled in above.
for (const [name, placeholder] of [["inbox", "INBOX_SCRIPTS_INTEGRITY"], ["drafts", "DRAFTS_SCRIPTS_INTEGRITY"]]) {
  if (!page.includes(placeholder)) continue;
  const pins = [`${name}.js`, `${name}-loader.js`]
    .map((file) => `sha384-${createHash("sha384").update(readFileSync(join(staging, file))).digest("base64")}`);
  page = page.replace(placeholder, pins.join(" "));
  writeFileSync(pagePath, page);
  console.log(`pin-wasm-integrity: ${name}.js and ${name}-loader.js pinned in ${pagePath.split("/").pop()}`);
}
