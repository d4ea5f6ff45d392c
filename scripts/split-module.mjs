// Splits a WebAssembly module by use: the functions a profile says a visit runs stay in the
// first part, and each of the others becomes a stub that, on its first call, has the glue
// load the rest (a second module) and then calls the function's real body there.
//
// The first part keeps every function at its index; a stub forwards its arguments to its
// slot in a table of its own (exported as REST_TABLE), after calling the loader (the
// import REST_IMPORT) while the global REST_READY is 0. The glue fills the table with the
// rest's exports, by slot, and sets REST_READY to 1.
//
// The rest is the whole module with its memory, tables and globals imported from the first
// part (so that the two share every byte of state), without the data and element segments
// that the first part has already written, and with one export per slot; wasm-opt then
// drops what those exports cannot reach. Its functions call their own copies of the
// functions the first part kept: the same code over the same state.
import binaryen from "binaryen";
import { functionNames, importEnd, readLeb, readName, sections, writeLeb, writeName } from "./wasm-binary.mjs";

/** Where the first part's stubs find the loader, the flag and the table of the rest. */
export const REST_IMPORT = ["r", "l"];
export const REST_READY = "r_ready";
export const REST_TABLE = "r_table";
/** The rest's imports of the first part's state: memory, tables and globals, by index. */
export const SHARED = "p";
export const sharedName = (kind, index) => `${kind}${index}`;
/** The rest's export for the function in `slot`. */
export const slotName = (slot) => slot.toString(36);

// The features the build's wasm-opt enables (index.html): no other may appear in either part.
const FEATURES = () => binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt
  | binaryen.Features.ReferenceTypes | binaryen.Features.Multivalue | binaryen.Features.MutableGlobals;

const section = (id, content) => Buffer.concat([Buffer.from([id]), writeLeb(content.length), content]);
const vec = (items) => Buffer.concat([writeLeb(items.length), ...items]);

/** How many functions, tables, memories and globals the module imports. */
function importCounts(module) {
  const counts = [0, 0, 0, 0, 0];
  const imports = sections(module).find(({ id }) => id === 2);
  if (!imports) return counts;
  let [count, at] = readLeb(module, imports.start);
  for (; count > 0; count--) {
    at = readName(module, readName(module, at)[1])[1];
    counts[module[at]]++;
    at = importEnd(module, at);
  }
  return counts;
}

/** How many functions the module defines (its code section's count). */
const definedCount = (module) => readLeb(module, sections(module).find(({ id }) => id === 10).start)[0];

/** The entries of a vector section, each as its bytes. */
function entries(module, { start, end }, entryEnd) {
  let [count, at] = readLeb(module, start);
  const out = [];
  for (; count > 0; count--) {
    const next = entryEnd(at);
    out.push(module.subarray(at, next));
    at = next;
  }
  if (at !== end) throw new Error("a section longer than its entries");
  return out;
}

/** The end of a table type (a reference type, then limits), or of limits alone. */
function limitsEnd(module, at) {
  const flags = module[at];
  let end = readLeb(module, at + 1)[1];
  if (flags & 1) end = readLeb(module, end)[1];
  return end;
}

/** The end of a constant expression (a global's initial value). */
function constEnd(module, at) {
  // Constant expressions here are one instruction and `end`: i32/i64.const (LEB),
  // f32/f64.const (4 or 8 bytes), global.get (LEB), ref.null (a type), ref.func (LEB).
  const op = module[at];
  let next;
  if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) next = readLeb(module, at + 1)[1];
  else if (op === 0x43) next = at + 5;
  else if (op === 0x44) next = at + 9;
  else if (op === 0xd0) next = at + 2;
  else throw new Error(`a constant expression that begins with 0x${op.toString(16)}`);
  if (module[next] !== 0x0b) throw new Error("a constant expression of more than one instruction");
  return next + 1;
}

/**
 * The rest: `module` with its memory, tables and globals imported from the first part,
 * no start, no data or element segments, and an export for each function of `left` (its
 * slot's name), then shrunk by wasm-opt to what those exports reach.
 */
function restOf(module, left, counts) {
  const at = Object.fromEntries(sections(module).map((s) => [s.id, s]));
  const tables = at[4] ? entries(module, at[4], (p) => limitsEnd(module, p + 1)) : [];
  const memories = at[5] ? entries(module, at[5], (p) => limitsEnd(module, p)) : [];
  const globals = at[6] ? entries(module, at[6], (p) => constEnd(module, p + 2)) : [];
  const [imported, tablesBefore, memoriesBefore, globalsBefore] = counts;
  const shared = [
    ...tables.map((table, i) => Buffer.concat([writeName(SHARED), writeName(sharedName("t", tablesBefore + i)), Buffer.from([1]), table])),
    ...memories.map((memory, i) => Buffer.concat([writeName(SHARED), writeName(sharedName("m", memoriesBefore + i)), Buffer.from([2]), memory])),
    ...globals.map((global, i) => Buffer.concat([writeName(SHARED), writeName(sharedName("g", globalsBefore + i)), Buffer.from([3]), global.subarray(0, 2)])),
  ];
  const out = [module.subarray(0, 8)];
  for (const { id, header, start, end } of sections(module)) {
    if (id === 2) {
      const [count, p] = readLeb(module, start);
      out.push(section(2, Buffer.concat([writeLeb(count + shared.length), module.subarray(p, end), ...shared])));
    } else if (id === 7) {
      out.push(section(7, vec(left.map((f, slot) => Buffer.concat([writeName(slotName(slot)), Buffer.from([0]), writeLeb(imported + f)])))));
    } else if ([0, 4, 5, 6, 8, 9, 11, 12].includes(id)) {
      // Custom sections, the state the first part defines, the start, the segments.
    } else {
      out.push(module.subarray(header, end));
    }
  }
  const rest = binaryen.readBinary(Buffer.concat(out), FEATURES());
  try {
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(2);
    binaryen.setLowMemoryUnused(true);
    rest.runPasses(["remove-unused-module-elements"]);
    rest.optimize();
    if (!rest.validate()) throw new Error("the rest does not validate");
    return Buffer.from(rest.emitBinary());
  } finally {
    rest.dispose();
  }
}

/**
 * `module` split by `used` (the indices, among the functions it defines, of those a visit
 * runs): the first part, the rest, and how many slots the rest fills.
 */
export function splitModule(module, used) {
  const counts = importCounts(module);
  const [imported, tablesBefore, memoriesBefore, globalsBefore] = counts;
  const left = [...Array(definedCount(module)).keys()].filter((f) => !used.has(f));
  const rest = restOf(module, left, counts);

  const first = binaryen.readBinary(module, FEATURES());
  try {
    const name = (f) => binaryen.getFunctionInfo(first.getFunctionByIndex(imported + f)).name;
    // Every table and global, exported for the rest to import (the memory already is).
    for (let i = 0; i < first.getNumTables(); i++) {
      const { name: table, module: from } = binaryen.getTableInfo(first.getTableByIndex(i));
      if (from) throw new Error("the module imports a table");
      first.addTableExport(table, sharedName("t", tablesBefore + i));
    }
    if (memoriesBefore !== 0) throw new Error("the module imports its memory");
    first.addMemoryExport("0", sharedName("m", 0));
    for (let i = 0; i < first.getNumGlobals(); i++) {
      const { name: global, module: from } = binaryen.getGlobalInfo(first.getGlobalByIndex(i));
      if (from) throw new Error("the module imports a global");
      first.addGlobalExport(global, sharedName("g", globalsBefore + i));
    }
    first.addFunctionImport("confidant$load", REST_IMPORT[0], REST_IMPORT[1], binaryen.none, binaryen.none);
    first.addGlobal("confidant$ready", binaryen.i32, true, first.i32.const(0));
    first.addGlobalExport("confidant$ready", REST_READY);
    first.addTable("confidant$rest", left.length, left.length);
    first.addTableExport("confidant$rest", REST_TABLE);
    left.forEach((f, slot) => {
      const fn = first.getFunction(name(f));
      const { params, results } = binaryen.getFunctionInfo(fn);
      const args = binaryen.expandType(params).map((type, i) => first.local.get(i, type));
      const body = first.block(null, [
        first.if(first.i32.eqz(first.global.get("confidant$ready", binaryen.i32)), first.call("confidant$load", [], binaryen.none)),
        first.call_indirect("confidant$rest", first.i32.const(slot), args, params, results),
      ], results);
      binaryen.Function.setBody(fn, body);
      first.runPassesOnFunction(fn, ["reorder-locals"]);
    });
    if (!first.validate()) throw new Error("the first part does not validate");
    return { first: Buffer.from(first.emitBinary()), rest, slots: left.length };
  } finally {
    first.dispose();
  }
}

/**
 * A function's name as a profile keeps it: without the hashes that the compiler puts in a
 * symbol (`yew[d362bdde5243267a]::…`, `::h0123456789abcdef`), which change from one build
 * of the same code to the next. Generic code made twice for types of one name shares its
 * key: the profile then keeps both.
 */
export const profileKey = (name) => name.replace(/\[[0-9a-f]+\]/g, "").replace(/::h[0-9a-f]{16}$/, "");

/**
 * Functions that stay in the first part whatever the profile says: the quick exit and the
 * question before leaving, which must never wait for the rest (nor fail for want of it).
 * The profile's walks run them as well (bench/path.mjs's walkAndLeave); this holds them
 * when a profile has gone stale.
 */
const ALWAYS_FIRST = /confidant_web(\[[0-9a-f]+\])?::(quick_exit|browser::navigation|components::quick_exit_button)::/;

/**
 * `module` (with its name section) split by `profile`, a set of keys (`profileKey`): the
 * functions whose key it holds stay in the first part, and so does every function without
 * a name or of the quick exit (ALWAYS_FIRST). Returns splitModule's parts.
 */
export function splitByProfile(module, profile) {
  const names = functionNames(module);
  if (names.size === 0) throw new Error("the module has no name section to split it by");
  const [imported] = importCounts(module);
  const defined = definedCount(module);
  const used = new Set();
  for (let f = 0; f < defined; f++) {
    const name = names.get(imported + f);
    if (!name || ALWAYS_FIRST.test(name) || profile.has(profileKey(name))) used.add(f);
  }
  return splitModule(module, used);
}
