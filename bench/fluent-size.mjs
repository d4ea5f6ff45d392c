// What Project Fluent alone would add to the app's download, for deciding how the
// interface's words are translated: the minimal Yew app (bench/hello) built as it is and
// with the feature `fluent` (one message with a plural, through `fluent-bundle`), both
// compressed as the server sends them (brotli). Next to it, what the app's own words
// weigh today: English, built into every module, and each other language of www/lang/,
// a file fetched when a worker chooses it.
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
const texts = (tag) => readFileSync(join("www/lang", `${tag}.txt`), "utf8").split("\n")
  .filter((line) => line.includes(" = ") && !line.startsWith("#"))
  .map((line) => line.slice(line.indexOf(" = ") + 3))
  .join("\n");
const languages = readdirSync("www/lang").filter((name) => name.endsWith(".txt")).map((name) => name.slice(0, -4));
console.log(`Project Fluent (fluent-bundle, one message with a plural) in a minimal Yew app: ${kib(fluent)} KiB brotli against ${kib(plain)} KiB without, +${kib(fluent - plain)} KiB (${(fluent / plain).toFixed(2)}x)`);
console.log(`the app's interface words, brotli of their text: ${languages
  .map((tag) => `${tag} ${kib(brotli(Buffer.from(texts(tag))))} KiB${tag === "en" ? " (built in)" : ""}`)
  .join(", ")}; each other language is a file fetched when chosen`);
