// Trunk post-build hook: writes the build's form definitions and their translations
// (dist/forms/*.json) without the indentation the repository keeps them in for people to
// read and review. Every worker downloads the referral's definition on the way to a
// sealed referral, and brotli leaves the indentation's cost at about 0.8 KiB of it
// (bench/shell.mjs prints the file's share of the whole path).
//
// Only whitespace between tokens goes: a definition read back is the same JSON value,
// checked here file by file. It runs first in Trunk.toml's hook, so the service worker's
// list and the precompressed variants are those of the minified files.
//
// Run by hand: TRUNK_STAGING_DIR=dist node scripts/minify-forms.mjs
import { isDeepStrictEqual } from "node:util";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("minify-forms: run me as a Trunk post_build hook (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}

const folder = join(staging, "forms");
for (const name of readdirSync(folder).filter((name) => name.endsWith(".json"))) {
  const path = join(folder, name);
  const text = readFileSync(path, "utf8");
  const value = JSON.parse(text);
  const minified = JSON.stringify(value);
  if (!isDeepStrictEqual(JSON.parse(minified), value)) {
    console.error(`minify-forms: ${name} would not read back the same`);
    process.exit(1);
  }
  if (minified.length < text.length) {
    writeFileSync(path, minified);
  }
}
