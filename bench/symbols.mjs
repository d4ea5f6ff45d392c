// The names of the functions in the modules Confidant builds, for the benches that say where
// the bytes go (bench/weight.mjs) and which code the path to a sealed referral runs
// (bench/usage.mjs): wasm-bindgen's output keeps Rust's symbols, and a copy shrunk with the
// build's own wasm-opt flags plus -g keeps them through the shrinking.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { functionBodies, functionNames, sections } from "../scripts/wasm-binary.mjs";

/** Where wasm-bindgen writes the modules of the release build, with their symbols. */
export const NAMED = "target/wasm-bindgen/release";

// index.html's data-wasm-opt-params for the app and the embed (-Oz twice), and -Oz as
// data-wasm-opt="z".
const WASM_OPT = ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-reference-types", "--enable-multivalue", "--enable-mutable-globals", "--strip-producers", "--low-memory-unused", "-Oz", "-g"];

/** The module's function bodies with their names, and its data, from its sections. */
export function readModule(bytes) {
  const { imported, bodies } = functionBodies(bytes);
  const names = functionNames(bytes);
  const data = sections(bytes).find(({ id }) => id === 11);
  return {
    functions: bodies.map((body, i) => ({ body, name: names.get(imported + i) ?? "" })),
    data: data ? bytes.subarray(data.start, data.end) : Buffer.alloc(0),
  };
}

const ESCAPES = { LT: "<", GT: ">", RF: "&", BP: "*", C: ",", LP: "(", RP: ")", SP: "@" };
/** A Rust symbol in readable form, whether or not wasm-bindgen demangled it. */
function demangle(symbol) {
  if (!symbol.startsWith("_ZN")) return symbol;
  const parts = [];
  let at = 3;
  while (at < symbol.length && symbol[at] !== "E") {
    let digits = "";
    while (/[0-9]/.test(symbol[at])) digits += symbol[at++];
    if (!digits) break;
    parts.push(symbol.slice(at, at + Number(digits)));
    at += Number(digits);
  }
  return parts
    .filter((part, i) => !(i === parts.length - 1 && /^h[0-9a-f]{16}$/.test(part)))
    .map((part) => part.replace(/^_\$/, "$")
      .replace(/\$([A-Z]+)\$/g, (all, code) => ESCAPES[code] ?? all)
      .replace(/\$u([0-9a-f]+)\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/\.\./g, "::"))
    .join("::");
}

/** The crate a function's code belongs to, and the part of Confidant it serves, if any. */
export function owner(symbol) {
  const name = demangle(symbol).replace(/\[[0-9a-f]+\]/g, "");
  const part = name.match(/confidant_(web|core)::((?:[a-z_0-9]+::)?[a-z_0-9]+)/);
  const path = name.replace(/^[<&(\[\s]+|^(?:mut|dyn|impl) /g, "");
  let crate = path.match(/^([a-z_][a-z_0-9]*)(::|<|$)/)?.[1];
  if (!crate || crate === "impl") {
    crate = path.match(/ as ([a-z_][a-z_0-9]*)::/)?.[1] ?? (name.startsWith("__wbg") || name.startsWith("__wbindgen") ? "wasm_bindgen" : "other");
  }
  return { crate, part: part ? `${part[1]}::${part[2].replace(/::[A-Z].*$/, "")}` : null };
}

/**
 * The module `name` (confidant-web, embed, inbox) as wasm-bindgen wrote it, shrunk with
 * the build's flags but keeping its functions' names, written under `scratch`.
 */
export function namedCopy(name, scratch) {
  const output = join(scratch, `${name}.wasm`);
  execFileSync("wasm-opt", [...WASM_OPT, join(NAMED, `${name}_bg.wasm`), "-o", output]);
  return readFileSync(output);
}
