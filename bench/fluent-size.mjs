// What Project Fluent alone would add to the app's download, for deciding how the
// interface's words are translated: the minimal Yew app (bench/hello) built as it is and
// with the feature `fluent` (one message with a plural, through `fluent-bundle`), both
// compressed as the server sends them (brotli). Next to it, what the app's own words
// weigh today: every phrase of src/interface_text/ in its four languages.
//
// usage: node bench/fluent-size.mjs HELLO_DIST HELLO_FLUENT_DIST
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const brotli = (bytes) => brotliCompressSync(bytes, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
const wasm = (dist) => readFileSync(join(dist, readdirSync(dist).find((name) => name.endsWith(".wasm"))));
const kib = (bytes) => (bytes / 1024).toFixed(1);

const [plain, fluent] = process.argv.slice(2).map((dist) => brotli(wasm(dist)));
const words = readdirSync("src/interface_text")
  .map((name) => readFileSync(join("src/interface_text", name), "utf8"))
  .flatMap((source) => [...source.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]))
  .join("\n");
const wordsSize = brotli(Buffer.from(words));
console.log(`Project Fluent (fluent-bundle, one message with a plural) in a minimal Yew app: ${kib(fluent)} KiB brotli against ${kib(plain)} KiB without, +${kib(fluent - plain)} KiB (${(fluent / plain).toFixed(2)}x)`);
console.log(`the app's interface words in four languages, as Rust tables: ${kib(wordsSize)} KiB brotli of text`);
