// The release build as `confidant serve` sends it, read raw with node:http (fetch would
// decompress): every file Trunk wrote comes back, decompressed, byte for byte; the
// content-hashed ones as their Brotli variant from scripts/compress-dist.mjs and cached
// for good, the others revalidated by their ETag.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { join, relative, sep } from "node:path";
import { after, before, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { DIST, startServer } from "./support.mjs";

/** Trunk's content-hashed names, as server/src/static_site.rs recognises them. */
const HASHED = /^[^/]+-[0-9a-f]{8,32}(\.[A-Za-z0-9.]+|_bg\.wasm|_loader\.js)$/;

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** Every file of the build but the compressed variants, as URL paths without the `/`. */
function builtFiles(folder = DIST) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return builtFiles(path);
    if (/\.(br|gz)$/.test(entry.name)) return [];
    return [relative(DIST, path).split(sep).join("/")];
  });
}

/** One GET on a fresh connection, its body as the bytes on the wire. */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, server.url), { headers, agent: false }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on("error", reject);
  });
}

const DECODE = { br: brotliDecompressSync, gzip: gunzipSync };

test("every built file arrives as Trunk wrote it, compressed and cached as its name allows", async (t) => {
  const files = builtFiles();
  const hashed = files.filter((name) => HASHED.test(name));
  assert.ok(hashed.some((name) => name.endsWith("_bg.wasm")), `no hashed module among ${files}`);
  for (const name of files) {
    const path = join(DIST, name);
    const built = readFileSync(path);
    const expected = existsSync(`${path}.br`) ? "br" : existsSync(`${path}.gz`) ? "gzip" : undefined;
    if (name.endsWith(".wasm")) {
      assert.ok(expected === "br", `${name} has no .br: did scripts/compress-dist.mjs run?`);
    }
    const response = await get(`/${name}`, { "accept-encoding": "br, gzip" });
    assert.equal(response.status, 200, name);
    assert.equal(response.headers["content-encoding"], expected, name);
    assert.equal(Number(response.headers["content-length"]), response.body.length, name);
    const decoded = expected ? DECODE[expected](response.body) : response.body;
    assert.ok(decoded.equals(built), `${name} is not the file Trunk wrote`);
    if (expected) {
      // A script's policy also depends on whether it runs in a page (server/src/serve.rs).
      assert.equal(response.headers.vary, name.endsWith(".js") ? "accept-encoding, sec-fetch-dest" : "accept-encoding", name);
    }
    if (HASHED.test(name)) {
      assert.match(response.headers["cache-control"], /immutable/, name);
    } else {
      assert.equal(response.headers["cache-control"], "no-cache", name);
      assert.match(response.headers.etag ?? "", /^"[^"]+"$/, name);
    }
    if (name.endsWith("_bg.wasm") && HASHED.test(name)) {
      const gz = existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`).length : "none";
      t.diagnostic(`${name}: ${built.length} bytes, br ${response.body.length}, gz ${gz}`);
    }
  }
});

test("the page is revalidated by its ETag, for each encoding", async () => {
  for (const accept of ["br, gzip", "gzip", undefined]) {
    const headers = accept ? { "accept-encoding": accept } : {};
    for (const path of ["/", "/index.html"]) {
      const page = await get(path, headers);
      assert.equal(page.status, 200);
      assert.equal(page.headers["cache-control"], "no-cache");
      const etag = page.headers.etag;
      assert.ok(etag, `${path} has no ETag`);
      const again = await get(path, { ...headers, "if-none-match": etag });
      assert.equal(again.status, 304, `${path} with ${accept}`);
      assert.equal(again.body.length, 0);
      assert.equal(again.headers.etag, etag);
    }
  }
});
