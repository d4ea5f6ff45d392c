// Trunk post-build hook: makes the build's scripts and stylesheet, and the names that join
// each WebAssembly module to its JavaScript glue, as small as the browser can take them.
//
// wasm-bindgen names every function the module imports from its glue, and every closure
// shim it exports to it, with a 16-digit hash (`__wbg_body_5f971cbc6950ca4f`). Each name
// is written twice, in the module's import or export section and in the glue, and
// compression can do nothing with 16 random hex digits: about 200 of them cost the app
// 3.0 KiB brotli in its module and 2.2 KiB in its glue (measured on the build of
// 2026-12-02). This hook gives each such name a short one (`_0`, `_1`, …), the same in
// both files, then minifies the glue with terser, which wasm-bindgen does not do.
//
// The page's own scripts (www/: the boot script, the loaders) are minified too, so that
// their comments stay in the repository: the boot script, which the first screen waits
// for, goes from 2,004 to 816 bytes brotli. The service worker is left as written:
// scripts/write-service-worker.mjs fills in its list by finding it in the text. The
// stylesheet, on the first screen too, is minified by csso without restructuring (its
// rules stay in their order, as written): 3,432 to 2,212 bytes brotli.
//
// A file whose name carries Trunk's hash of its content (`boot-64749adf16f4c200.js`) gets
// a new name from the hash of what it holds now: the server sends such files as immutable,
// to be cached for a year, so a name must never stand for two contents, or a browser that
// kept the file Trunk wrote would refuse the new integrity and not start. The page is
// rewritten to the new names and to the integrity of the new contents; each integrity that
// Trunk wrote for a changed file must be found there, or the build stops.
//
// Each module's functions are then put in the order that compresses best
// (scripts/order-functions.mjs): the app's module 5,918 bytes brotli smaller.
//
// It runs before scripts/pin-wasm-integrity.mjs, which then pins the modules as they are
// here. A glue whose shape is not the one expected (a name found in a module and not in
// its glue, a short name already in use) stops the build rather than ship a module that
// cannot start.
//
// Run by hand: TRUNK_STAGING_DIR=dist node scripts/shrink-assets.mjs
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify as minifyCss } from "csso";
import { minify } from "terser";
import { withoutComments } from "./page-comments.mjs";
import { orderByLikeness } from "./order-functions.mjs";
import { REST_IMPORT, splitByProfile } from "./split-module.mjs";
import { importEnd, readLeb, readName, sections, writeLeb, writeName } from "./wasm-binary.mjs";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("shrink-assets: run me as a Trunk post_build hook (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}
const fail = (message) => {
  console.error(`shrink-assets: ${message}`);
  process.exit(1);
};

/**
 * The features rustc enables by default for wasm32, which index.html's
 * `data-wasm-opt-params` enable too: wasm-opt stops the build if a module uses another.
 */
const FEATURES = [
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-reference-types", "--enable-multivalue", "--enable-mutable-globals",
];

/**
 * A name that wasm-bindgen made unique with a hash: ending in one (an import,
 * `__wbg_body_5f971cbc6950ca4f`), or, for the closure shims it exports, beginning with
 * its own crate's (`wasm_bindgen_7562b9fed1c028a0___convert__closures_____invoke___…`, up
 * to 334 characters, each written twice as well).
 */
const HASHED = /^\w*_h?[0-9a-f]{16}$|^wasm_bindgen_[0-9a-f]{16}_\w+$/;

/**
 * The module with every hashed import and export name replaced by `rename(name)`; only
 * the import (2) and export (7) sections change.
 */
function renameInModule(module, rename) {
  if (module.readUInt32LE(0) !== 0x6d736100) fail("not a WebAssembly module");
  const out = [module.subarray(0, 8)];
  for (const { id, start, end: stop } of sections(module)) {
    let body = module.subarray(start, stop);
    if (id === 2 || id === 7) {
      const [count, first] = readLeb(body, 0);
      const parts = [writeLeb(count)];
      let p = first;
      for (let i = 0; i < count; i++) {
        if (id === 2) {
          const [from, q] = readName(body, p);
          const [field, r] = readName(body, q);
          const end = importEnd(body, r);
          parts.push(writeName(from), writeName(HASHED.test(field) ? rename(field) : field), body.subarray(r, end));
          p = end;
        } else {
          const [field, q] = readName(body, p);
          const end = readLeb(body, q + 1)[1];
          parts.push(writeName(HASHED.test(field) ? rename(field) : field), body.subarray(q, end));
          p = end;
        }
      }
      if (p !== body.length) fail(`section ${id} was not read to its end`);
      body = Buffer.concat(parts);
    }
    out.push(Buffer.from([id]), writeLeb(body.length), body);
  }
  return Buffer.concat(out);
}

/**
 * The app's module is split by use (scripts/split-module.mjs): what the path to a sealed
 * referral runs, by the profile kept in the repository, and the rest, which its glue loads
 * (www/rest-loader.js). The module comes here with its functions' names (index.html's -g
 * for it), and leaves without them. With CONFIDANT_PROFILE_BUILD=1 (scripts/profile-path.sh)
 * it is left whole, names kept, for a new profile to be taken.
 */
const SPLIT = "confidant-web";
const PROFILE_PATH = "scripts/split-profile.txt";
const PROFILING = process.env.CONFIDANT_PROFILE_BUILD === "1";

function readProfile() {
  const path = fileURLToPath(new URL("split-profile.txt", import.meta.url));
  if (!existsSync(path)) fail(`${PROFILE_PATH} is missing: scripts/profile-path.sh writes it`);
  return new Set(readFileSync(path, "utf8").split("\n").filter((line) => line && !line.startsWith("#")));
}

/** The app's glue with the rest's loader (www/rest-loader.js) in its scope and imports. */
function withRestLoader(code, glue, restFile, restIntegrity) {
  const loader = readFileSync(fileURLToPath(new URL("../www/rest-loader.js", import.meta.url)), "utf8");
  const imports = /"\.\/confidant-web_bg\.js": import0,?/;
  const start = "wasm.__wbindgen_start();";
  if (!imports.test(code) || code.split(start).length !== 2) fail(`${glue} is not shaped as expected for the rest's loader`);
  const [file, pin] = ['"/REST_FILE"', '"REST_INTEGRITY"'];
  if (loader.split(file).length !== 2 || loader.split(pin).length !== 2) fail("www/rest-loader.js names its file and integrity other than once");
  return code
    .replace(imports, `"./confidant-web_bg.js": import0, "${REST_IMPORT[0]}": { "${REST_IMPORT[1]}": __confidant_load_rest },`)
    .replace(start, `${start}\n    __confidant_keep_rest_ready();`)
    + loader.replace(file, JSON.stringify(`/${restFile}`)).replace(pin, JSON.stringify(restIntegrity));
}

const integrity = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const html = process.env.TRUNK_HTML_FILE ?? "index.html";
const pagePath = join(staging, html.split("/").pop());
/** Every changed file: its name and integrity as Trunk wrote them, and as they are now. */
const changed = [];

/**
 * `name`'s content in place of `before`, under a new name if Trunk named it by the hash
 * of its content (`NAME-HASH.EXT`, `NAME-HASH_bg.wasm`), and noted for the page.
 */
function replace(name, before, after) {
  if (after.length === 0) fail(`nothing left of ${name}`);
  const hashed = name.match(/^(.+)-[0-9a-f]{8,32}((?:_bg)?\.[a-z]+)$/);
  const now = hashed
    ? `${hashed[1]}-${createHash("sha256").update(after).digest("hex").slice(0, 16)}${hashed[2]}`
    : name;
  writeFileSync(join(staging, now), after);
  if (now !== name) rmSync(join(staging, name));
  changed.push({ name, now, before: integrity(before), after: integrity(after) });
  return before.length - after.length;
}

/** Writes `code`, minified, in place of `before` as `name`. */
async function writeMinified(name, before, code, module) {
  const { code: minified } = await minify(code, { module, compress: true, mangle: true });
  return replace(name, Buffer.from(before), Buffer.from(minified ?? ""));
}

/**
 * The global a classic glue declares, where it is not wasm-bindgen's `wasm_bindgen`: the
 * inbox's glue and the drafts panel's both run in the app's page, and a second `let` of
 * one name there would be a syntax error, the second module never starting. Its loader
 * (www/drafts-loader.js) uses this name.
 */
const GLOBALS = { drafts: "confidantDraftsBindgen" };

for (const file of readdirSync(staging).filter((file) => file.endsWith("_bg.wasm"))) {
  // `app-HASH_bg.wasm` goes with `app-OTHERHASH.js`; a worker's `name_bg.wasm` with `name.js`.
  const stem = file.replace(/(-[0-9a-f]+)?_bg\.wasm$/, "");
  const glues = readdirSync(staging).filter((other) => new RegExp(`^${stem}(-[0-9a-f]+)?\\.js$`).test(other));
  if (glues.length !== 1) fail(`${file} has ${glues.length} glues, not one`);
  const glue = readFileSync(join(staging, glues[0]), "utf8");
  const module = readFileSync(join(staging, file));

  const short = new Map();
  const renamed = renameInModule(module, (long) => {
    if (!short.has(long)) short.set(long, `_${short.size.toString(36)}`);
    return short.get(long);
  });
  let code = glue;
  for (const [long, brief] of short) {
    if (new RegExp(`\\b${brief}\\b`).test(glue)) fail(`${glues[0]} already uses the name ${brief}`);
    const whole = new RegExp(`\\b${long}\\b`, "g");
    if (!whole.test(code)) fail(`${glues[0]} never names ${long}, which ${file} does`);
    code = code.replace(whole, brief);
  }
  let ordered;
  if (stem !== SPLIT) {
    ordered = orderByLikeness(renamed, FEATURES);
  } else if (PROFILING) {
    // As wasm-opt wrote it, names and all, for bench/usage.mjs --write-profile.
    ordered = renamed;
  } else {
    const { first, rest, slots } = splitByProfile(renamed, readProfile());
    ordered = orderByLikeness(first, FEATURES);
    const restBytes = orderByLikeness(rest, FEATURES);
    const restFile = `confidant-rest-${createHash("sha256").update(restBytes).digest("hex").slice(0, 16)}.wasm`;
    writeFileSync(join(staging, restFile), restBytes);
    code = withRestLoader(code, glues[0], restFile, integrity(restBytes));
    console.log(`shrink-assets: ${file} split by ${PROFILE_PATH}: ${slots} functions in ${restFile} (${restBytes.length} bytes)`);
  }
  replace(file, module, ordered);
  // An ES module (the app's) has its top level mangled; a classic script (a worker's, the
  // inbox's, the embedded form's) keeps its global `wasm_bindgen`, except where another
  // glue shares its page (GLOBALS).
  const global = GLOBALS[stem];
  if (global) {
    const declared = code.match(/^let wasm_bindgen\b/gm)?.length ?? 0;
    if (declared !== 1) fail(`${glues[0]} declares wasm_bindgen ${declared} times, not once`);
    code = code.replace(/\bwasm_bindgen\b/g, global);
  }
  const less = await writeMinified(glues[0], glue, code, /^export \{/m.test(code));
  console.log(
    `shrink-assets: ${file} and ${glues[0]}: ${short.size} names shortened and functions ` +
      `ordered, ${module.length - ordered.length} + ${less} bytes less`,
  );
}

// The page's own scripts, classic scripts all: their globals keep their names.
const own = readdirSync(staging).filter((file) => /^boot(-[0-9a-f]+)?\.js$|-loader\.js$/.test(file));
for (const file of own) {
  const code = readFileSync(join(staging, file), "utf8");
  console.log(`shrink-assets: ${file}: ${await writeMinified(file, code, code, false)} bytes less`);
}

// The stylesheet, rule for rule: csso's restructuring would merge and move rules.
for (const file of readdirSync(staging).filter((file) => /^style(-[0-9a-f]+)?\.css$/.test(file))) {
  const css = readFileSync(join(staging, file), "utf8");
  const less = replace(file, Buffer.from(css), Buffer.from(minifyCss(css, { restructure: false }).css));
  console.log(`shrink-assets: ${file}: ${less} bytes less`);
}

// The page names the app's module, its glue, the boot script and the stylesheet, and pins
// all but the module (which scripts/pin-wasm-integrity.mjs pins next): to their new names
// and contents. A page Trunk did not write (a folder run by hand) has nothing to rewrite.
if (existsSync(pagePath)) {
  let page = withoutComments(readFileSync(pagePath, "utf8"));
  for (const { name, now, before, after } of changed) {
    if (!page.includes(name)) continue;
    if (!name.endsWith(".wasm") && !page.includes(before)) {
      fail(`${html} names ${name} without the integrity Trunk wrote for it`);
    }
    page = page.replaceAll(name, now).replaceAll(before, after);
    if (now !== name) console.log(`shrink-assets: ${name} is now ${now}`);
  }
  writeFileSync(pagePath, page);
}
