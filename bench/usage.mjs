// What of the app's module the path to a sealed referral runs, and whether the split by
// use holds: the build splits the module (scripts/split-module.mjs) into a first part,
// with what scripts/split-profile.txt says the path runs, and a rest that the glue loads
// when a function of it is first called. The path must never call one: on a first visit
// that would stop the page for a synchronous download, and put the rest's bytes on the
// path. So this bench walks the path and fails if the rest was loaded, saying how to take
// a new profile.
//
// How: a copy of the build whose app module marks each function's first call in a memory
// of its own (each function begins by writing a 1 at its index), served by `confidant
// serve` with the integrity pins of the copy updated, and walked in headless Chromium as
// bench/path.mjs walks it, with the question before leaving and the quick exit (by Escape
// twice, and in a second walk by its button: walkAndLeave). A third walk goes through an
// outage: the server out of reach from the seal on, the outbox waiting and retrying, the
// browser offline and back, and then the delivery. Code that runs while the server cannot
// be reached could never be fetched then, so it must be in the first part. Only the copy
// is changed. The marks say nothing about what a worker typed: one byte per function,
// read by the bench from the page.
//
// With --write-profile FILE, on a build left whole and named (scripts/profile-path.sh
// makes one): walks the path three times, and writes the names of the functions any walk ran
// (split-module.mjs's profileKey) to FILE, then says what the path runs and what it never
// runs, by part of Confidant.
//
// Why a synchronous load can work offline, measured in Chromium 156 on 2026-12-04, with a
// page, a service worker that keeps a 252 KB module, and the network then off:
// - a synchronous XMLHttpRequest is not answered by the service worker: served without
//   caching headers, the module came from the worker to fetch() and failed to the
//   synchronous request;
// - it is answered by the HTTP cache: served as `confidant serve` serves hashed files
//   (immutable, for a year), the module, fetched only by the worker (the page had never
//   asked for it), came to the synchronous request in about 12 ms, with no request to
//   the server.
// So the rest travels off the path, with the service worker's background copy of the
// build (bench/shell.mjs counts that apart), and is read from the worker's cache once it
// controls the page, or synchronously from the HTTP cache before (www/rest-loader.js).
//
// usage: node bench/usage.mjs DIST [--quick] [--write-profile FILE]
//   --quick: the same (the walks are the check that the profile holds).
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { keepInstances, launchChromium } from "../tests/e2e/support.mjs";
import { walkAndLeave, withTwoAgencies } from "./path.mjs";
import { owner } from "./symbols.mjs";
import { profileKey, splitModule } from "../scripts/split-module.mjs";
import { functionBodies, functionNames, importEnd, readLeb, readName, sections, writeLeb, writeName } from "../scripts/wasm-binary.mjs";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
const PROFILE_OUT = option("--write-profile");
const [dist = "dist"] = args.filter((arg, i) => !arg.startsWith("--") && args[i - 1] !== "--write-profile");
const APP_MODULE = /^confidant-web-[0-9a-f]+_bg\.wasm$/;
const REST_MODULE = /^confidant-rest-[0-9a-f]+\.wasm$/;
const MARKS_EXPORT = "confidant_bench_marks";

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const section = (id, content) => Buffer.concat([Buffer.from([id]), writeLeb(content.length), content]);
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
  const walks = [];
  for (let walk = 0; walk < 3; walk++) {
    walks.push(await withTwoAgencies(copy, async (server) => {
      const context = await browser.newContext();
      // Keeps each instance the page makes, so that the bench can read the marks.
      await keepInstances(context);
      const page = await context.newPage();
      const read = () => page.evaluate((name) => {
        const marked = window.__confidantTestInstances.find((instance) => instance.exports[name]);
        if (!marked) return null;
        const bytes = new Uint8Array(marked.exports[name].buffer);
        return {
          marks: [...bytes.keys()].filter((index) => bytes[index] === 1),
          // The first part's flag: 1 once the rest is loaded (www/rest-loader.js).
          rest: marked.exports.r_ready ? marked.exports.r_ready.value === 1 : null,
        };
      }, MARKS_EXPORT);
      try {
        let home = null;
        await walkAndLeave(page, server, {
          started: async () => {
            home = await read();
          },
          byButton: walk === 1,
          outage: walk === 2,
        });
        const path = await read();
        if (!home || !path) throw new Error("the marked module did not run");
        return { home: new Set(home.marks), path: new Set(path.marks), rest: path.rest };
      } finally {
        await context.close();
      }
    }));
  }
  const marks = {
    home: new Set(walks.flatMap(({ home }) => [...home])),
    path: new Set(walks.flatMap(({ path }) => [...path])),
  };

  const { bodies } = functionBodies(module);
  const codeBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  const served = brotli(module);
  const rest = readdirSync(dist).find((file) => REST_MODULE.test(file));
  console.log(`The app's module as served: ${bodies.length} functions, ${kib(served)} brotli` +
    (rest ? `; the rest, kept by the service worker off the path: ${kib(brotli(readFileSync(join(dist, rest))))} brotli (${rest})` : " (not split)"));
  for (const [label, used] of [["up to the home screen, the app running", marks.home], ["the whole path, to a delivered referral (once through an outage)", marks.path]]) {
    const runBytes = [...used].reduce((sum, f) => sum + bodies[f].length, 0);
    console.log(`  ${label}: ${used.size} functions, ${kib(runBytes)} of ${kib(codeBytes)} code (${(100 * runBytes / codeBytes).toFixed(1)}%)`);
    if (!rest) {
      // The module whole: what a first part of only these would weigh, split as the build splits.
      console.log(`    a first part of only those, the others behind stubs: ${kib(brotli(splitModule(module, used).first))} brotli`);
    }
  }

  if (PROFILE_OUT) {
    const names = functionNames(module);
    if (names.size === 0) throw new Error(`${dist}'s app module has no names: build it with scripts/profile-path.sh`);
    const imported = functionBodies(module).imported;
    const keys = [...new Set([...marks.path].map((f) => names.get(imported + f)).filter(Boolean).map(profileKey))].sort();
    writeFileSync(PROFILE_OUT, `# The functions of the app's module that the path to a sealed referral runs (three walks\n# of bench/path.mjs, one through an outage), by name without the compiler's hashes: the\n# build keeps them in the first part of the module (scripts/split-module.mjs). Written by\n# scripts/profile-path.sh.\n${keys.join("\n")}\n`);
    console.log(`  ${keys.length} names written to ${PROFILE_OUT}`);
    const parts = bodies.map((_, f) => {
      const { part, crate } = owner(names.get(imported + f) ?? "");
      return part ?? `(${crate})`;
    });
    const never = [...bodies.keys()].filter((f) => !marks.path.has(f));
    const show = (title, rows) => {
      console.log(`  ${title}`);
      for (const [part, bytes] of rows.slice(0, 12)) console.log(`    ${part.padEnd(40)} ${kib(bytes).padStart(10)}`);
    };
    show("the code the path runs, by part of Confidant or crate (the twelve largest):", byPart(parts, bodies, marks.path));
    show("the code it never runs (the twelve largest):", byPart(parts, bodies, never));
  } else if (rest) {
    const loaded = walks.filter((walk) => walk.rest !== false).length;
    if (loaded > 0) {
      console.error(`\nThe path loaded the rest of the app's module: scripts/split-profile.txt no longer lists
everything the path runs. Take a new profile (scripts/profile-path.sh) and commit it.`);
      process.exitCode = 1;
    } else {
      console.log("  the path never loaded the rest: scripts/split-profile.txt lists what it runs");
    }
  }
} finally {
  await browser?.close();
  rmSync(copy, { recursive: true, force: true });
}
