// Sending a referral end to end, against the real `confidant serve`: filled in through
// the interface with a canary in every text answer, sealed in the browser for two
// agencies, delivered; the canaries appear nowhere but inside the packet, which then
// opens with `confidant open` under either agency's key and with npm `jose`. Also: the
// outbox keeps a packet through a server outage and a reload and delivers it once; a
// changed agency key blocks sending until confirmed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as jose from "jose";
import { NEUTRAL_PAGE, focusOn, launchChromium, openApp, shown, startServer } from "./support.mjs";
import {
  BIN, confidantAgency, everyFile, everythingStored, fillReferral, inbox, joseAgency, openPacket,
  openReferral, optionValue, scratch, sealFor, withServer as withServerIn,
} from "./referral.mjs";

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-send-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

const withServer = (register, body, options) => withServerIn(browser, register, body, options);

test("a referral with a canary in every answer leaves the page only sealed, and both agencies and jose open it", () => withServer(async (data) => ({
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
  protection: await joseAgency(keys.dir, data, "Child protection", "child-protection"),
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
    const answered = await fillReferral(page, { text: (n, field) => {
      const canary = `CANARY-${n}-f00d`;
      canaries.push(canary);
      typedInto[canary] = field;
      return canary;
    } });
    assert.ok(canaries.length >= 15, `only ${canaries.length} text answers`);
    await sealFor(page, "Police unit", ["Shelter North", "Child protection"], async () => {
      // The review says which answer stays out, and why.
      assert.match(await page.locator("#withheld-0").innerText(), /Suspected exploiters/);
    });
    const delivered = page.locator('#outbox li[data-delivery="delivered"]');
    await delivered.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator("#outbox li").count(), 1);
    // The answers are gone from the page once sealed.
    await page.locator(".brand-link").click();
    await openReferral(page);
    assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "");

    // Nowhere a canary: the traffic, every kind of browser storage, the server's files.
    const stored = await everythingStored(page);
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
      const payload = openPacket(agency, packet);
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
      // The receivers are told what was kept from them, and why.
      assert.deepEqual(payload.withheld,
        [{ reason: "only_to", field: "suspected_exploiters", only_to: ["police"] }]);
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
    const saved = join(keys.dir, "saved-packet.json");
    await download.saveAs(saved);
    assert.equal(readFileSync(saved, "utf8"), packet);
    assert.equal(openPacket(shelter, readFileSync(saved)).answers[typedInto[canaries[0]]], canaries[0]);
}));

test("the outbox keeps a packet through a server outage and a reload, and delivers it once", () => withServer((data) => ({
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
}), async (run) => {
    const { data, page, agencies: { shelter } } = run;
    const listen = new URL(run.server.url).host;
    await openApp(page, run.server.url);
    await openReferral(page);
    await fillReferral(page);
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
    // Delivered, it has left this browser's storage by itself.
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("confidant.outbox"))), []);
}));

test("a refusal keeps only one of Confidant's own kinds: a hostile server's words are kept as its status", () => withServer((data) => ({
  outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo"),
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
}), async ({ server, context, page }) => {
    // A server (or a proxy) that refuses the packets it is sent: the first with a kind of
    // Confidant's own, the next with a word of its own, which the outbox would otherwise
    // keep in this browser's storage beside the packet.
    const answers = [
      { error: "unknown_recipient", message: "recipient `x` is not in this server's directory" },
      { error: "delivered_to_the_police", message: "Delivered to the police" },
    ];
    const expected = new Map();
    await context.route("**/api/v1/packets", (route) => {
      const answer = answers[expected.size % answers.length];
      expected.set(route.request().postData(), answer.error === "unknown_recipient" ? "unknown_recipient" : "status_422");
      return route.fulfill({ status: 422, contentType: "application/json", body: JSON.stringify(answer) });
    });
    await openApp(page, server.url);
    await openReferral(page);
    await fillReferral(page);
    await sealFor(page, "Outreach team", ["Police unit", "Shelter North"]);
    await page.waitForFunction(() => document.querySelectorAll('#outbox li[data-delivery="refused"]').length >= 2, null, { timeout: 30_000 });
    const kept = await page.evaluate(() => Object.keys(localStorage)
      .filter((key) => key.startsWith("confidant.outbox."))
      .map((key) => JSON.parse(localStorage.getItem(key))));
    assert.equal(kept.length, 2, "one packet for the police, one for the shelter");
    assert.deepEqual(kept.map(({ packet, refused }) => [refused, expected.get(packet)]).sort(),
      [["status_422", "status_422"], ["unknown_recipient", "unknown_recipient"]]);
    const stored = await page.evaluate(() => Object.values(localStorage).join(""));
    assert.ok(!stored.includes("Delivered to the police") && !stored.includes("delivered_to_the_police"));
    await context.unroute("**/api/v1/packets");
}));

test("a changed agency key blocks sending to it until the worker confirms the new fingerprint", () => withServer((data) => ({
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
}), async ({ data, server, page, agencies: { shelter } }) => {
    await openApp(page, server.url);
    await openReferral(page);
    await fillReferral(page);
    // First sight: the shelter's key is remembered.
    await page.locator("#recipient-1").waitFor();
    assert.equal(await page.locator(".key-changed").count(), 0);

    // The shelter gets a new key under the same name.
    execFileSync(BIN, ["agency", "remove", "--data", data, "--kid", shelter.jwk.kid]);
    confidantAgency(keys.dir, data, "Shelter North", "shelter");
    await page.locator("#back-to-referral").click();
    await page.locator("#section-metadata").waitFor();
    await page.locator("#check-answers").click();
    const warning = page.locator(".key-changed");
    // It says what changed: the key, with the fingerprint seen before.
    await warning.waitFor();
    assert.match(await warning.innerText(), /new key/);
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
    await (await shown(page, "#field-referral_type-0")).focus();
    await page.keyboard.press("Space");
    await (await shown(page, "#field-referring_organisation")).focus();
    await page.keyboard.type("CANARY-exit-org");
    await (await shown(page, "#field-subject_names")).focus();
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
    assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "");
    assert.equal(await (await shown(page, "#field-referring_organisation")).inputValue(), "");
}, { neutralPage: true }));

test("a draft survives a reload sealed, and opens only with its passphrase", () => withServer(() => ({}), async ({ server, page }) => {
    // The key is derived in a Web Worker, off the page's thread.
    const workers = [];
    page.on("worker", (worker) => workers.push(new URL(worker.url()).pathname));
    const drafts = () => page.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith("confidant.draft.")));
    await openApp(page, server.url);
    await openReferral(page);
    await (await shown(page, "#field-referral_type-0")).focus();
    await page.keyboard.press("Space");
    await (await shown(page, "#field-subject_names")).focus();
    await page.keyboard.type("CANARY-draft-name");
    // A passphrase that zxcvbn (in its own worker) finds easy to guess is refused.
    await page.locator("#draft-keep > summary").click();
    await page.locator("#draft-label").fill("CANARY-draft-label");
    await page.locator("#draft-passphrase").fill("password password");
    await page.locator("#draft-passphrase-again").fill("password password");
    await page.locator("#keep-draft").click();
    await page.locator("#draft-problem", { hasText: "too easy to guess" }).waitFor({ timeout: 30_000 });
    // The button was disabled while the key was derived: the emptied passphrase field,
    // not the page's body, has the focus beside the problem.
    await focusOn(page, "draft-passphrase", "after a weak passphrase");
    assert.deepEqual(await drafts(), []);
    await page.locator("#draft-passphrase").fill("read it to nobody");
    await page.locator("#draft-passphrase-again").fill("read it to nobody");
    await page.locator("#keep-draft").click();
    await page.locator("#draft-kept", { hasText: "CANARY-draft-label" }).waitFor({ timeout: 30_000 });
    // The strength worker started when the passphrase was first typed, and the key was
    // derived in the other, each off the page's thread.
    assert.deepEqual([...new Set(workers)], ["/strength-worker-loader.js", "/derive-worker-loader.js"]);
    await (await shown(page, "#field-referring_organisation")).focus();
    await page.keyboard.type("CANARY-draft-org");
    // Saved after each change, sealed under a name that says nothing.
    await page.waitForFunction(() => Object.keys(localStorage).some((key) => key.startsWith("confidant.draft.person.")));
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!kept.includes("CANARY"), kept);

    await page.reload();
    await page.waitForSelector('html[data-confidant="started"]');
    await openReferral(page);
    assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "");
    const sealed = await drafts();
    assert.equal(sealed.length, 1);
    await page.locator("#draft-passphrase").fill("read it to everybody");
    await page.locator("#open-draft").click();
    await page.locator("#draft-problem").waitFor({ timeout: 30_000 });
    await focusOn(page, "draft-passphrase", "after a wrong passphrase");
    assert.deepEqual(await drafts(), sealed);

    await page.locator("#draft-passphrase").fill("read it to nobody");
    await page.locator("#open-draft").click();
    await page.locator("#draft-list li", { hasText: "CANARY-draft-label" }).locator(".resume-draft").click({ timeout: 30_000 });
    await page.locator("#draft-kept").waitFor();
    assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "CANARY-draft-name");
    assert.equal(await (await shown(page, "#field-referring_organisation")).inputValue(), "CANARY-draft-org");
}));

test("the drafts panel is a module of its own: fetched when its fold opens, refused when changed, and it starts beside the inbox's", () => withServer(() => ({}), async ({ server, page }) => {
    const fetched = [];
    page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
    await openApp(page, server.url);
    // The inbox's module first: its glue and the panel's both run in this page.
    await page.locator("#open-inbox").click();
    await page.locator("#unlock-form").waitFor();
    await page.locator(".brand-link").click();
    await openReferral(page);
    await (await shown(page, "#field-referral_type-0")).focus();
    await page.keyboard.press("Space");
    await (await shown(page, "#field-subject_names")).focus();
    await page.keyboard.type("CANARY-module-name");
    assert.equal(await page.locator("#draft-label").count(), 0);
    assert.ok(!fetched.some((path) => path.startsWith("/drafts")), `fetched before the fold opened: ${fetched.join(" ")}`);

    // A server or proxy that changes the panel's module: the page refuses to run it.
    await page.route("**/drafts_bg.wasm", async (route) => {
      const body = await (await route.fetch()).body();
      body[body.length - 1] ^= 1;
      await route.fulfill({ status: 200, contentType: "application/wasm", body });
    });
    await page.locator("#draft-keep > summary").click();
    await page.locator("#drafts-failed").waitFor();
    assert.equal(await page.locator("#draft-label").count(), 0);
    assert.ok(fetched.includes("/drafts.js") && fetched.includes("/drafts-loader.js"));

    // Asked again with the module as built, the panel opens, unfolded, and its own
    // handlers answer: a draft is kept, and the shell keeps sealing it.
    await page.unroute("**/drafts_bg.wasm");
    await page.locator("#drafts-retry").click();
    await page.locator("#draft-label").waitFor();
    assert.equal(await page.locator("#drafts-failed").count(), 0);
    await page.locator("#keep-draft").click();
    await page.locator("#draft-problem").waitFor();
    await page.locator("#draft-label").fill("CANARY-module-label");
    await page.locator("#draft-passphrase").fill("read it to nobody");
    await page.locator("#draft-passphrase-again").fill("read it to nobody");
    await page.locator("#keep-draft").click();
    await page.locator("#draft-kept", { hasText: "CANARY-module-label" }).waitFor({ timeout: 30_000 });
    await (await shown(page, "#field-referring_organisation")).focus();
    await page.keyboard.type("CANARY-module-org");
    await page.waitForFunction(() => Object.keys(localStorage).some((key) => key.startsWith("confidant.draft.person.")));
    const stored = await everythingStored(page);
    assert.ok(!stored.includes("CANARY"), stored);

    // Locked by the shell's button in the module's panel, and opened again with the key
    // the module derives: the draft's answers come back through the crossing.
    await page.locator("#lock-draft").click();
    await page.locator("#open-draft").waitFor();
    await page.locator("#draft-passphrase").fill("read it to nobody");
    await page.locator("#open-draft").click();
    await page.locator("#draft-list li", { hasText: "CANARY-module-label" }).waitFor({ timeout: 30_000 });
}, { context: { serviceWorkers: "block" } }));
