// Puts a WebAssembly module's functions in an order that brotli compresses better: each
// function next to the one most like it.
//
// wasm-opt leaves functions in the order the compiler emitted them, and Yew's views, serde's
// visitors and the closures of one screen end up spread over the code section. Brotli finds
// a repeat anywhere in its window, but a near one costs fewer bits, and the entropy codes
// of one stretch fit its neighbours better when they are alike. Measured on 2026-12-02 on
// the app's module as served then (brotli 11): in emission order 281,810 bytes; sorted by
// function name 282,552 once binaryen had written it again; sorted by the bytes of each
// body 281,269; chained by likeness as below 276,647. In the build, where the chain is
// made before the import names are shortened: 275,892 bytes, 5,918 less.
//
// Likeness is estimated by MinHash over each body's 4-byte shingles
// (https://en.wikipedia.org/wiki/MinHash): two bodies agree on a share of their 256
// minimums that estimates the share of shingles they have in common. The chain starts at
// the largest function and goes each time to the likest one not yet placed: n² steps of
// 256 comparisons, about 2 seconds for the app's 2,700 functions.
//
// The order is handed to wasm-opt as names (`f0000`, `f0001`, …, as many digits as the
// count of functions has) for its `--reorder-functions-by-name` pass, which renumbers
// every call, table entry and export; the names are stripped again in the same run.
// binaryen writes the whole module anew, so other bytes may differ too (at the build's
// levels, so that it writes the code as compactly as the build's own run), but not what
// the module does.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { functionBodies, sections, writeLeb, writeName } from "./wasm-binary.mjs";

const MINIMUMS = 256;
const SHINGLE = 4;

/** murmur3's finaliser: a 32-bit hash of a 32-bit number. */
function mix(h) {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Each body's MinHash signature, `MINIMUMS` numbers a body, in one array. */
function signatures(bodies) {
  const salts = Array.from({ length: MINIMUMS }, (_, k) => mix(k + 1));
  const signature = new Uint32Array(bodies.length * MINIMUMS).fill(0xffffffff);
  bodies.forEach((body, f) => {
    const row = f * MINIMUMS;
    for (let at = 0; at + SHINGLE <= body.length; at++) {
      const shingle = body.readUInt32LE(at);
      for (let k = 0; k < MINIMUMS; k++) {
        const value = mix(shingle ^ salts[k]);
        if (value < signature[row + k]) signature[row + k] = value;
      }
    }
  });
  return signature;
}

/**
 * The positions of `bodies` in the order to write them: from the largest, each followed by
 * the likest of those left (the first of them on a tie, so that the order is the same on
 * every build of the same module).
 */
export function likenessOrder(bodies) {
  const count = bodies.length;
  if (count === 0) return [];
  const signature = signatures(bodies);
  const placed = new Uint8Array(count);
  let here = 0;
  for (let f = 1; f < count; f++) if (bodies[f].length > bodies[here].length) here = f;
  const order = [];
  for (;;) {
    placed[here] = 1;
    order.push(here);
    if (order.length === count) return order;
    let next = -1;
    let best = -1;
    const row = here * MINIMUMS;
    for (let f = 0; f < count; f++) {
      if (placed[f]) continue;
      const other = f * MINIMUMS;
      let same = 0;
      for (let k = 0; k < MINIMUMS; k++) if (signature[row + k] === signature[other + k]) same++;
      if (same > best) {
        best = same;
        next = f;
      }
    }
    here = next;
  }
}

/** The module with its name section replaced by one that names its functions `names`. */
export function withFunctionNames(module, names) {
  const entries = [...names].sort(([a], [b]) => a - b);
  const list = Buffer.concat([
    writeLeb(entries.length),
    ...entries.flatMap(([index, name]) => [writeLeb(index), writeName(name)]),
  ]);
  const content = Buffer.concat([writeName("name"), Buffer.from([1]), writeLeb(list.length), list]);
  const parts = [module.subarray(0, 8)];
  for (const { id, header, end, name } of sections(module)) {
    if (id !== 0 || name !== "name") parts.push(module.subarray(header, end));
  }
  parts.push(Buffer.from([0]), writeLeb(content.length), content);
  return Buffer.concat(parts);
}

/** binaryen's wasm-opt: the project's own (package.json), else the one on the PATH. */
function wasmOpt() {
  const own = fileURLToPath(new URL("../node_modules/.bin/wasm-opt", import.meta.url));
  return existsSync(own) ? own : "wasm-opt";
}

/**
 * The module with its functions in `likenessOrder`, rewritten by wasm-opt with the
 * features it uses enabled (`features`, as wasm-opt's `--enable-…` flags) and at the
 * build's levels, so that it writes the code as compactly as the build's own run did.
 */
export function orderByLikeness(module, features) {
  const { imported, bodies } = functionBodies(module);
  const order = likenessOrder(bodies);
  const width = String(order.length).length;
  const names = new Map(order.map((f, rank) => [imported + f, `f${String(rank).padStart(width, "0")}`]));
  const scratch = mkdtempSync(join(tmpdir(), "confidant-order-"));
  try {
    const input = join(scratch, "in.wasm");
    const output = join(scratch, "out.wasm");
    writeFileSync(input, withFunctionNames(module, names));
    execFileSync(wasmOpt(), [
      ...features, "--optimize-level=2", "--shrink-level=2",
      "--reorder-functions-by-name", "--strip-debug", input, "-o", output,
    ], { stdio: ["ignore", "ignore", "inherit"] });
    return readFileSync(output);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
