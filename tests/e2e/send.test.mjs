// Sending a referral end to end, against the real `confidant serve`: filled in through
// the interface with a canary in every text answer, sealed in the browser for two
// agencies, delivered; the canaries appear nowhere but inside the packet, which then
// opens with `confidant open` under either agency's key and with npm `jose`. Also: the
// outbox keeps a packet through a server outage and a reload and delivers it once; a
// changed agency key blocks sending until confirmed.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as jose from "jose";
import { NEUTRAL_PAGE, fillByKeyboard, launchChromium, openApp, serveNeutralPage, startServer } from "./support.mjs";

const BIN = process.env.CONFIDANT_BIN ?? "target/debug/confidant";

let dir;
let browser;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "confidant-send-"));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name, contents) {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** An agency key made by `confidant keygen`, registered in the data folder `data`. */
function confidantAgency(data, name, kind) {
  // A folder per key: an agency may get a new key under the same name.
  const keys = mkdtempSync(join(dir, "key-"));
  const passphrase = join(keys, "pass");
  writeFileSync(passphrase, `passphrase of ${name}\n`);
  execFileSync(BIN, ["keygen", "--out", join(keys, "agency"), "--passphrase-file", passphrase]);
  return { ...register(data, name, kind, join(keys, "agency.jwk")), key: join(keys, "agency.key"), passphrase };
}

/** An agency key made by jose, registered in `data`. */
async function joseAgency(data, name, kind) {
  const { publicKey, privateKey } = await jose.generateKeyPair("ECDH-ES+A256KW", { crv: "X25519", extractable: true });
  const jwk = await jose.exportJWK(publicKey);
  jwk.kid = await jose.calculateJwkThumbprint(jwk, "sha256");
  jwk.use = "enc";
  jwk.alg = "ECDH-ES+A256KW";
  return { ...register(data, name, kind, write(`${name}.jwk`, JSON.stringify(jwk))), privateKey };
}

function register(data, name, kind, jwkPath) {
  const out = execFileSync(BIN, ["agency", "add", "--data", data, "--name", name, "--kind", kind, "--key", jwkPath], { encoding: "utf8" });
  const credential = out.match(/cfd1_[A-Za-z0-9_-]+/)?.[0];
  assert.ok(credential, `no credential in: ${out}`);
  return { name, credential, jwk: JSON.parse(readFileSync(jwkPath, "utf8")) };
}

/** The packets waiting in an agency's inbox. */
async function inbox(url, agency) {
  const headers = { authorization: `Bearer ${agency.credential}` };
  const list = await (await fetch(`${url}api/v1/inbox`, { headers })).json();
  return Promise.all(list.packets.map(async (p) => (await fetch(`${url}api/v1/inbox/${p.packet_id}`, { headers })).text()));
}

/** Opens the referral screen from home, by keyboard. */
async function openReferral(page) {
  await page.locator("#open-refer").focus();
  await page.keyboard.press("Enter");
  await page.locator("#section-metadata").waitFor();
}

/** The value of the option of `select` whose text starts with `name`. */
async function optionValue(page, select, name) {
  return page.evaluate(([select, name]) =>
    [...document.querySelectorAll(`${select} option`)].find((o) => o.textContent.startsWith(name))?.value,
  [select, name]);
}

/** On the review screen: the sender, then each recipient by name, `check()`, then seal. */
async function sealFor(page, sender, recipients, check = async () => {}) {
  // The directory is loaded once its agencies are listed.
  await page.locator("#recipient-0").waitFor();
  await page.locator("#sender").selectOption(await optionValue(page, "#sender", sender));
  for (const name of recipients) {
    await page.getByLabel(new RegExp(`^${name} \\(`)).check();
  }
  await check();
  await page.locator("#seal-and-send").click();
}

/** Every file under `folder`, read whole. */
function everyFile(folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path));
}

/**
 * Runs `body` with a fresh data folder whose agencies `register(data)` adds, the real
 * server on it, and a page in a browser context of its own; all of it is stopped and
 * removed afterwards, whatever happens. `body` may replace `run.server` (a restart).
 */
async function withServer(register, body, { neutralPage = false } = {}) {
  const data = mkdtempSync(join(tmpdir(), "confidant-send-data-"));
  const run = { data, agencies: await register(data) };
  run.server = await startServer({ data });
  run.context = await browser.newContext();
  if (neutralPage) {
    await serveNeutralPage(run.context);
  }
  run.page = await run.context.newPage();
  try {
    await body(run);
  } finally {
    await run.context.close();
    await run.server.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

test("a referral with a canary in every answer leaves the page only sealed, and both agencies and jose open it", () => withServer(async (data) => ({
  police: confidantAgency(data, "Police unit", "police"),
  shelter: confidantAgency(data, "Shelter North", "shelter"),
  protection: await joseAgency(data, "Child protection", "child-protection"),
}), async ({ data, server, context, page, agencies: { police, shelter, protection } }) => {
    // Everything the page sends and receives.
    const traffic = [];
    page.on("request", (request) => traffic.push(request.url(), JSON.stringify(request.headers()), request.postData() ?? ""));
    page.on("websocket", (socket) => {
      socket.on("framesent", (frame) => traffic.push(String(frame.payload)));
      socket.on("framereceived", (frame) => traffic.push(String(frame.payload)));
    });
    await openApp(page, server.url);
    await openReferral(page);
    const canaries = [];
    const typedInto = {};
    const answered = await fillByKeyboard(page, (n, field) => {
      const canary = `CANARY-${n}-f00d`;
      canaries.push(canary);
      typedInto[canary] = field;
      return canary;
    });
    assert.ok(canaries.length >= 15, `only ${canaries.length} text answers`);
    await page.keyboard.press("Enter");
    await sealFor(page, "Police unit", ["Shelter North", "Child protection"], async () => {
      // The review says which answer stays out, and why.
      assert.match(await page.locator("#withheld").innerText(), /Suspected exploiters/);
    });
    const delivered = page.locator('#outbox li[data-delivery="delivered"]');
    await delivered.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator("#outbox li").count(), 1);
    // The answers are gone from the page once sealed.
    await page.locator(".brand-link").click();
    await openReferral(page);
    assert.equal(await page.locator("#field-subject_names").inputValue(), "");

    // Nowhere a canary: the traffic, every kind of browser storage, the server's files.
    const stored = await page.evaluate(async () => {
      const everything = [];
      for (const storage of [localStorage, sessionStorage]) {
        for (let i = 0; i < storage.length; i++) {
          everything.push(storage.key(i), storage.getItem(storage.key(i)));
        }
      }
      everything.push(document.cookie);
      for (const { name } of await indexedDB.databases()) {
        everything.push(`indexedDB:${name}`);
      }
      for (const key of await caches.keys()) {
        const cache = await caches.open(key);
        for (const request of await cache.keys()) {
          everything.push(request.url, await (await cache.match(request)).text());
        }
      }
      return everything.join("\n");
    });
    const cookies = JSON.stringify(await context.cookies());
    const serverFiles = Buffer.concat(everyFile(data)).toString("latin1");
    for (const canary of canaries) {
      assert.ok(!traffic.some((item) => item.includes(canary)), `${canary} went over the network`);
      assert.ok(!stored.includes(canary), `${canary} is in browser storage`);
      assert.ok(!cookies.includes(canary), `${canary} is in a cookie`);
      assert.ok(!serverFiles.includes(canary), `${canary} is in the server's data folder`);
    }
    assert.ok(!page.url().includes("CANARY"));

    // Each agency finds the packet in its inbox and opens it; every canary is inside.
    const [packet] = await inbox(server.url, shelter);
    assert.ok(packet, "the shelter's inbox is empty");
    for (const agency of [police, shelter]) {
      if (agency === police) continue; // the sender is not a recipient
      const opened = spawnSync(BIN, ["open", "--key", agency.key, "--passphrase-file", agency.passphrase], { input: packet, encoding: "utf8" });
      assert.equal(opened.status, 0, opened.stderr);
      const payload = JSON.parse(opened.stdout);
      // Every canary is inside, each in the answer it was typed into, but the suspected
      // exploiters': a shelter and a child-protection service are not the police. Every
      // other question answered by typing or choosing from a list has its answer there.
      for (const canary of canaries) {
        if (typedInto[canary] === "suspected_exploiters") {
          assert.ok(!JSON.stringify(payload).includes(canary), "the police-only answer went to others");
        } else {
          assert.equal(payload.answers[typedInto[canary]], canary, `${canary} is not the answer to ${typedInto[canary]}`);
        }
      }
      const unsent = [...answered].filter((field) => !field.startsWith("field-") && !(field in payload.answers));
      assert.deepEqual(unsent, ["suspected_exploiters"]);
      assert.equal(payload.form.id, "referral");
      assert.equal(payload.definition.id, "referral");
      assert.equal(payload.sender.kid, police.jwk.kid);
      assert.ok(answered.size > 40);
    }
    const [same] = await inbox(server.url, protection);
    assert.equal(same, packet);
    const opened = await jose.generalDecrypt(JSON.parse(packet), protection.privateKey);
    const payload = JSON.parse(new TextDecoder().decode(opened.plaintext));
    for (const canary of canaries.filter((canary) => typedInto[canary] !== "suspected_exploiters")) {
      assert.ok(JSON.stringify(payload.answers).includes(canary));
    }
    // The police unit only sent it.
    assert.deepEqual(await inbox(server.url, police), []);

    // Saved as a file for delivery by hand: the same packet, and it opens.
    await page.locator(".brand-link").click();
    await page.locator("#open-outbox").click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#outbox li").first().getByRole("button", { name: "Save as a file" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^referral-[A-Za-z0-9_-]+\.jwe\.json$/);
    const saved = join(dir, "saved-packet.json");
    await download.saveAs(saved);
    assert.equal(readFileSync(saved, "utf8"), packet);
    const fromFile = spawnSync(BIN, ["open", "--key", shelter.key, "--passphrase-file", shelter.passphrase], { input: readFileSync(saved), encoding: "utf8" });
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.equal(JSON.parse(fromFile.stdout).answers[typedInto[canaries[0]]], canaries[0]);
}));

test("the outbox keeps a packet through a server outage and a reload, and delivers it once", () => withServer((data) => ({
  police: confidantAgency(data, "Police unit", "police"),
  shelter: confidantAgency(data, "Shelter North", "shelter"),
}), async (run) => {
    const { data, page, agencies: { shelter } } = run;
    const listen = new URL(run.server.url).host;
    await openApp(page, run.server.url);
    await openReferral(page);
    await fillByKeyboard(page);
    await page.keyboard.press("Enter");
    await page.locator("#seal-and-send").waitFor();
    // The directory is read; now the server goes away.
    await page.locator("#recipient-0").waitFor();
    await run.server.stop();
    await sealFor(page, "Police unit", ["Shelter North"]);
    const waiting = page.locator('#outbox li[data-delivery="waiting"]');
    await waiting.waitFor();
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector("#outbox li .delivery")?.textContent ?? ""));
    // Reloading while the server is down fails, and loses nothing.
    await page.reload().catch(() => {});
    await page.waitForLoadState("load").catch(() => {});
    await page.waitForTimeout(500);
    run.server = await startServer({ data, listen });
    await openApp(page, run.server.url);
    await page.locator("#open-outbox").click();
    await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });
    assert.equal((await inbox(run.server.url, shelter)).length, 1);
    // Some time later, still once.
    await page.waitForTimeout(2500);
    assert.equal((await inbox(run.server.url, shelter)).length, 1);
    // Delivered, it can leave this browser's outbox.
    await page.locator("#outbox li .remove-delivered").click();
    await page.locator("#outbox-empty").waitFor();
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("confidant.outbox")).length), 0);
}));

test("a changed agency key blocks sending to it until the worker confirms the new fingerprint", () => withServer((data) => ({
  police: confidantAgency(data, "Police unit", "police"),
  shelter: confidantAgency(data, "Shelter North", "shelter"),
}), async ({ data, server, page, agencies: { shelter } }) => {
    await openApp(page, server.url);
    await openReferral(page);
    await fillByKeyboard(page);
    await page.keyboard.press("Enter");
    // First sight: the shelter's key is remembered.
    await page.locator("#recipient-1").waitFor();
    assert.equal(await page.locator(".key-changed").count(), 0);

    // The shelter gets a new key under the same name.
    execFileSync(BIN, ["agency", "remove", "--data", data, "--kid", shelter.jwk.kid]);
    confidantAgency(data, "Shelter North", "shelter");
    await page.locator("#back-to-referral").click();
    await page.locator("#section-metadata").waitFor();
    await page.locator("#check-answers").click();
    const warning = page.locator(".key-changed");
    await warning.waitFor();
    const box = page.getByLabel(/^Shelter North \(/);
    assert.equal(await box.isDisabled(), true);
    await page.locator("#sender").selectOption(await optionValue(page, "#sender", "Police unit"));
    assert.equal(await page.locator("#seal-and-send").isDisabled(), true);
    // Confirmed (after reading the fingerprint aloud with the shelter): sending opens.
    await warning.getByRole("button").click();
    assert.equal(await box.isDisabled(), false);
    await box.check();
    assert.equal(await page.locator("#seal-and-send").isDisabled(), false);
}));

test("the quick exit in the middle of a referral leaves its answers nowhere", () => withServer(() => ({}), async ({ server, page }) => {
    await openApp(page, server.url);
    await openReferral(page);
    const historyAtStart = await page.evaluate(() => history.length);
    await page.locator("#field-referral_type-0").focus();
    await page.keyboard.press("Space");
    await page.locator("#field-referring_organisation").focus();
    await page.keyboard.type("CANARY-exit-org");
    await page.locator("#field-subject_names").focus();
    await page.keyboard.type("CANARY-exit-name");
    assert.equal(await page.evaluate(() => history.length), historyAtStart);

    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.waitForURL(`${NEUTRAL_PAGE}**`);
    // Back does not lead to the referral.
    await page.goBack().catch(() => {});
    assert.ok(!page.url().startsWith(server.url), `back returned to the app: ${page.url()}`);

    // The app's origin again: nothing kept, and a fresh referral is empty.
    await openApp(page, server.url);
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
    assert.ok(!stored.includes("CANARY"), stored);
    await openReferral(page);
    assert.equal(await page.locator("#field-subject_names").inputValue(), "");
    assert.equal(await page.locator("#field-referring_organisation").inputValue(), "");
}, { neutralPage: true }));

test("a draft survives a reload sealed, and opens only with its passphrase", () => withServer(() => ({}), async ({ server, page }) => {
    // The key is derived in a Web Worker, off the page's thread.
    const workers = [];
    page.on("worker", (worker) => workers.push(new URL(worker.url()).pathname));
    await openApp(page, server.url);
    await openReferral(page);
    await page.locator("#field-referral_type-0").focus();
    await page.keyboard.press("Space");
    await page.locator("#field-subject_names").focus();
    await page.keyboard.type("CANARY-draft-name");
    await page.locator("#draft-passphrase").fill("read it to nobody");
    await page.locator("#draft-passphrase-again").fill("read it to nobody");
    await page.locator("#keep-draft").click();
    await page.locator("#draft-kept").waitFor({ timeout: 30_000 });
    assert.deepEqual(workers, ["/derive-worker-loader.js"]);
    await page.locator("#field-referring_organisation").focus();
    await page.keyboard.type("CANARY-draft-org");
    // Saved after each change, sealed.
    await page.waitForFunction(() => (localStorage.getItem("confidant.draft.referral") ?? "").length > 0);
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!kept.includes("CANARY"), kept);

    await page.reload();
    await page.waitForSelector('html[data-confidant="started"]');
    await openReferral(page);
    assert.equal(await page.locator("#field-subject_names").inputValue(), "");
    const sealed = await page.evaluate(() => localStorage.getItem("confidant.draft.referral"));
    await page.locator("#draft-passphrase").fill("read it to everybody");
    await page.locator("#open-draft").click();
    await page.locator("#draft-problem").waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => localStorage.getItem("confidant.draft.referral")), sealed);

    await page.locator("#draft-passphrase").fill("read it to nobody");
    await page.locator("#open-draft").click();
    await page.locator("#draft-kept").waitFor({ timeout: 30_000 });
    assert.equal(await page.locator("#field-subject_names").inputValue(), "CANARY-draft-name");
    assert.equal(await page.locator("#field-referring_organisation").inputValue(), "CANARY-draft-org");
}));
