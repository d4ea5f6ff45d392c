// The sender's browser against a hostile directory answer, with the real server and the
// real app: a swapped key is refused and nothing is sealed to it; a relabelled agency is
// blocked until confirmed; each agency gets only what the form and the person allow, in
// a packet of its own; and after a quick exit the device keeps no agency name, kind or
// sealing time, while an undelivered packet is still delivered later. A rotation the
// agency's pinned signing key endorses goes through without a call; one it does not
// endorse waits for the worker.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import * as jose from "jose";
import { NEUTRAL_PAGE, launchChromium, openApp, shown, startServer } from "./support.mjs";
import {
  BIN, confidantAgency, everythingStored, fillReferral, inbox, openPacket, openReferral,
  scratch, sealFor, withServer as withServerIn,
} from "./referral.mjs";

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-trust-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

const withServer = (register, body, options) => withServerIn(browser, register, body, options);

const agencies = (data) => ({
  outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo"),
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
});

/** Answers the directory through `change(agencies)`, a hostile proxy's rewrite. */
async function rewriteDirectory(page, change) {
  await page.route("**/api/v1/directory", async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    change(body.agencies);
    await route.fulfill({ response, json: body });
  });
}

/** Every packet the page posts, parsed. */
function postedPackets(page) {
  const posted = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/packets")) {
      posted.push(JSON.parse(request.postData()));
    }
  });
  return posted;
}

const recipientKids = (packet) => packet.recipients.map((recipient) => recipient.header.kid);

test("a directory answer that puts another key under a pinned agency is refused, and nothing is sealed to that key", () => withServer(agencies, async ({ server, page, agencies: { police, shelter } }) => {
  const posted = postedPackets(page);
  await openApp(page, server.url);
  await openReferral(page);
  await fillReferral(page);
  // First sight: every agency is pinned.
  await page.locator("#recipient-2").waitFor();
  await page.locator("#back-to-referral").click();

  // The proxy keeps the shelter's name, kid and fingerprint, and puts its own key inside.
  const attacker = await jose.exportJWK((await jose.generateKeyPair("ECDH-ES+A256KW", { crv: "X25519", extractable: true })).publicKey);
  const attackerKid = await jose.calculateJwkThumbprint(attacker, "sha256");
  await rewriteDirectory(page, (entries) => {
    const entry = entries.find((agency) => agency.name === "Shelter North");
    entry.jwk = { ...attacker, kid: entry.kid, use: "enc", alg: "ECDH-ES+A256KW" };
  });
  await page.locator("#check-answers").click();
  await page.locator("#seal-and-send").waitFor();
  const refused = page.locator("#directory-refused");
  await refused.waitFor();
  assert.match(await refused.innerText(), /Shelter North: its key id does not match its key/);
  // The shelter is not offered at all, neither as recipient nor as sender.
  assert.equal(await page.getByLabel(/^Shelter North \(/).count(), 0);
  assert.equal(await page.locator("#sender option", { hasText: "Shelter North" }).count(), 0);

  await sealFor(page, "Outreach team", ["Police unit"]);
  await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });
  assert.equal(posted.length, 1);
  assert.deepEqual(recipientKids(posted[0]), [police.jwk.kid]);
  assert.ok(!JSON.stringify(posted).includes(attackerKid), "a packet names the attacker's key");
  assert.deepEqual(await inbox(server.url, shelter), []);
}));

test("a rotation endorsed by the agency's pinned signing key is sent to without a call; one not endorsed waits for the worker", () => withServer(agencies, async ({ data, server, page, agencies: { police, shelter } }) => {
  const posted = postedPackets(page);
  await openApp(page, server.url);
  await openReferral(page);
  await fillReferral(page);
  // First sight: every agency is pinned, its signing key with it.
  await page.locator("#recipient-2").waitFor();
  await page.locator("#back-to-referral").click();

  // Both agencies rotate; the police publish the endorsement `keygen --rotate` wrote.
  const rotate = (agency, endorse) => {
    execFileSync(BIN, ["keygen", "--rotate", agency.key, "--passphrase-file", agency.passphrase]);
    const folder = dirname(agency.key);
    const endorsement = endorse ? ["--endorsement", join(folder, "agency.endorsement")] : [];
    execFileSync(BIN, ["agency", "rotate", "--data", data, `--kid=${agency.jwk.kid}`, "--key", join(folder, "agency.jwk"), ...endorsement]);
    return JSON.parse(readFileSync(join(folder, "agency.jwk"), "utf8"));
  };
  const newPolice = rotate(police, true);
  rotate(shelter, false);

  await page.locator("#check-answers").click();
  const vouched = page.locator('[id^="vouched-"]');
  await vouched.waitFor();
  assert.equal(await vouched.count(), 1);
  assert.match(await vouched.innerText(), /endorsed by the signing key this device pinned/);
  assert.equal(await page.getByLabel(/^Police unit \(/).isDisabled(), false);
  // Not endorsed: the shelter waits for the worker to confirm its new fingerprint.
  assert.equal(await page.getByLabel(/^Shelter North \(/).isDisabled(), true);
  assert.match(await page.locator(".key-changed").innerText(), /new key/);

  await sealFor(page, "Outreach team", ["Police unit"]);
  await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });
  assert.equal(posted.length, 1);
  assert.deepEqual(recipientKids(posted[0]), [newPolice.kid]);
}));

test("an agency relabelled as the police cannot be sent to until the worker confirms it", () => withServer(agencies, async ({ server, page }) => {
  await openApp(page, server.url);
  await openReferral(page);
  await fillReferral(page);
  await page.locator("#recipient-2").waitFor();
  await page.locator("#back-to-referral").click();

  // Same key, same name: only the kind changed, to the one that gets police-only answers.
  await rewriteDirectory(page, (entries) => {
    entries.find((agency) => agency.name === "Shelter North").kind = "police";
  });
  await page.locator("#check-answers").click();
  const box = page.getByLabel(/^Shelter North \(/);
  await box.waitFor();
  const warning = page.locator(".key-changed");
  await warning.waitFor();
  assert.match(await warning.innerText(), /another kind of agency/);
  assert.equal(await box.isDisabled(), true);
  await page.locator("#sender").selectOption({ label: "Outreach team (NGO)" });
  assert.equal(await page.locator("#seal-and-send").isDisabled(), true);

  // Confirmed with the agency: now it may be chosen, as what it now says it is.
  await warning.getByRole("button").click();
  assert.equal(await box.isDisabled(), false);
  await box.check();
  assert.equal(await page.locator("#seal-and-send").isDisabled(), false);
}));

test("a referral to the police and a shelter is two packets: suspects for the police only, health for nobody who was not agreed", () => withServer(agencies, async ({ server, page, agencies: { police, shelter } }) => {
  const posted = postedPackets(page);
  await openApp(page, server.url);
  await openReferral(page);
  // Health answers given (a risk factor and a need), but the person agreed to share only
  // identity and the account, with the police and shelters.
  await fillReferral(page, { categories: ["identity", "narrative"], services: ["police", "shelter"] });
  await page.locator("#back-to-referral").click();
  await (await shown(page, "#field-risk_factors-5")).check(); // self-harm
  await (await shown(page, "#field-needs-2-1")).check(); // medical care: urgent
  await page.locator("#check-answers").click();
  await page.locator("#recipient-2").waitFor();
  // Agencies of a kind the person did not agree to cannot be chosen.
  assert.equal(await page.getByLabel(/^Outreach team \(/).isDisabled(), true);

  await sealFor(page, "Outreach team", ["Police unit", "Shelter North"], async () => {
    assert.equal(await page.locator("#packets li.packet").count(), 2);
    const review = await page.locator("#packets").innerText();
    assert.match(review, /Suspected exploiters/);
    assert.match(review, /Medical care/);
  });
  await page.locator('#outbox li[data-delivery="delivered"]').nth(1).waitFor({ timeout: 30_000 });
  assert.equal(posted.length, 2);

  const [forPolice] = await inbox(server.url, police);
  const [forShelter] = await inbox(server.url, shelter);
  assert.ok(forPolice && forShelter && forPolice !== forShelter);
  assert.deepEqual(recipientKids(JSON.parse(forShelter)), [shelter.jwk.kid]);
  const toPolice = openPacket(police, forPolice);
  const toShelter = openPacket(shelter, forShelter);
  assert.ok(toPolice.answers.suspected_exploiters, "the police did not get the suspects");
  assert.equal(toShelter.answers.suspected_exploiters, undefined);
  for (const payload of [toPolice, toShelter]) {
    assert.ok(!payload.answers.risk_factors?.includes("self_harm"), "a health answer went");
    assert.equal(payload.answers.needs?.medical, undefined, "a health need went");
    assert.ok(payload.withheld.some((w) => w.reason === "not_agreed" && w.category === "health"));
    assert.ok(payload.answers.subject_names, "the identity was agreed");
  }
  assert.ok(toShelter.withheld.some((w) => w.field === "suspected_exploiters"));
}));

test("after a quick exit no agency name, kind or sealing time is kept, and an undelivered packet still goes", () => withServer(agencies, async (run) => {
  const { data, page, agencies: { shelter } } = run;
  const listen = new URL(run.server.url).host;
  await openApp(page, run.server.url);
  await openReferral(page);
  await fillReferral(page);
  const sealedFrom = Math.floor(Date.now() / 1000);
  await sealFor(page, "Outreach team", ["Shelter North"]);
  await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });

  // A second referral, sealed while the server is away: it must survive the exit.
  await page.locator(".brand-link").click();
  await openReferral(page);
  await fillReferral(page);
  await page.locator("#recipient-2").waitFor();
  await run.server.stop();
  await sealFor(page, "Outreach team", ["Shelter North"]);
  await page.locator('#outbox li[data-delivery="waiting"]').waitFor();
  const sealedTo = Math.floor(Date.now() / 1000);

  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.waitForURL(`${NEUTRAL_PAGE}**`);
  run.server = await startServer({ data, listen });
  await page.goto(`${run.server.url}api/v1/health`);
  // Keys, digests and ciphertext are long runs of random base64, where any short word
  // turns up by chance: they are left out of the search; everything readable stays in.
  const readable = (await everythingStored(page)).replace(/[A-Za-z0-9_-]{16,}/g, "");
  for (const word of ["Shelter", "Outreach", "Police", "shelter", "police", "ngo"]) {
    assert.ok(!readable.includes(word), `"${word}" is kept: ${readable.slice(0, 400)}`);
  }
  const stored = await everythingStored(page);
  for (let second = sealedFrom; second <= sealedTo; second++) {
    assert.ok(!stored.includes(String(second)), "a sealing time is kept");
    assert.ok(!stored.includes(new Date(second * 1000).toISOString().slice(0, 16)), "a sealing time is kept");
  }
  // The packet kept says only its day, even inside its readable metadata.
  const packets = await page.evaluate(() => Object.keys(localStorage)
    .filter((key) => key.startsWith("confidant.outbox."))
    .map((key) => JSON.parse(localStorage.getItem(key)).packet));
  assert.equal(packets.length, 1, "the undelivered packet is gone");
  const meta = JSON.parse(Buffer.from(JSON.parse(packets[0]).aad, "base64url").toString());
  assert.equal(meta.created % 86_400, 0);

  // The app opened again delivers it.
  assert.equal((await inbox(run.server.url, shelter)).length, 1);
  await openApp(page, run.server.url);
  await page.waitForFunction(() => !Object.keys(localStorage).some((key) => key.startsWith("confidant.outbox.")),
    null, { timeout: 30_000 });
  assert.equal((await inbox(run.server.url, shelter)).length, 2);
}, { neutralPage: true }));
