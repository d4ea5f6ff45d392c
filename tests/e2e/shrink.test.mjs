// scripts/shrink-assets.mjs: the build's modules and their glue join by short names, the
// scripts and the stylesheet arrive minified, and a glue that does not match its module stops the build
// rather than ship a module that cannot start.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeLeb, writeName } from "../../scripts/wasm-binary.mjs";
import { DIST } from "./support.mjs";

/** A name as wasm-bindgen makes it unique: 16 hex digits at its end. */
const HASHED = /[0-9a-f]{16}$/;

test("every module of the build imports and exports short names, all of them in its glue", () => {
  const modules = readdirSync(DIST).filter((file) => file.endsWith("_bg.wasm"));
  assert.ok(modules.length >= 5, modules.join(" "));
  for (const file of modules) {
    const module = new WebAssembly.Module(readFileSync(join(DIST, file)));
    const stem = file.replace(/(-[0-9a-f]+)?_bg\.wasm$/, "");
    const glue = readdirSync(DIST).find((other) => new RegExp(`^${stem}(-[0-9a-f]+)?\\.js$`).test(other));
    const text = readFileSync(join(DIST, glue), "utf8");
    const imports = WebAssembly.Module.imports(module).filter(({ kind }) => kind === "function");
    assert.ok(imports.length > 0, file);
    for (const { name } of imports) {
      assert.doesNotMatch(name, HASHED, `${file} imports ${name}`);
      assert.ok(text.includes(`${name}:`), `${glue} does not give ${file} its ${name}`);
    }
    for (const { name } of WebAssembly.Module.exports(module)) {
      assert.doesNotMatch(name, HASHED, `${file} exports ${name}`);
    }
  }
});

test("the glue, the page's own scripts and its stylesheet are served minified, without their comments", () => {
  const files = readdirSync(DIST).filter((file) => /\.(js|css)$/.test(file) && file !== "service-worker.js");
  assert.ok(files.some((file) => file.startsWith("boot")), files.join(" "));
  assert.ok(files.some((file) => file.startsWith("style")), files.join(" "));
  for (const file of files) {
    const text = readFileSync(join(DIST, file), "utf8");
    assert.ok(!/^\s*\/\/|\/\*/m.test(text), `${file} keeps its comments`);
    assert.ok(text.split("\n").length <= 3, `${file} has ${text.split("\n").length} lines`);
  }
});

const name = (text) => [...writeName(text)];
const section = (id, body) => [id, ...writeLeb(body.length), ...body];

/** A module that imports one function, `field`, from `./tiny_bg.js`. */
function moduleImporting(field) {
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(2, [1, ...name("./tiny_bg.js"), ...name(field), 0x00, 0x00]),
  ]);
}

/** A staging folder holding `tiny_bg.wasm` and `tiny.js`, as Trunk leaves a worker's. */
function staging(module, glue) {
  const folder = mkdtempSync(join(tmpdir(), "confidant-shrink-"));
  writeFileSync(join(folder, "tiny_bg.wasm"), module);
  writeFileSync(join(folder, "tiny.js"), glue);
  return folder;
}

const LONG = "__wbg_now_0123456789abcdef";

test("a hashed name becomes the same short name in the module and in its glue", () => {
  const folder = staging(moduleImporting(LONG), `// the glue\nfunction imports() { return { ${LONG}: function () { return Date.now(); } }; }\n`);
  try {
    execFileSync("node", ["scripts/shrink-assets.mjs"], { env: { ...process.env, TRUNK_STAGING_DIR: folder }, stdio: "pipe" });
    const module = new WebAssembly.Module(readFileSync(join(folder, "tiny_bg.wasm")));
    assert.deepEqual(WebAssembly.Module.imports(module), [{ module: "./tiny_bg.js", name: "_0", kind: "function" }]);
    const glue = readFileSync(join(folder, "tiny.js"), "utf8");
    assert.match(glue, /\b_0:/);
    assert.ok(!glue.includes(LONG) && !glue.includes("// the glue"), glue);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a glue that never names what its module imports stops the build, and nothing is written", () => {
  const module = moduleImporting(LONG);
  const glue = "function imports() { return { __wbg_now_fedcba9876543210: function () {} }; }\n";
  const folder = staging(module, glue);
  try {
    const run = spawnSync("node", ["scripts/shrink-assets.mjs"], { env: { ...process.env, TRUNK_STAGING_DIR: folder }, encoding: "utf8" });
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stderr, /tiny\.js never names __wbg_now_0123456789abcdef/);
    assert.deepEqual(readFileSync(join(folder, "tiny_bg.wasm")), module);
    assert.equal(readFileSync(join(folder, "tiny.js"), "utf8"), glue);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
