// The app's module split by use (scripts/split-module.mjs, www/rest-loader.js): the first
// part holds what the path to a sealed referral runs, and the rest arrives when it is
// first needed, checked against the SHA-384 its glue pins. A screen the path never opens
// works, loading the rest once; a rest that differs from the one built, or that cannot
// be fetched, stops the app with a notice, and the quick exit goes on working; after one
// visit the rest comes from what the service worker keeps, without network.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DIST, NEUTRAL_PAGE, launchChromium, openApp, serveNeutralPage, startServer } from "./support.mjs";

const REST = /\/confidant-rest-[0-9a-f]+\.wasm$/;
const integrity = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

let browser;
let server;
before(async () => {
  browser = await launchChromium();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await browser?.close();
});

test("the loader's SHA-384 is the standard one, and the glue pins the rest built", () => {
  const loader = readFileSync(new URL("../../www/rest-loader.js", import.meta.url), "utf8");
  const sha384 = new Function(`${loader}; return __confidant_sha384;`)();
  // Around each padding boundary (a block is 128 bytes, the length takes 16), and longer.
  for (const length of [0, 1, 55, 111, 112, 113, 127, 128, 129, 239, 240, 256, 1_000, 70_001]) {
    const bytes = randomBytes(length);
    assert.equal(sha384(new Uint8Array(bytes)), integrity(bytes), `${length} bytes`);
  }
  const rest = readdirSync(DIST).filter((file) => REST.test(`/${file}`));
  assert.equal(rest.length, 1, "the build has one rest of the app's module");
  const bytes = readFileSync(join(DIST, rest[0]));
  assert.equal(sha384(new Uint8Array(bytes)), integrity(bytes));
  const glue = readdirSync(DIST).find((file) => /^confidant-web-[0-9a-f]+\.js$/.test(file));
  const text = readFileSync(join(DIST, glue), "utf8");
  assert.ok(text.includes(`"/${rest[0]}"`), "the glue names the rest");
  assert.ok(text.includes(integrity(bytes)), "the glue pins the rest's SHA-384");
});

/** A context with no service worker (a first visit: support.mjs), the rest's requests counted. */
async function firstVisit() {
  const context = await browser.newContext();
  await serveNeutralPage(context);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const requests = [];
  page.on("request", (request) => {
    if (REST.test(new URL(request.url()).pathname)) requests.push(request.url());
  });
  return { context, page, errors, requests };
}

test("a screen the path never opens loads the rest once, and works", async () => {
  const { context, page, errors, requests } = await firstVisit();
  try {
    await openApp(page, server.url);
    assert.equal(requests.length, 0, "the home screen needed the rest");
    await page.getByRole("button", { name: /Identify/ }).click();
    await page.getByRole("heading", { name: "Identification checklist" }).waitFor();
    await page.getByRole("button", { name: /Quick exit/ }).waitFor();
    assert.equal(requests.length, 1, "the rest was fetched once");
    assert.equal(await page.getAttribute("html", "data-confidant"), "started");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

for (const [what, how, leave] of [
  ["a rest that differs from the one built is refused", "tamper", "button"],
  ["a rest that cannot be fetched", "abort", "escape"],
]) test(`${what}: the app stops with a notice, and the quick exit still works`, async () => {
  const { context, page, requests } = await firstVisit();
  try {
    await page.route(REST, async (route) => {
      if (how === "abort") {
        await route.abort("internetdisconnected");
        return;
      }
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length - 1] ^= 0x01;
      await route.fulfill({ response, body });
    });
    await openApp(page, server.url);
    await page.getByRole("button", { name: /Identify/ }).click();
    await page.locator("#confidant-stopped").waitFor();
    assert.equal(await page.getAttribute("html", "data-confidant"), "failed");
    assert.equal(await page.getByRole("heading", { name: "Identification checklist" }).count(), 0,
      "the screen opened without its code");
    assert.equal(requests.length, 1);
    if (leave === "button") {
      await page.locator("#quick-exit").click();
    } else {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Escape");
    }
    await page.waitForURL(`${NEUTRAL_PAGE}**`);
    assert.equal(await page.getByRole("heading", { name: "Weather" }).count(), 1);
  } finally {
    await context.close();
  }
});

test("after one visit the rest comes from the service worker's keeping, without network", async () => {
  const context = await browser.newContext({ serviceWorkers: "allow" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // Once the worker controls the page, the page makes the rest ready through it.
  const throughWorker = page.waitForResponse((response) =>
    REST.test(new URL(response.url()).pathname) && response.fromServiceWorker(), { timeout: 60_000 });
  try {
    await openApp(page, server.url);
    await throughWorker;
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('html[data-confidant="started"]', { timeout: 60_000 });
    await page.getByRole("button", { name: /Identify/ }).click();
    await page.getByRole("heading", { name: "Identification checklist" }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.setOffline(false);
    await context.close();
  }
});
