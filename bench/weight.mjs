// Where the bytes of the app's WebAssembly go, measured on the build of this run: for the
// app's module, the embedded form's and the inbox's, the code of each crate and of each
// part of the app (screens, components, the core's modules), its data, and what the
// levers chosen so far keep off the path to a sealed referral.
//
// It reads the modules as wasm-bindgen wrote them, with their function names
// (target/wasm-bindgen/release/NAME_bg.wasm), and shrinks a copy with the same wasm-opt
// flags as the build but keeping the names, so the figures are those of the files served
// (up to the names and the order of the functions, scripts/order-functions.mjs). With --quick it skips the shrinking (a check that the bench runs).
// Code that a generic crate instantiates for Confidant's types (Yew's components, serde's
// visitors, alloc's collections) counts for that crate.
//
// usage: node bench/weight.mjs DIST [--quick]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { NAMED, namedCopy, owner, readModule } from "./symbols.mjs";
import { withoutComments } from "../scripts/page-comments.mjs";

const [dist = "dist", ...flags] = process.argv.slice(2);
const QUICK = flags.includes("--quick");
// Levers that need a second build to measure, measured when they were made, with the
// build's wasm-opt flags of the time (-Oz once until "-Oz a second time", twice since);
// the figures above show where the bytes stand on this build.
const LEVERS_MEASURED_ONCE = [
  ["maps as sorted lists (core's StrMap, StrSet) and the shell's state in four slots a form (PerForm), not a BTreeMap, BTreeSet or HashMap for each value type", 23_777],
  ["the core at opt-level \"z\" rather than \"s\", its ciphertext base64 at 3 in a crate of its own (core/b64)", 20_482],
  ["a number field read by the browser (valueAsNumber): no float parsing in the module", 11_812],
  ["the outbox reads a packet's metadata only (PacketMeta::of_packet_text): no packet parser in the module", 7_590],
  ["number answers written by the browser (Number.prototype.toString): no float formatting", 5_668],
  ["the interface's words as one array read by a method per phrase", 4_374],
  ["stateless screens and the quick exit button as plain functions, not components (seven)", 4_058],
  ["the ciphertext base64's table of character pairs built for each packet, not kept as 8 KiB of data", 3_548],
  ["short lists sorted by the app's own binary insertion sort (src/short_sort.rs), not the standard sort once per type", 3_221],
  ["typed structures read from JSON text only, never from a serde_json Value", 2_626],
  ["the built-in English without its phrases' names (build.rs)", 1_179],
  ["sha2 and argon2 at opt-level \"s\" rather than \"z\" (smaller, for these two)", 1_132],
  ["wasm-opt -Oz a second time", 965],
  ["the module's imports and exports by short names, not wasm-bindgen's hashed ones (scripts/shrink-assets.mjs)", 3_123],
  ["JSON in decoded bytes read as text (core's from_json_bytes): serde_json's reader of text only, not its reader of bytes as well (the inbox's module: 1,695)", 566],
  ["sha2's compact rounds rather than its unrolled ones (.cargo/config.toml; the inbox's module: 2,134)", 1_748],
  ["the built-in English as a literal per phrase, so that a module keeps only the phrases it shows (the embedded form's module: 3,879)", 280],
  ["each module's functions next to the ones most like them (scripts/order-functions.mjs; the embedded form's module: 4,173, the inbox's: 4,841)", 5_918],
  ["the standard library compiled with the app for size, and panics that abort at once (scripts/release-build.sh; the embedded form's module: 18,951, the inbox's: 21,000)", 21_619],
  ["lower case from core's table of ranges (core/src/lower_case.rs), not the standard library's 1,400 pairs (the embedded form's module: 5,866, the inbox's: 4,277)", 3_660],
  ["Debug formatting compiled to nothing (-Z fmt-debug=none, scripts/release-env.sh; the embedded form's module: 2,602, the inbox's: 388)", 2_330],
  ["JSON values written as text through a Vec (confidant_core::json_text), not through their Display, which also carries serde_json's pretty printer (the embedded form's module: 413, the inbox's: 3,341)", 1_868],
  ["wasm-opt told that the lowest KiB of memory is unused (--low-memory-unused in index.html: the stack's far end), which lets it fold constants into the offsets of loads and stores (the embedded form's module: 1,158, the inbox's: 1,631)", 1_633],
  ["a form definition's objects read member by member (core/src/form/members.rs), not by a derived reader for each of its fifteen structures (the embedded form's module: 6,736, the inbox's: 6,559)", 7_145],
  ["the country and language name lists kept in a short list, and the tests' form addresses (AppProps::sources) a list: no HashMap or BTreeMap for their key types (the embedded form's module: 859, the inbox's: 1,085)", 1_128],
  ["a needs answer's object written by inserting each need (core's Answers::to_json), not collected, which brought a sort and a bulk build of serde_json's map (the embedded form's module: 1,163, the inbox's: 402)", 1_500],
  ["the app's module split by use (scripts/split-module.mjs): what the path to a sealed referral runs, and the quick exit, in the module the path loads; the rest (106.6 KiB brotli) loaded when first needed and kept by the service worker off the path; less the loader in the glue, 0.6 KiB (measured 2026-12-05)", 33_914],
  ["the closure shims' exports by short names too, not wasm-bindgen's up to 334 characters (scripts/shrink-assets.mjs; with the glue 436 off the path; the embedded form's module: 281, the inbox's: 476)", 231],
];
// Measured and not kept.
const LEVERS_NOT_KEPT = [
  "serde_json at opt-level \"s\" rather than 3: the module grew by about 1.5 KiB",
  "wasm-opt --converge: 84 bytes less, for a much longer build",
  "wasm-opt -Os, -O3, --gufa, --merge-similar-functions or --no-inline in place of a second -Oz: each saved less",
  "yew at opt-level \"s\": 4.3 KiB larger; ed25519-dalek, x25519-dalek, aes, ghash, blake2 or hashbrown at \"s\": a few hundred bytes larger each",
  "serde_json at opt-level \"z\": 677 bytes less, not worth slower parsing of every packet and definition",
  "the app's four hash maps as BTreeMaps: 683 bytes larger (Yew keeps hashbrown in the module anyway)",
  "the review screen's 31 elements of one text each built by one out-of-line function rather than by html! in place: 2.1 KB less code, but the module 319 bytes larger brotli (the repeated construction compresses well)",
  "serde_json at opt-level \"z\", measured again on 2026-12-03: 359 bytes larger (the embedded form's module 184 and the inbox's 145 smaller)",
  "a definition's lists of objects read with their objects' members in one reading of the text: checking a definition of 6,000 fields natively in 14 ms rather than 17 (the least of 300 runs), but 711 bytes larger, or 76 with a second reading kept for the error's path (the embedded form's module 313, the inbox's 375)",
  "aes's compact rounds (--cfg aes_backend_soft=\"compact\"): 899 bytes less, but the core's AES-GCM, which seals what is under 16 KiB and everything where WebCrypto is missing, 28% slower (a 4 MiB packet in 132 ms against 95)",
];

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function table(title, rows, total) {
  console.log(`  ${title}`);
  for (const [label, raw, compressed] of rows) {
    console.log(`    ${label.padEnd(34)} ${kib(raw).padStart(10)} ${`${(100 * raw / total).toFixed(1)}%`.padStart(6)}   brotli alone ${kib(compressed).padStart(9)}`);
  }
}

function weigh(label, named, served, views = false) {
  const { functions, data } = readModule(named);
  const code = functions.reduce((sum, { body }) => sum + body.length, 0);
  const group = (key) => {
    const groups = new Map();
    for (const fn of functions) {
      const which = key(fn);
      if (which === null) continue;
      if (!groups.has(which)) groups.set(which, []);
      groups.get(which).push(fn.body);
    }
    return [...groups]
      .map(([which, bodies]) => [which, bodies.reduce((sum, body) => sum + body.length, 0), Buffer.concat(bodies)])
      .sort((a, b) => b[1] - a[1]);
  };
  console.log(`\n${label}: ${kib(served.length)} served (${kib(brotli(served))} brotli); measured${QUICK ? " before wasm-opt" : ""}: ${kib(code)} of code in ${functions.length} functions, ${kib(data.length)} of data (${kib(brotli(data))} brotli alone)`);
  const crates = group((fn) => owner(fn.name).crate);
  table("code by crate (the ten largest):", crates.slice(0, 10).map(([name, raw, bodies]) => [name, raw, brotli(bodies)]), code);
  const parts = group((fn) => owner(fn.name).part);
  table("code by part of Confidant (the twelve largest):", parts.slice(0, 12).map(([name, raw, bodies]) => [name, raw, brotli(bodies)]), code);
  if (views) viewLayer(functions);
  return { served };
}

// What the view layer (Yew) costs the module, by taking functions out of its code: the
// bound on what a lighter view layer could save, since the views' own code stays.
function viewLayer(functions) {
  const all = brotli(Buffer.concat(functions.map(({ body }) => body)));
  const yew = (name) => owner(name).crate === "yew";
  const ours = (name) => /confidant_(web|core)\[/.test(name);
  const shares = [
    ["Yew's own code (no Confidant type in it)", ({ name }) => yew(name) && !ours(name)],
    ["Yew's code made for Confidant's components, with their views inlined", ({ name }) => yew(name) && ours(name)],
    ["drop glue, of every type (core::ptr::drop_in_place)", ({ name }) => name.includes("drop_in_place")],
  ];
  console.log("  the view layer, measured by taking its functions out of the code (brotli of the code without them):");
  for (const [label, taken] of shares) {
    const out = functions.filter(taken);
    const kept = functions.filter((fn) => !taken(fn));
    const raw = out.reduce((sum, { body }) => sum + body.length, 0);
    const saved = all - brotli(Buffer.concat(kept.map(({ body }) => body)));
    console.log(`    ${label}: ${out.length} functions, ${kib(raw)}, ${kib(saved)} brotli`);
  }
}

const scratch = mkdtempSync(join(tmpdir(), "confidant-weight-"));
try {
  const modules = {};
  for (const [name, label] of [["confidant-web", "The app's module"], ["embed", "The embedded form's module"],
    ["inbox", "The inbox's module"], ["drafts", "The drafts panel's module"]]) {
    const named = QUICK ? readFileSync(join(NAMED, `${name}_bg.wasm`)) : namedCopy(name, scratch);
    const servedName = readdirSync(dist).find((file) => file === `${name}_bg.wasm` || new RegExp(`^${name}-[0-9a-f]+_bg\\.wasm$`).test(file));
    modules[name] = weigh(label, named, readFileSync(join(dist, servedName)), name === "confidant-web");
  }

  // What each lever keeps off the path to a sealed referral, from the files of this build.
  const size = (file) => brotli(readFileSync(join(dist, file)));
  const app = brotli(modules["confidant-web"].served);
  const embed = brotli(modules.embed.served);
  const languages = readdirSync(join(dist, "lang")).filter((file) => file.endsWith(".txt") && file !== "en.txt");
  const workers = readdirSync(dist).filter((file) => /^(derive|strength)-worker_bg\.wasm$/.test(file));
  console.log("\nWhat each lever keeps off the path to a sealed referral, measured on this build (brotli):");
  console.log(`  the first screen in plain HTML: the quick exit works before ${kib(app)} of module arrive (bench/shell.mjs: first load)`);
  console.log(`  a module of its own for the embedded form: ${kib(embed)} against the app's ${kib(app)}, ${kib(app - embed)} less`);
  console.log(`  a module of its own for the inbox, loaded only when it opens: ${kib(brotli(modules.inbox.served))} (src/inbox_root.rs)`);
  console.log(`  a module of its own for the drafts panel, loaded only when its fold opens or drafts are kept: ${kib(brotli(modules.drafts.served))} (src/drafts_root.rs)`);
  console.log(`  languages on demand: ${languages.map((file) => `${file} ${kib(size(`lang/${file}`))}`).join(", ")} fetched only when chosen`);
  console.log(`  workers' modules loaded only for drafts: ${workers.map((file) => `${file} ${kib(size(file))}`).join(", ")}`);
  const kept = readFileSync("forms/referral.json");
  const glue = readdirSync(dist).find((file) => /^confidant-web-[0-9a-f]+\.js$/.test(file));
  const written = brotli(readFileSync(join(NAMED, "confidant-web.js")));
  console.log(`  the glue minified, with short names for the module's imports and exports (scripts/shrink-assets.mjs): ${kib(size(glue))} against ${kib(written)} as wasm-bindgen writes it`);
  const boot = readdirSync(dist).find((file) => /^boot-[0-9a-f]+\.js$/.test(file));
  console.log(`  the boot script minified (scripts/shrink-assets.mjs): ${kib(size(boot))} against ${kib(brotli(readFileSync("www/boot.js")))} as www/boot.js keeps it`);
  const style = readdirSync(dist).find((file) => /^style-[0-9a-f]+\.css$/.test(file));
  console.log(`  the stylesheet minified (scripts/shrink-assets.mjs): ${kib(size(style))} against ${kib(brotli(readFileSync("www/style.css")))} as www/style.css keeps it`);
  const page = readFileSync("index.html", "utf8");
  console.log(`  the page without index.html's comments (scripts/page-comments.mjs): ${kib(brotli(Buffer.from(withoutComments(page))))} against ${kib(brotli(Buffer.from(page)))} as index.html keeps it`);
  console.log(`  form definitions without indentation (scripts/minify-forms.mjs): referral.json ${kib(size("forms/referral.json"))} against ${kib(brotli(kept))} as forms/ keeps it`);
  console.log("Measured once, on the app's module when each was made (its commit says how), in bytes brotli:");
  for (const [lever, saved] of LEVERS_MEASURED_ONCE) {
    console.log(`  ${String(saved).padStart(6)}  ${lever}`);
  }
  console.log("Measured and not kept:");
  for (const lever of LEVERS_NOT_KEPT) {
    console.log(`  ${lever}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
