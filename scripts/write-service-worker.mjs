// Trunk post-build hook: writes the build's file list into the service worker
// (www/service-worker.js), so that the worker precaches exactly this build, each file
// checked against its SHA-384, and so that every build is a new worker version (the
// browser installs a new version only when the worker's own bytes change).
//
// Runs after scripts/pin-wasm-integrity.mjs (which rewrites index.html and the worker
// loaders: the list must hold their final bytes) and before the .br/.gz variants are
// written (they are not listed: the worker fetches each file once, by its own name).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("write-service-worker: run me as a Trunk post_build hook (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}
const WORKER = "service-worker.js";

/** Trunk's content-hashed names (`NAME-HEX.EXT`, `NAME-HEX_bg.wasm`), whatever the length. */
export function looksHashed(name) {
  return /^[^/]+-[0-9a-f]{8,32}(_bg\.wasm|\.[A-Za-z0-9.]+)$/.test(name);
}

function files(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// The passphrase-strength worker (zxcvbn's dictionaries, about 640 KiB compressed) is
// left out: every first visit would download it in the background, for drafts only.
// Without network, a new draft's passphrase is held to the page's plain rule instead.
// So is the embedded form's page and module: a partner's frame never uses the service
// worker, and the app's visitors never open it.
const LEFT_OUT = /^(strength-worker|embed[-_.])/;

const listed = files(staging)
  .map((path) => relative(staging, path).split(sep).join("/"))
  .filter((name) => name !== WORKER && !name.endsWith(".br") && !name.endsWith(".gz") && !name.startsWith("."))
  .filter((name) => !LEFT_OUT.test(name))
  .sort()
  .map((name) => ({
    url: `/${name}`,
    integrity: `sha384-${createHash("sha384").update(readFileSync(join(staging, name))).digest("base64")}`,
    hashed: looksHashed(name.split("/").pop()),
  }));
if (!listed.some((file) => file.url === "/index.html")) {
  console.error("write-service-worker: the build has no index.html");
  process.exit(1);
}
const build = createHash("sha256").update(JSON.stringify(listed)).digest("hex").slice(0, 16);

const workerPath = join(staging, WORKER);
const worker = readFileSync(workerPath, "utf8");
if (!worker.includes('"BUILD_ID"') || !worker.includes("BUILD_FILES")) {
  console.error("write-service-worker: service-worker.js has no BUILD_ID and BUILD_FILES to fill in");
  process.exit(1);
}
writeFileSync(workerPath, worker
  .replace('"BUILD_ID"', JSON.stringify(build))
  .replace("BUILD_FILES", JSON.stringify(listed, null, 1)));
console.log(`write-service-worker: build ${build}, ${listed.length} files`);
