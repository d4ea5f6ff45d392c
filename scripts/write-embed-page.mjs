// Trunk post-build hook: writes embed.html, the page a partner's frame opens
// (`/embed/FORM?partner=ID`, docs/embedding.md).
//
// It is the app's page (its stylesheet, its boot script with the quick exit, its first
// screen, which the boot script trims for a frame) with the app's module taken out and the
// embedded form's module (src/bin/embed.rs) put in: a visitor of a partner's site downloads
// the one form, sealing and delivery, and none of the app's other screens. Each script is
// pinned by its SHA-384, and the module by its loader (scripts/pin-wasm-integrity.mjs,
// which runs first). The page has no inline script, so the server's policy allows it as it
// is.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("write-embed-page: run me as a Trunk post_build hook (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}

const integrity = (name) =>
  `sha384-${createHash("sha384").update(readFileSync(join(staging, name))).digest("base64")}`;

let page = readFileSync(join(staging, "index.html"), "utf8");
// The app's module: Trunk's start-up script and the preload of its glue.
const starts = page.match(/<script type="module"[^>]*>[\s\S]*?<\/script>/g) ?? [];
if (starts.length !== 1 || !starts[0].includes("init(")) {
  console.error("write-embed-page: index.html does not hold exactly one module start-up script");
  process.exit(1);
}
page = page.replace(starts[0], "");
page = page.replace(/<link rel="modulepreload"[^>]*>/g, "");
if (/confidant-web-[0-9a-f]+/.test(page)) {
  console.error("write-embed-page: the app's module is still named on the embed page");
  process.exit(1);
}
// The embedded form's glue, then its loader, which starts it.
const scripts = ["embed.js", "embed-loader.js"]
  .map((name) => `<script src="/${name}" integrity="${integrity(name)}"></script>`)
  .join("\n");
if (!page.includes("</body>")) {
  console.error("write-embed-page: index.html has no </body>");
  process.exit(1);
}
page = page.replace("</body>", `${scripts}\n</body>`);
writeFileSync(join(staging, "embed.html"), page);
console.log("write-embed-page: embed.html loads embed_bg.wasm");
