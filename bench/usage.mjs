// What of the app's module the path to a sealed referral runs: which of its functions a
// worker's first visit calls, up to the home screen and then up to a delivered referral,
// and what a module of those functions alone would weigh. That is the most that splitting
// the module by use (the functions the path runs first, the others loaded when called)
// could take off the whole path, before the cost of the loader and of the calls between
// the two parts; bench/shell.mjs measures the path as it is.
//
// How: a copy of the build whose app module marks each function's first call in a memory
// of its own (each function begins by writing a 1 at its index), served by `confidant
// serve` with the integrity pins of the copy updated, and walked in headless Chromium as
// bench/path.mjs walks it. Only the copy is changed. The marks say nothing about what a
// worker typed: one byte per function, read by the bench from the page.
//
// It then makes that split for real on the first part's side (withStubs): the functions
// the path never runs reached through stubs that would load the rest, a module that
// validates, and weighs it: what the split itself costs the path. What it does not
// settle is how the rest would arrive. A stub runs synchronously, so the rest must be in
// memory before any stub is called, or be fetched synchronously then. Measured in
// Chromium 156 on 2026-12-04, with a page, a service worker that keeps a 252 KB module,
// and the network then off:
// - a synchronous XMLHttpRequest is not answered by the service worker: served without
//   caching headers, the module came from the worker to fetch() and failed to the
//   synchronous request;
// - it is answered by the HTTP cache: served as `confidant serve` serves hashed files
//   (immutable, for a year), the module, fetched only by the worker (the page had never
//   asked for it), came to the synchronous request in about 12 ms, with no request to
//   the server.
// So the rest could travel off the path, with the service worker's background copy of
// the build (bench/shell.mjs counts that apart), and be read from the worker's cache once
// it controls the page, or synchronously from the HTTP cache before. Still exposed: a
// first visit whose network drops before the worker has fetched the rest, at the first
// call into code the path did not run; and an HTTP cache the browser has emptied, until
// the worker controls the page.
//
// usage: node bench/usage.mjs DIST [--quick]
//   --quick: the same walk, without saying which parts of the app the code belongs to
//   (that needs a copy of the module shrunk with its names, as bench/weight.mjs makes).
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { launchChromium } from "../tests/e2e/support.mjs";
import { walkToSealed, withTwoAgencies } from "./path.mjs";
import { namedCopy, owner, readModule } from "./symbols.mjs";
import { likenessOrder } from "../scripts/order-functions.mjs";
import { functionBodies, importEnd, readLeb, readName, sections, writeLeb, writeName } from "../scripts/wasm-binary.mjs";

const args = process.argv.slice(2);
const [dist = "dist"] = args.filter((arg) => !arg.startsWith("--"));
const QUICK = args.includes("--quick");
const APP_MODULE = /^confidant-web-[0-9a-f]+_bg\.wasm$/;
const MARKS_EXPORT = "confidant_bench_marks";

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const section = (id, content) => Buffer.concat([Buffer.from([id]), writeLeb(content.length), content]);
/** A vector: its count, then its items. */
const vec = (items) => Buffer.concat([writeLeb(items.length), ...items]);
/** Function bodies as the code section's entries: each preceded by its length. */
const codeEntries = (bodies) => Buffer.concat(bodies.flatMap((body) => [writeLeb(body.length), body]));
/** The code section of these function bodies, in this order. */
const codeSection = (bodies) => section(10, Buffer.concat([writeLeb(bodies.length), codeEntries(bodies)]));

/** `value` as signed LEB128 (an i32.const's immediate). */
function writeSleb(value) {
  const out = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) {
      out.push(byte);
      return Buffer.from(out);
    }
    out.push(byte | 0x80);
  }
}

/** Where a function body's locals end and its instructions begin. */
function instructionsStart(body) {
  let [groups, at] = readLeb(body, 0);
  for (; groups > 0; groups--) {
    at = readLeb(body, at)[1] + 1;
  }
  return at;
}

/**
 * `module` with a second memory, exported as MARKS_EXPORT, in which each defined function
 * writes a 1 at its own index when it starts. The module's own memory, functions and
 * indices are untouched.
 */
function withUseMarks(module) {
  let importedMemories = 0;
  // The index of the added memory: after the imported memories and the defined ones.
  let marksMemory = null;
  const out = [module.subarray(0, 8)];
  for (const { id, header, start, end } of sections(module)) {
    if (id === 2) {
      let [count, at] = readLeb(module, start);
      for (; count > 0; count--) {
        at = readName(module, readName(module, at)[1])[1];
        if (module[at] === 2) importedMemories++;
        at = importEnd(module, at);
      }
    }
    if (id === 5) {
      const [count, at] = readLeb(module, start);
      marksMemory = importedMemories + count;
      // One more memory of one page (65,536 functions at most), with no maximum.
      out.push(section(5, Buffer.concat([writeLeb(count + 1), module.subarray(at, end), Buffer.from([0x00, 0x01])])));
    } else if (id === 7) {
      const [count, at] = readLeb(module, start);
      if (marksMemory === null) throw new Error("the app's module defines no memory");
      const marks = Buffer.concat([writeName(MARKS_EXPORT), Buffer.from([0x02]), writeLeb(marksMemory)]);
      out.push(section(7, Buffer.concat([writeLeb(count + 1), module.subarray(at, end), marks])));
    } else if (id === 10) {
      if (marksMemory === null) throw new Error("the app's module defines no memory");
      out.push(codeSection(functionBodies(module).bodies.map((body, index) => {
        const split = instructionsStart(body);
        // i32.const index; i32.const 1; i32.store8 to the marks' memory (flags 0x40: a memory index follows), offset 0
        const mark = Buffer.concat([
          Buffer.from([0x41]),
          writeSleb(index),
          Buffer.from([0x41, 0x01, 0x3a, 0x40]),
          writeLeb(marksMemory),
          Buffer.from([0x00]),
        ]);
        return Buffer.concat([body.subarray(0, split), mark, body.subarray(split)]);
      })));
    } else {
      out.push(module.subarray(header, end));
    }
  }
  return Buffer.concat(out);
}

/** The module with the bodies of the functions not in `used` left as a trap, and those bodies. */
function splitByUse(module, used) {
  const { bodies } = functionBodies(module);
  // No locals; unreachable; end.
  const trap = Buffer.from([0x00, 0x00, 0x0b]);
  const kept = [module.subarray(0, 8)];
  for (const { id, header, end } of sections(module)) {
    kept.push(id === 10 ? codeSection(bodies.map((body, index) => (used.has(index) ? body : trap))) : module.subarray(header, end));
  }
  const run = bodies.filter((_, index) => used.has(index));
  const runBytes = run.reduce((sum, body) => sum + body.length, 0);
  return { runBytes, first: Buffer.concat(kept), rest: codeEntries(bodies.filter((_, index) => !used.has(index))) };
}

/** `local.get` of each of the first `count` locals (a function's parameters). */
const getLocals = (count) => Array.from({ length: count }, (_, index) => Buffer.concat([Buffer.from([0x20]), writeLeb(index)]));

/**
 * What the first part of a split by use would be: the module with each function not in
 * `used` replaced by a stub that forwards its arguments, with the function's slot in table
 * 0, to a trampoline of its type; each trampoline calls a loader, then the slot
 * (`call_indirect`). The loader is stood in for by an import that takes and gives
 * nothing, so the module validates and weighs what a real one would, without loading
 * anything. The table grows by a slot for each function left out, and holds every kept
 * function after them: how the other part would call back (at most all of them). The
 * other part (the left-out bodies, with imports of memory, table and globals) is what the
 * bench prints as "the other functions alone".
 */
function withStubs(module, used) {
  const at = Object.fromEntries(sections(module).map((s) => [s.id, s]));
  // Types: [params, results] as byte arrays.
  const types = [];
  {
    let [count, p] = readLeb(module, at[1].start);
    for (; count > 0; count--) {
      if (module[p] !== 0x60) throw new Error("a type that is not a function's");
      const [np, q] = readLeb(module, p + 1);
      const params = module.subarray(q, q + np);
      const [nr, r] = readLeb(module, q + np);
      const results = module.subarray(r, r + nr);
      types.push([params, results]);
      p = r + nr;
    }
  }
  // Imported functions, and one that takes and gives nothing (stands in for the loader).
  let imported = 0;
  let loader = null;
  {
    let [count, p] = readLeb(module, at[2].start);
    for (; count > 0; count--) {
      p = readName(module, readName(module, p)[1])[1];
      if (module[p] === 0) {
        const type = readLeb(module, p + 1)[0];
        if (loader === null && types[type][0].length === 0 && types[type][1].length === 0) loader = imported;
        imported++;
      }
      p = importEnd(module, p);
    }
  }
  if (loader === null) throw new Error("no import takes and gives nothing");
  const funcTypes = [];
  {
    let [count, p] = readLeb(module, at[3].start);
    for (; count > 0; count--) { const [t, q] = readLeb(module, p); funcTypes.push(t); p = q; }
  }
  const { bodies } = functionBodies(module);
  // The tables; table 0 (funcref) grows by a slot for each function left out and each kept.
  const tables = [];
  {
    let [count, p] = readLeb(module, at[4].start);
    for (; count > 0; count--) {
      const ref = module[p]; const flags = module[p + 1];
      const [min, q] = readLeb(module, p + 2);
      let end = q, max = null;
      if (flags & 1) [max, end] = readLeb(module, q);
      tables.push({ ref, min, max });
      p = end;
    }
  }
  if (tables[0].ref !== 0x70) throw new Error("table 0 is not funcref");
  const tableSize = tables[0].min;
  const left = [...bodies.keys()].filter((i) => !used.has(i));
  const kept = [...bodies.keys()].filter((i) => used.has(i));
  const slotOf = new Map(left.map((f, k) => [f, tableSize + k]));
  // One trampoline per type of the functions left out: calls the loader, then the slot.
  const trampolineOf = new Map();
  const newTypes = [];
  const trampolines = [];
  for (const f of left) {
    const t = funcTypes[f];
    if (trampolineOf.has(t)) continue;
    const [params, results] = types[t];
    newTypes.push(Buffer.concat([Buffer.from([0x60]), writeLeb(params.length + 1), params, Buffer.from([0x7f]), writeLeb(results.length), results]));
    // No locals; call the loader; the arguments and the slot; call_indirect of the type in table 0; end.
    const body = Buffer.concat([Buffer.from([0x00, 0x10]), writeLeb(loader), ...getLocals(params.length + 1), Buffer.from([0x11]), writeLeb(t), Buffer.from([0x00, 0x0b])]);
    trampolines.push({ type: types.length + newTypes.length - 1, body });
    trampolineOf.set(t, imported + bodies.length + trampolines.length - 1);
  }
  const stubbed = bodies.map((body, f) => {
    if (used.has(f)) return body;
    // No locals; the arguments; i32.const the slot; call the trampoline; end.
    const params = types[funcTypes[f]][0].length;
    return Buffer.concat([Buffer.from([0x00]), ...getLocals(params), Buffer.from([0x41]), writeSleb(slotOf.get(f)), Buffer.from([0x10]), writeLeb(trampolineOf.get(funcTypes[f])), Buffer.from([0x0b])]);
  });
  const allBodies = [...stubbed, ...trampolines.map((t) => t.body)];
  const out = [module.subarray(0, 8)];
  for (const { id, header, start, end } of sections(module)) {
    const rest = (from) => module.subarray(from, end);
    if (id === 1) {
      const [count, p] = readLeb(module, start);
      out.push(section(1, Buffer.concat([writeLeb(count + newTypes.length), rest(p), ...newTypes])));
    } else if (id === 3) {
      const [count, p] = readLeb(module, start);
      out.push(section(3, Buffer.concat([writeLeb(count + trampolines.length), rest(p), ...trampolines.map((t) => writeLeb(t.type))])));
    } else if (id === 4) {
      const grown = tableSize + left.length + kept.length;
      out.push(section(4, vec(tables.map((t, i) => {
        const min = i === 0 ? grown : t.min;
        const max = t.max === null ? null : i === 0 ? grown : t.max;
        return Buffer.concat([Buffer.from([t.ref, max === null ? 0 : 1]), writeLeb(min), max === null ? Buffer.alloc(0) : writeLeb(max)]);
      }))));
    } else if (id === 9) {
      // The functions kept, in the table after the slots of those left out: how the
      // other part calls back (at most all of them).
      const [count, p] = readLeb(module, start);
      const entry = Buffer.concat([Buffer.from([0x00, 0x41]), writeSleb(tableSize + left.length), Buffer.from([0x0b]), vec(kept.map((f) => writeLeb(imported + f)))]);
      out.push(section(9, Buffer.concat([writeLeb(count + 1), rest(p), entry])));
    } else if (id === 10) {
      out.push(section(10, vec(allBodies.map((b) => Buffer.concat([writeLeb(b.length), b])))));
    } else {
      out.push(module.subarray(header, end));
    }
  }
  return Buffer.concat(out);
}

/**
 * The part of Confidant (bench/weight.mjs's parts) of each function of the served module,
 * by its index: the build orders a module's functions by likeness
 * (scripts/order-functions.mjs), so the same order of the named copy's functions gives
 * each served function its name. Null when the two do not line up.
 */
function partsOfServed(served, scratch) {
  const { functions } = readModule(namedCopy("confidant-web", scratch));
  const order = likenessOrder(functions.map(({ body }) => body));
  const { bodies } = functionBodies(served);
  if (bodies.length !== order.length) return null;
  // Calls name functions by index, so a body can differ by the length of an index.
  const alike = order.filter((f, rank) => Math.abs(functions[f].body.length - bodies[rank].length) < 8).length;
  if (alike < 0.98 * order.length) return null;
  return order.map((f) => owner(functions[f].name).part ?? `(${owner(functions[f].name).crate})`);
}

/** The code of `indices` by part, the largest first: [part, bytes]. */
function byPart(parts, bodies, indices) {
  const sums = new Map();
  for (const index of indices) {
    sums.set(parts[index], (sums.get(parts[index]) ?? 0) + bodies[index].length);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const sha384 = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

/** A copy of `dist` with the app's module marking its calls; the copy's folder and the module. */
function markedCopy() {
  const name = readdirSync(dist).find((file) => APP_MODULE.test(file));
  if (!name) throw new Error(`no app module (confidant-web-HASH_bg.wasm) in ${dist}`);
  const module = readFileSync(join(dist, name));
  const copy = mkdtempSync(join(tmpdir(), "confidant-bench-usage-"));
  cpSync(dist, copy, { recursive: true });
  const marked = withUseMarks(module);
  writeFileSync(join(copy, name), marked);
  // The page pins the module by its digest, and the service worker pins the page by its
  // own: each file rewritten for a new digest has a new digest in turn, which the files
  // that pin it take up. The copy serves the files it changed as they now are, uncompressed.
  const changed = [name];
  const pending = [[sha384(module), sha384(marked)]];
  while (pending.length > 0) {
    const [before, after] = pending.shift();
    for (const file of readdirSync(copy).filter((file) => /\.(html|js)$/.test(file))) {
      const text = readFileSync(join(copy, file), "utf8");
      if (text.includes(before)) {
        const rewritten = text.replaceAll(before, after);
        writeFileSync(join(copy, file), rewritten);
        pending.push([sha384(Buffer.from(text)), sha384(Buffer.from(rewritten))]);
        if (!changed.includes(file)) changed.push(file);
      }
    }
  }
  for (const file of changed) {
    rmSync(join(copy, `${file}.br`), { force: true });
    rmSync(join(copy, `${file}.gz`), { force: true });
  }
  return { copy, module };
}

const { copy, module } = markedCopy();
let browser;
try {
  browser = await launchChromium();
  const marks = await withTwoAgencies(copy, async (server) => {
    const context = await browser.newContext();
    // Keeps each instance the page makes, so that the bench can read the marks.
    await context.addInitScript(() => {
      const instances = [];
      Object.defineProperty(window, "__confidantBenchInstances", { value: instances });
      const keep = (made) => made.then((result) => {
        instances.push(result.instance ?? result);
        return result;
      });
      const streaming = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = (...args) => keep(streaming(...args));
      const instantiate = WebAssembly.instantiate;
      WebAssembly.instantiate = (...args) => keep(instantiate(...args));
    });
    const page = await context.newPage();
    const read = () => page.evaluate((name) => {
      const marked = window.__confidantBenchInstances.find((instance) => instance.exports[name]);
      if (!marked) return null;
      const bytes = new Uint8Array(marked.exports[name].buffer);
      return [...bytes.keys()].filter((index) => bytes[index] === 1);
    }, MARKS_EXPORT);
    try {
      let home = null;
      await walkToSealed(page, server, async () => {
        home = await read();
      });
      const path = await read();
      if (!home || !path) throw new Error("the marked module did not run");
      return { home: new Set(home), path: new Set(path) };
    } finally {
      await context.close();
    }
  });

  const total = readLeb(module, sections(module).find(({ id }) => id === 10).start)[0];
  const codeBytes = splitByUse(module, new Set(Array.from({ length: total }, (_, index) => index))).runBytes;
  const served = brotli(module);
  console.log(`What of the app's module a first visit runs (${total} functions, ${kib(served)} brotli as built):`);
  for (const [label, used] of [["up to the home screen, the app running", marks.home], ["the whole path, to a delivered referral", marks.path]]) {
    const { runBytes, first, rest } = splitByUse(module, used);
    const firstBrotli = brotli(first);
    console.log(`  ${label}: ${used.size} functions, ${kib(runBytes)} of ${kib(codeBytes)} code (${(100 * runBytes / codeBytes).toFixed(1)}%);`);
    console.log(`    the module with only those: ${kib(firstBrotli)} brotli (${(firstBrotli / served).toFixed(2)}x), ${kib(served - firstBrotli)} less; the other functions alone ${kib(brotli(rest))}`);
    const stubbed = withStubs(module, used);
    new WebAssembly.Module(stubbed);
    const stubbedBrotli = brotli(stubbed);
    console.log(`    split for real, the others reached through stubs (a valid module): ${kib(stubbedBrotli)} brotli, ${kib(stubbedBrotli - firstBrotli)} for the stubs and the table, ${kib(served - stubbedBrotli)} less than as built`);
  }
  if (!QUICK) {
    const scratch = mkdtempSync(join(tmpdir(), "confidant-bench-usage-named-"));
    try {
      const parts = partsOfServed(module, scratch);
      if (!parts) {
        console.log("  (the named copy's functions do not line up with the served module's: no parts)");
      } else {
        const { bodies } = functionBodies(module);
        const never = [...bodies.keys()].filter((index) => !marks.path.has(index));
        const show = (title, rows) => {
          console.log(`  ${title}`);
          for (const [part, bytes] of rows.slice(0, 12)) console.log(`    ${part.padEnd(40)} ${kib(bytes).padStart(10)}`);
        };
        show("the code the path runs, by part of Confidant or crate (the twelve largest):", byPart(parts, bodies, marks.path));
        show("the code it never runs (the twelve largest):", byPart(parts, bodies, never));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
} finally {
  await browser?.close();
  rmSync(copy, { recursive: true, force: true });
}
