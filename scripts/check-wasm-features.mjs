// Checks that every WebAssembly module of the build uses no feature beyond those the
// README's browser support table is derived from (README, "Browsers"). A new feature,
// whether enabled in index.html's wasm-opt flags or emitted by a newer compiler, fails
// here until the table says which browser versions it needs.
//
//   node scripts/check-wasm-features.mjs [dist]
//
// How: each module's target-features section (which wasm-opt would otherwise trust) is
// stripped, and binaryen validates the code against the MVP plus exactly the supported
// features. It also prints which of them each module really needs, by dropping each in
// turn: a feature no module needs is one the support table need not require.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The supported post-MVP features, by binaryen's names. `bulk-memory-opt` (memory.copy
 * and memory.fill) is part of the bulk memory proposal, and `call-indirect-overlong` (a
 * table index in call_indirect) of the reference types proposal: browsers shipped each
 * with its proposal.
 */
export const SUPPORTED = [
  "bulk-memory", "bulk-memory-opt", "nontrapping-float-to-int", "sign-ext",
  "reference-types", "call-indirect-overlong", "multivalue", "mutable-globals",
];

const dist = process.argv[2] ?? "dist";
const wasmOpt = join("node_modules", ".bin", "wasm-opt");
const enable = (features) => ["--mvp-features", ...features.map((feature) => `--enable-${feature}`)];
let failed = false;

// What the build asks wasm-opt to accept must be in the list above.
const page = readFileSync("index.html", "utf8");
const asked = new Set([...page.matchAll(/--enable-([a-z0-9-]+)/g)].map((match) => match[1]));
for (const feature of asked) {
  if (!SUPPORTED.includes(feature)) {
    console.error(`index.html enables ${feature}, which the browser support table does not cover`);
    failed = true;
  }
}

const scratch = mkdtempSync(join(tmpdir(), "confidant-wasm-features-"));
try {
  const modules = readdirSync(dist).filter((name) => name.endsWith(".wasm"));
  if (modules.length === 0) throw new Error(`no .wasm files in ${dist}: build the app first`);
  for (const name of modules) {
    const stripped = join(scratch, name);
    execFileSync(wasmOpt, [...enable(SUPPORTED), "--strip-target-features", join(dist, name), "-o", stripped],
      { stdio: ["ignore", "ignore", "pipe"] });
    const validate = (features) => spawnSync(wasmOpt, [...enable(features), stripped], { encoding: "utf8" });
    const whole = validate(SUPPORTED);
    if (whole.status !== 0) {
      console.error(`${name} uses a feature beyond ${SUPPORTED.join(", ")}:\n${whole.stderr.split("\n").slice(0, 8).join("\n")}`);
      failed = true;
      continue;
    }
    const needed = SUPPORTED.filter((feature) => validate(SUPPORTED.filter((other) => other !== feature)).status !== 0);
    console.log(`${name}: within the supported features; needs ${needed.join(", ") || "none beyond the MVP"}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed) process.exit(1);
