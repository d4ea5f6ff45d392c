// The app on a slow connection and without one, with its service worker, against the real
// server: it opens at 240 kbit/s without ever declaring failure; a choice made on the
// plain-HTML first screen is opened once the app arrives; after one visit it opens,
// seals and keeps a referral without network, and delivers it exactly once when the
// network returns, with nothing personal in Cache Storage; and a new build deployed in
// the middle of a referral leaves it alone and is used on the next open.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DIST, chooseLanguage, launchChromium, openApp, shown, startServer } from "./support.mjs";
import {
  confidantAgency, everythingStored, fillReferral, inbox, openReferral, scratch, sealFor,
} from "./referral.mjs";

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-offline-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

/**
 * Resolves once no version of the service worker waits any more: the browser has let go
 * of the last page of the old build and activated the new one. Closing a tab releases its
 * page a moment after the close returns, and a tab opened within that moment is still
 * served by the old build (as for a worker who reopens the app at once).
 */
async function activated(context) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const worker of context.serviceWorkers()) {
      const settled = await Promise.race([
        worker.evaluate(() => self.registration.waiting === null
          && self.registration.active?.state === "activated").catch(() => false),
        new Promise((resolve) => setTimeout(() => resolve(false), 1_000)),
      ]);
      if (settled) {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the new build's service worker never activated after the last page closed");
}

/** Resolves once the service worker controls the page. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
}

test("at 240 kbit/s with 400 ms latency the app opens without ever saying it cannot start", async () => {
  const server = await startServer();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.documentElement.getAttribute("data-confidant") === "failed") {
        window.__declaredFailure = true;
      }
    }).observe(document.documentElement, { attributes: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 400, downloadThroughput: 240_000 / 8, uploadThroughput: 240_000 / 8,
  });
  try {
    const start = Date.now();
    await page.goto(server.url, { timeout: 120_000 });
    // The first screen works at once: the home screen and the Quick exit, in plain HTML.
    assert.ok(await page.locator("#boot-quick-exit").isVisible());
    await page.waitForSelector('html[data-confidant="started"]', { timeout: 120_000 });
    const seconds = (Date.now() - start) / 1000;
    assert.equal(await page.evaluate(() => window.__declaredFailure ?? false), false,
      "the page said Confidant cannot start while it was still loading");
    assert.ok(seconds > 8, `loaded in ${seconds} s: was the connection slowed?`);
    await page.getByRole("heading", { name: "What do you need to do?" }).waitFor();
  } finally {
    await context.close();
    await server.stop();
  }
});

test("a choice made on the first screen before the app arrives opens once it has", async () => {
  const server = await startServer();
  const context = await browser.newContext();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await context.route("**/*_bg.wasm", async (route) => {
    await held;
    await route.continue();
  });
  const page = await context.newPage();
  try {
    await page.goto(server.url);
    await page.locator('#boot [data-open="refer"]').click();
    assert.match(await page.locator("#boot-loading").innerText(), /Opening Refer/);
    release();
    await page.waitForSelector('html[data-confidant="started"]', { timeout: 60_000 });
    await page.locator("#section-metadata").waitFor();
    // The first screen is gone: one Quick exit, one of each id.
    assert.equal(await page.locator("#boot").count(), 0);
    assert.equal(await page.locator(".quick-exit").count(), 1);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("after one visit the app opens offline, seals a referral, and delivers it once the network is back", async () => {
  const data = mkdtempSync(join(tmpdir(), "confidant-offline-data-"));
  const outreach = confidantAgency(keys.dir, data, "Outreach team", "ngo");
  const shelter = confidantAgency(keys.dir, data, "Shelter North", "shelter");
  let server = await startServer({ data });
  const listen = new URL(server.url).host;
  const context = await browser.newContext({ serviceWorkers: "allow" });
  const page = await context.newPage();
  try {
    await openApp(page, server.url);
    await controlled(page);
    // The worker keeps the directory (public: the same for every worker of the deployment).
    for (let tries = 0; ; tries++) {
      const kept = await page.evaluate(async () =>
        Boolean(await (await caches.open("confidant-directory")).match("/api/v1/directory")));
      if (kept) break;
      assert.ok(tries < 100, "the directory was never kept for offline use");
      await page.waitForTimeout(300);
    }

    await context.setOffline(true);
    await server.stop();
    await page.reload();
    await page.waitForSelector('html[data-confidant="started"]', { timeout: 60_000 });
    // The interface's other languages were kept as well: one is chosen without network.
    await chooseLanguage(page, "ar");
    assert.equal(await page.getAttribute("html", "dir"), "rtl");
    await page.getByRole("button", { name: /خروج سريع/ }).waitFor();
    await chooseLanguage(page, "en");
    await openReferral(page);
    const canaries = [];
    await fillReferral(page, { text: (n) => { const canary = `CANARY-${n}-0ff1`; canaries.push(canary); return canary; } });
    await sealFor(page, "Outreach team", ["Shelter North"]);
    const waiting = page.locator('#outbox li[data-delivery="waiting"]');
    await waiting.waitFor();
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector("#outbox li .delivery")?.textContent ?? ""));

    // Nothing personal in any storage, Cache Storage included.
    const stored = await everythingStored(page);
    for (const canary of canaries) {
      assert.ok(!stored.includes(canary), `${canary} is kept in the browser`);
    }

    server = await startServer({ data, listen });
    await context.setOffline(false);
    await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });
    assert.equal((await inbox(server.url, shelter)).length, 1);
    await page.waitForTimeout(2500);
    assert.equal((await inbox(server.url, shelter)).length, 1);
    assert.equal((await inbox(server.url, outreach)).length, 0);
  } finally {
    await context.close();
    await server.stop();
    rmSync(data, { recursive: true, force: true });
  }
});

/** A copy of the build with one change to its page: a new build, as a deployment would bring. */
function newBuild(from, marker) {
  const dist = mkdtempSync(join(tmpdir(), "confidant-build-"));
  cpSync(from, dist, { recursive: true });
  const page = join(dist, "index.html");
  writeFileSync(page, readFileSync(page, "utf8").replace("<title>", `<meta name="build-marker" content="${marker}"><title>`));
  // The worker's list, and the compressed files, as the build's hooks write them.
  cpSync("www/service-worker.js", join(dist, "service-worker.js"));
  const env = { ...process.env, TRUNK_STAGING_DIR: dist };
  execFileSync("node", ["scripts/write-service-worker.mjs"], { env });
  execFileSync("node", ["scripts/compress-dist.mjs"], { env });
  return dist;
}

test("a new build deployed in the middle of a referral leaves it alone and is used on the next open", async () => {
  const first = newBuild(DIST, "first");
  const second = newBuild(DIST, "second");
  let server = await startServer({ dist: first });
  const listen = new URL(server.url).host;
  const context = await browser.newContext({ serviceWorkers: "allow" });
  let page = await context.newPage();
  try {
    await openApp(page, server.url);
    await controlled(page);
    await openReferral(page);
    await (await shown(page, "#field-subject_names")).fill("CANARY-mid-referral");

    // The new build is deployed; the worker notices it, installs it, and waits.
    await server.stop();
    server = await startServer({ dist: second, listen });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForSelector('html[data-confidant-update="ready"]', { timeout: 60_000 });
    assert.equal(await page.locator('meta[name="build-marker"]').getAttribute("content"), "first");
    assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "CANARY-mid-referral");
    await page.locator(".brand-link").click();
    await page.locator("#update-ready").waitFor();
    await page.locator("#open-refer").click();
    assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "CANARY-mid-referral");

    // The next open runs the new build.
    await page.close();
    await activated(context);
    page = await context.newPage();
    await openApp(page, server.url);
    assert.equal(await page.locator('meta[name="build-marker"]').getAttribute("content"), "second");
  } finally {
    await context.close();
    await server.stop();
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  }
});
