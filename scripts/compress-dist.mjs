// Trunk post-build hook: writes `FILE.br` and `FILE.gz` beside every compressible file of
// the build, so `confidant serve` can send the ~1 MB WebAssembly module (and the rest)
// compressed without compressing anything per request.
//
// Compressing once at build time affords the slowest settings (Brotli quality 11, gzip
// level 9), which no server could spend on every request. It must run after
// scripts/pin-wasm-integrity.mjs, which rewrites index.html and the worker loaders:
// Trunk starts the hooks of one stage all at once, so Trunk.toml runs the two in one
// hook, one after the other. A variant no smaller than its file is not written (and one
// left from before is removed): the server then sends the file as it is.
//
// Run by hand: TRUNK_STAGING_DIR=dist node scripts/compress-dist.mjs
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = [".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".txt"];

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("compress-dist: run me as a Trunk post_build hook (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}

function* files(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* files(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

const compressible = [...files(staging)].filter((path) =>
  COMPRESSIBLE.some((extension) => path.endsWith(extension)));

let before = 0;
let after = 0;
for (const path of compressible) {
  const original = readFileSync(path);
  const variants = {
    br: brotliCompressSync(original, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: original.length,
      },
    }),
    gz: gzipSync(original, { level: 9 }),
  };
  const sizes = [];
  for (const [suffix, compressed] of Object.entries(variants)) {
    const variantPath = `${path}.${suffix}`;
    if (compressed.length < original.length) {
      writeFileSync(variantPath, compressed);
      sizes.push(`${suffix} ${compressed.length}`);
    } else {
      rmSync(variantPath, { force: true });
    }
  }
  before += original.length;
  after += Math.min(original.length, variants.br.length);
  if (path.endsWith(".wasm")) {
    console.log(`compress-dist: ${relative(staging, path)} ${original.length} bytes, ${sizes.join(", ")}`);
  }
}
console.log(`compress-dist: ${compressible.length} files, ${before} bytes, ${after} with brotli`);
