// The receiving end in the browser, against the real `confidant serve`: a referral sent
// with a canary in every text answer is read by the receiving agency in a browser context
// of its own, unlocked with the key file `confidant keygen` made. The canaries show on
// its screen and nowhere else: not in any request, any storage, the server's files, nor
// the page once the inbox locks (by the button, or after the idle time), nor after a
// quick exit. A wrong passphrase, another agency's key file, a refused credential, a
// tampered packet, a payload that is no referral and a form the app has never seen: each
// says what it is, and the rest of the inbox still reads. A referral sent while the
// police's keyring is unlocked is signed, and the shelter's inbox names its signer; one
// another agency signed in the police's name, and signed content changed or moved into
// another packet by a co-recipient, are refused.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import * as jose from "jose";
import { after, before, test } from "node:test";
import { ARTIFACTS, NEUTRAL_PAGE, inMemory, keepInstances, launchChromium, openApp, serveNeutralPage, chooseLanguage } from "./support.mjs";
import {
  BIN, confidantAgency, everyFile, everythingStored, fillReferral, inbox, joseAgency, openPacket,
  openReferral, optionValue, scratch, sealFor, withServer as withServerIn,
} from "./referral.mjs";

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-inbox-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

const withServer = (register, body, options) => withServerIn(browser, register, body, options);
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The WCAG 2.1 A and AA violations axe finds on the page, and how far it overflows. */
async function audit(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) {
    await page.addScriptTag({ path: AXE });
  }
  const violations = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  })).violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target})`));
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const beyond = [...document.querySelectorAll("body *")]
      .filter((e) => { const box = e.getBoundingClientRect(); return box.right > width + 0.5 || box.left < -0.5; })
      .concat([...document.querySelectorAll("body *")].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible"))
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${e.className}`);
    const extra = document.documentElement.scrollWidth - width;
    return extra > 0 ? `${extra} px: ${beyond.slice(0, 5).join(", ")}` : 0;
  });
  return { violations, overflow };
}

/** The passphrase of an agency's key file, as its holder types it. */
const passphraseOf = (agency) => readFileSync(agency.passphrase, "utf8").replace(/\n$/, "");

/** Opens the inbox screen and unlocks it with `keyFile`, `passphrase` and `credential`. */
async function unlock(page, { keyFile, passphrase, credential }) {
  if (!(await page.locator("#unlock-form").count())) {
    await page.locator("#open-inbox").click();
  }
  // Ten minutes without activity, unless the worker chooses otherwise.
  assert.equal(await page.locator("#lock-after").inputValue(), "10");
  await page.locator("#key-file").setInputFiles(keyFile);
  await page.locator("#key-passphrase").fill(passphrase);
  await page.locator("#inbox-credential").fill(credential);
  await page.locator("#unlock").click();
}

/** Sends a referral from the police to the shelter with a canary in every text answer. */
async function sendReferral(page, url) {
  const canaries = [];
  await openApp(page, url);
  await openReferral(page);
  await fillReferral(page, { text: (n) => {
    const canary = `CANARY-${n}-beef`;
    canaries.push(canary);
    return canary;
  } });
  await sealFor(page, "Police unit", ["Shelter North"], async () => {
    // No keyring unlocked in this browser: the review says it goes unsigned.
    assert.equal(await page.locator("#signing").getAttribute("data-signed"), "no");
  });
  await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });
  return canaries;
}

/** Uploads a sealed packet as any sender could. */
async function upload(url, packet) {
  const response = await fetch(`${url}api/v1/packets`, {
    method: "POST", headers: { "content-type": "application/jose+json" }, body: packet,
  });
  assert.ok(response.ok, `upload refused: ${response.status} ${await response.text()}`);
}

/** Seals `payload` for `agency` with `confidant seal`, labelled as form `form`. */
function seal(agency, payload, form) {
  const jwk = keys.write(`${agency.jwk.kid}.jwk`, JSON.stringify(agency.jwk));
  return execFileSync(BIN, ["seal", "--to", jwk, "--form", form], { input: JSON.stringify(payload), encoding: "utf8" });
}

const register = async (data) => ({
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
});

test("the shelter unlocks its inbox in the browser and reads the referral; the canaries are nowhere else, and gone once it locks", () => withServer(register,
  async ({ data, server, context, page, agencies: { police, shelter } }) => {
    const canaries = await sendReferral(page, server.url);
    const [packet] = await inbox(server.url, shelter);
    // What the shelter may read: every canary but the police-only one.
    const sent = JSON.stringify(openPacket(shelter, packet).answers);
    const forShelter = canaries.filter((canary) => sent.includes(canary));
    assert.ok(forShelter.length >= 15 && forShelter.length === canaries.length - 1,
      `${forShelter.length} of ${canaries.length} canaries were sent to the shelter`);

    // The receiving agency: a browser of its own, with nothing of the sender's.
    const receiver = await browser.newContext();
    await serveNeutralPage(receiver);
    try {
      const reader = await receiver.newPage();
      await keepInstances(reader);
      await reader.clock.install();
      const traffic = [];
      reader.on("request", (request) => traffic.push(request.url(), request.postData() ?? ""));
      await openApp(reader, server.url);
      await unlock(reader, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
      await reader.locator('[data-opened="read"]').waitFor({ timeout: 60_000 });
      // The list says what the packet is and who sent it, from the directory.
      const entry = await reader.locator(".inbox-entry").innerText();
      assert.match(entry, /Referral/i);
      assert.match(entry, /Police unit/);
      // The credential and passphrase left the form as soon as they were used.
      assert.equal(await reader.locator("#key-passphrase").count(), 0);

      await reader.locator('[data-opened="read"] button').click();
      const shown = await reader.locator("#received").innerText();
      for (const canary of forShelter) {
        assert.ok(shown.includes(canary), `${canary} is not shown to the shelter`);
      }
      // The police-only answer is said to be withheld, with the reason.
      assert.match(await reader.locator("#received-withheld").innerText(), /Suspected exploiters[^\n]*police/);
      // The sender's key as the directory lists it: the fingerprint of the police's key.
      const directory = await (await fetch(`${server.url}api/v1/directory`)).json();
      const sender = directory.agencies.find((agency) => agency.kid === police.jwk.kid);
      assert.ok(sender, "the police are not in the directory");
      assert.equal(await reader.locator("#received-fingerprint").innerText(), sender.fingerprint);
      // Printing says first what a paper copy means.
      await reader.locator("#print-referral").click();
      assert.match(await reader.locator("#print-warning").innerText(), /outside Confidant/);
      await reader.screenshot({ path: `${ARTIFACTS}/inbox-referral.png`, fullPage: true });

      const stored = await everythingStored(reader);
      const serverFiles = Buffer.concat(everyFile(data)).toString("latin1");
      for (const canary of canaries) {
        assert.ok(!traffic.some((item) => item.includes(canary)), `${canary} went over the network`);
        assert.ok(!stored.includes(canary), `${canary} is in the receiver's browser storage`);
        assert.ok(!serverFiles.includes(canary), `${canary} is in the server's data folder`);
      }
      // The credential travels in a header only: never in an address or a body.
      assert.ok(!traffic.some((item) => item.includes(shelter.credential)), "the credential is in an address or a body");

      // While the referral is open its answers are in the module's memory: the scan
      // finds them, so that finding none later means something.
      const open = await inMemory(reader, canaries);
      assert.deepEqual(open.wasm.toSorted(), forShelter.toSorted(),
        "the scan does not find what the open referral holds");

      // Locking forgets everything that was open: the page, and every copy in memory
      // (freed blocks are wiped, src/main.rs).
      await reader.locator("#lock-inbox").click();
      await reader.locator("#unlock-form").waitFor();
      let page = await reader.content();
      assert.ok(!canaries.some((canary) => page.includes(canary)), "a canary stayed in the page after locking");
      let left = await inMemory(reader, canaries);
      assert.deepEqual(left, { wasm: [], heap: [] }, "a canary stayed in memory after locking");

      // Unlocked again, then left alone past the idle time: it locks by itself.
      await unlock(reader, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
      await reader.locator('[data-opened="read"] button').click();
      await reader.locator("#received").waitFor();
      await reader.clock.runFor("10:30");
      await reader.locator("#inbox-locked").waitFor({ timeout: 15_000 });
      page = await reader.content();
      assert.ok(!canaries.some((canary) => page.includes(canary)), "a canary stayed in the page after the idle lock");
      left = await inMemory(reader, canaries);
      assert.deepEqual(left, { wasm: [], heap: [] }, "a canary stayed in memory after the idle lock");

      // Unlocked and reading once more, the quick exit leaves at once, and opening the app
      // again finds the inbox locked.
      await reader.clock.resume();
      await unlock(reader, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
      await reader.locator('[data-opened="read"] button').click();
      await reader.locator("#received").waitFor();
      await reader.locator("#quick-exit").click();
      await reader.waitForURL(`${NEUTRAL_PAGE}**`);
      await openApp(reader, server.url);
      await reader.locator("#open-inbox").click();
      await reader.locator("#unlock-form").waitFor();
      page = await reader.content();
      assert.ok(!canaries.some((canary) => page.includes(canary)), "a canary is back after the quick exit");
    } finally {
      await receiver.close();
    }
  }));

test("a wrong passphrase, a file that is no key, a refused credential and another agency's key each say what is wrong", () => withServer(register,
  async ({ server, page, agencies: { police, shelter } }) => {
    await sendReferral(page, server.url);
    await page.locator(".brand-link").click();
    const problem = () => page.locator("#unlock-problem").innerText();

    await unlock(page, { keyFile: shelter.key, passphrase: "not the passphrase", credential: shelter.credential });
    assert.match(await problem(), /does not open this key file/);
    await unlock(page, { keyFile: keys.write("notes.key", "{\"hello\": 1}"), passphrase: passphraseOf(shelter), credential: shelter.credential });
    assert.match(await problem(), /not a Confidant agency key file/);
    await unlock(page, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: "cfd1_not-a-credential" });
    assert.match(await problem(), /did not accept this inbox credential/);
    // The police's key file with the shelter's credential: it unlocks, and every packet
    // says it is not for this key.
    await unlock(page, { keyFile: police.key, passphrase: passphraseOf(police), credential: shelter.credential });
    await page.locator('[data-opened="problem"]').waitFor({ timeout: 60_000 });
    assert.match(await page.locator("#inbox-list").innerText(), /not addressed to the key you unlocked/);
  }));

test("a tampered packet, a payload that is no referral and a form the app has never seen each say so, and the referral beside them still reads", () => withServer(register,
  async ({ server, page, agencies: { shelter } }) => {
    const canaries = await sendReferral(page, server.url);
    const [packet] = await inbox(server.url, shelter);
    const payload = openPacket(shelter, packet);

    // Tampered: the sealed label changed (a new packet id), so the tag no longer holds.
    const tampered = JSON.parse(packet);
    const label = JSON.parse(Buffer.from(tampered.aad, "base64url").toString());
    label.packet_id = "AAAAAAAAAAAAAAAAAAAAAA";
    tampered.aad = Buffer.from(JSON.stringify(label)).toString("base64url");
    await upload(server.url, JSON.stringify(tampered));
    // Something other than a referral, sealed properly.
    await upload(server.url, seal(shelter, { format: "confidant-acknowledgment", format_version: 1, state: "received" }, "acknowledgment@1"));
    // A form the app has never seen: the referral's definition under another id.
    const foreign = structuredClone(payload);
    foreign.definition.id = "intake-note";
    foreign.form.id = "intake-note";
    foreign.answers = { narrative: "FOREIGN-CANARY" };
    foreign.withheld = [];
    await upload(server.url, seal(shelter, foreign, `intake-note@${foreign.form.version}`));

    await page.locator(".brand-link").click();
    await unlock(page, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
    await page.locator("#inbox-list").waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-opened="opening"]'), null, { timeout: 60_000 });
    const list = await page.locator("#inbox-list").innerText();
    assert.match(list, /changed after it was sealed/);
    assert.match(list, /something other than a referral/);
    assert.equal(await page.locator('[data-opened="read"]').count(), 2);

    // The referral reads as before; the unknown form reads from its own definition.
    for (const i of [0, 1]) {
      await page.locator('[data-opened="read"] button').nth(i).click();
      const shown = await page.locator("#received").innerText();
      if (shown.includes("FOREIGN-CANARY")) {
        assert.equal(await page.locator("#received-foreign-form").count(), 1);
      } else {
        assert.ok(canaries.some((canary) => shown.includes(canary)));
        assert.equal(await page.locator("#received-foreign-form").count(), 0);
      }
      await page.locator("#back-to-inbox").click();
    }
  }));

test("the shelter declines with a reason, sealed to the sender's key; the police read it in their own inbox and with confidant open", () => withServer(register,
  async ({ server, page, agencies: { police, shelter } }) => {
    await sendReferral(page, server.url);
    const [{ packet_id: referral }] = (await (await fetch(`${server.url}api/v1/inbox`,
      { headers: { authorization: `Bearer ${shelter.credential}` } })).json()).packets;
    await page.locator(".brand-link").click();
    await unlock(page, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
    await page.locator('[data-opened="read"] button').click();

    // Declining needs a reason; then it is sealed and sent.
    await page.getByLabel("Declined").check();
    await page.locator("#send-answer").click();
    assert.match(await page.locator("#answer-result").innerText(), /Choose why/);
    await page.locator("#answer-reason").selectOption({ label: "No capacity: the service is full" });
    await page.locator("#answer-note").fill("No bed until Monday: NOTE-CANARY");
    await page.locator("#send-answer").click();
    await page.locator("#answer-result", { hasText: /sealed to the sender/ }).waitFor();
    // Kept: the server's deletion clock starts, and the inbox says so.
    await page.locator("#keep-packet").click();
    await page.locator("#answer-result", { hasText: /Marked as kept/ }).waitFor();
    const listed = (await (await fetch(`${server.url}api/v1/inbox`,
      { headers: { authorization: `Bearer ${shelter.credential}` } })).json()).packets;
    assert.ok(listed[0].acknowledged, "the referral was not marked acknowledged");

    // The server holds one more packet, addressed to the police, and no plaintext of it.
    const [answer] = await inbox(server.url, police);
    assert.ok(answer, "nothing reached the police's inbox");
    assert.ok(!answer.includes("NOTE-CANARY") && !answer.includes("declined"));
    const read = openPacket(police, answer);
    assert.equal(read.format, "confidant-acknowledgment");
    assert.equal(read.referral, referral);
    assert.equal(read.state, "declined");
    assert.equal(read.reason, "no_capacity");
    assert.equal(read.from.kid, shelter.jwk.kid);

    // In the browser that sealed the referral, the police's inbox ties the answer to the
    // referral its outbox keeps.
    await page.locator("#lock-inbox").click();
    await unlock(page, { keyFile: police.key, passphrase: passphraseOf(police), credential: police.credential });
    const tied = page.locator('[data-opened="answer"] [data-outbox="found"]');
    await tied.waitFor({ timeout: 60_000 });
    assert.match(await tied.innerText(), /^Your referral sealed on .+ for Shelter North/);
    // The answer is signed with the shelter's key, as its directory entry publishes it.
    assert.match(await page.locator('[data-opened="answer"] [data-signed="yes"]').innerText(),
      new RegExp(`^Signed by Shelter North \\(signing key ${fingerprintOf(shelter.signingJwk.kid)}\\)$`));

    // The police, in a browser of their own, see the answer once their inbox is unlocked.
    const sender = await browser.newContext();
    try {
      const theirs = await sender.newPage();
      await openApp(theirs, server.url);
      await unlock(theirs, { keyFile: police.key, passphrase: passphraseOf(police), credential: police.credential });
      const entry = theirs.locator('[data-opened="answer"]');
      await entry.waitFor({ timeout: 60_000 });
      const text = await entry.innerText();
      assert.match(text, /Declined/);
      assert.match(text, /No capacity/);
      assert.match(text, /NOTE-CANARY/);
      assert.match(text, /Shelter North/);
      // That browser has no outbox: nothing to tie the answer to.
      assert.equal(await entry.locator('[data-outbox="found"]').count(), 0);
    } finally {
      await sender.close();
    }
  }));

test("a key file dropped on its field unlocks; the list narrows by form, urgency and sender in memory; a referral sealed under the first form version reads", () => withServer(
  async (data) => ({ ...await register(data), outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo") }),
  async ({ server, page, agencies: { outreach, shelter } }) => {
    const canaries = await sendReferral(page, server.url);
    const [packet] = await inbox(server.url, shelter);
    // As the first published referral form (1.0.0) sealed it, stated to come from the
    // outreach team, with answers to questions the form has since changed.
    const older = structuredClone(openPacket(shelter, packet));
    older.definition = JSON.parse(readFileSync(new URL("../../core/tests/vectors/referral-1.0.0.json", import.meta.url), "utf8"));
    delete older.translation;
    older.language = "en";
    older.form = { id: "referral", version: "1.0.0" };
    older.answers = {
      referral_type: "full", age_group: "adult", consent_referral: "given", urgency: "standard",
      sharing_consent: ["identity", "narrative"], subject_names: "OLD-CANARY-name",
      narrative: "OLD-CANARY-story", named_recipients: "OLD-CANARY-recipients",
    };
    older.withheld = [];
    older.sender = outreach.jwk;
    await upload(server.url, seal(shelter, older, "referral@1.0.0"));

    const receiver = await browser.newContext();
    try {
      const reader = await receiver.newPage();
      await openApp(reader, server.url);
      await reader.locator("#open-inbox").click();
      // Dropped, not picked: the field takes the file as if it had been chosen.
      const dropped = await reader.evaluateHandle(({ name, text }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: "application/json" }));
        return transfer;
      }, { name: "shelter.key", text: readFileSync(shelter.key, "utf8") });
      await reader.locator("#key-drop").dispatchEvent("drop", { dataTransfer: dropped });
      assert.equal(await reader.locator("#key-file").evaluate((input) => input.files[0]?.name), "shelter.key");
      await reader.locator("#key-passphrase").fill(passphraseOf(shelter));
      await reader.locator("#inbox-credential").fill(shelter.credential);
      await reader.locator("#unlock").click();
      await reader.locator('#inbox-progress[data-done="true"]').waitFor({ timeout: 60_000 });
      assert.equal(await reader.locator('[data-opened="read"]').count(), 2);

      // Filtering asks the server nothing: it works on what was opened, in memory.
      const requests = [];
      reader.on("request", (request) => requests.push(request.url()));
      const entries = () => reader.locator("#inbox-list .inbox-entry");
      await reader.locator("#filter-sender").selectOption(await optionValue(reader, "#filter-sender", "Outreach team"));
      assert.equal(await entries().count(), 1);
      assert.match(await reader.locator("#inbox-filtered").innerText(), /1 of 2 packets match/);
      await reader.locator("#filter-sender").selectOption({ label: "All" });
      await reader.locator("#filter-urgency").selectOption({ label: "Emergency: response needed within 24 hours" });
      assert.equal(await entries().count(), 1);
      assert.match(await entries().innerText(), /Police unit/);
      await reader.locator("#filter-urgency").selectOption({ label: "Standard" });
      assert.match(await entries().innerText(), /Outreach team/);
      assert.deepEqual(await reader.locator("#filter-kind option").allInnerTexts(), ["All", "Referral form"]);
      assert.deepEqual(requests, []);

      // The older referral reads from the definition it carries, and says its version.
      await reader.locator('[data-opened="read"] button').click();
      const shown = await reader.locator("#received").innerText();
      for (const canary of ["OLD-CANARY-name", "OLD-CANARY-story", "OLD-CANARY-recipients"]) {
        assert.ok(shown.includes(canary), `${canary} is not shown`);
      }
      assert.equal(await reader.locator("#received-form-version").innerText(), "1.0.0");
      assert.ok(!canaries.some((canary) => shown.includes(canary)));
      // Back in the list, the filter is as it was left.
      await reader.locator("#back-to-inbox").click();
      assert.equal(await entries().count(), 1);
      await reader.locator("#filter-urgency").selectOption({ label: "All" });
      assert.equal(await entries().count(), 2);
    } finally {
      await receiver.close();
    }
  }));

test("after a key rotation, one unlock opens what was sealed to the former key and to the new one", () => withServer(register,
  async ({ data, server, page, agencies: { shelter } }) => {
    const canaries = await sendReferral(page, server.url);
    const [packet] = await inbox(server.url, shelter);
    const payload = openPacket(shelter, packet);
    // The shelter rotates: a new current key in its keyring, published for the agency.
    const formerKid = shelter.jwk.kid;
    execFileSync(BIN, ["keygen", "--rotate", shelter.key, "--passphrase-file", shelter.passphrase]);
    const jwk = shelter.key.replace(/\.key$/, ".jwk");
    execFileSync(BIN, ["agency", "rotate", "--data", data, `--kid=${formerKid}`, "--key", jwk]);
    const current = JSON.parse(readFileSync(jwk, "utf8"));
    assert.notEqual(current.kid, formerKid);
    const directory = await (await fetch(`${server.url}api/v1/directory`)).json();
    assert.ok(directory.agencies.some((agency) => agency.kid === current.kid && agency.name === "Shelter North"));
    // A referral sealed to the new key, beside the one sealed to the former.
    payload.answers.subject_names = "AFTER-ROTATION-CANARY";
    const sealed = execFileSync(BIN, ["seal", "--to", jwk, "--form", `referral@${payload.form.version}`],
      { input: JSON.stringify(payload), encoding: "utf8" });
    await upload(server.url, sealed);

    const receiver = await browser.newContext();
    try {
      const reader = await receiver.newPage();
      await openApp(reader, server.url);
      await unlock(reader, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
      await reader.locator('#inbox-progress[data-done="true"]').waitFor({ timeout: 60_000 });
      assert.equal(await reader.locator('[data-opened="read"]').count(), 2);
      const texts = [];
      for (const i of [0, 1]) {
        await reader.locator('[data-opened="read"] button').nth(i).click();
        texts.push(await reader.locator("#received").innerText());
        await reader.locator("#back-to-inbox").click();
      }
      assert.ok(texts.some((text) => text.includes("AFTER-ROTATION-CANARY")));
      assert.ok(texts.some((text) => canaries.some((canary) => text.includes(canary)) && !text.includes("AFTER-ROTATION-CANARY")));

      // The former key cannot be retired while the first referral, sealed to it alone,
      // waits in the inbox: the refusal names it.
      const facts = await reader.locator(`#packet-${metaOf(packet).packet_id} .inbox-facts`).innerText();
      const reference = facts.split(" · ").at(-1).trim();
      await reader.locator("#retire-0").click();
      assert.match(await reader.locator("#retire-refused").innerText(), new RegExp(`packet ${reference} `));
      assert.equal(await reader.locator("#keyring-form").count(), 0);
    } finally {
      await receiver.close();
    }
  }));

test("a keyring made in the browser is ready only once its saved copy is given back and opens; it then works with confidant", () => withServer(register,
  async ({ data, server, agencies: { shelter } }) => {
    const maker = await browser.newContext({ acceptDownloads: true });
    try {
      const page = await maker.newPage();
      await page.clock.install();
      await openApp(page, server.url);
      await page.locator("#open-inbox").click();
      await page.locator("#create-keyring").click();
      const problem = () => page.locator("#keyring-problem").innerText();
      const choose = async (name, first, second) => {
        await page.locator("#keyring-name").fill(name);
        await page.locator("#keyring-passphrase").fill(first);
        await page.locator("#keyring-passphrase-again").fill(second);
        await page.locator("#make-keyring").click();
      };
      const strong = "lantern orbit copper meadow quietly";
      await choose("../shelter", strong, strong);
      assert.match(await problem(), /name of letters/);
      await choose("shelter-north", strong, `${strong}s`);
      assert.match(await problem(), /differ/);
      await choose("shelter-north", "password1234", "password1234");
      assert.match(await problem(), /too easy to guess/);
      // Made: the file is offered at once.
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), choose("shelter-north", strong, strong)]);
      assert.equal(download.suggestedFilename(), "shelter-north.key");
      const saved = keys.write("made-in-browser.key", readFileSync(await download.path(), "utf8"));
      await page.locator("#keyring-check-form").waitFor();
      // Not ready yet: no fingerprint, no public key, until the saved copy comes back.
      assert.equal(await page.locator("#keyring-verified").count(), 0);
      const giveBack = async (file, passphrase) => {
        await page.locator("#keyring-given").setInputFiles(file);
        await page.locator("#keyring-given-passphrase").fill(passphrase);
        await page.locator("#check-keyring").click();
      };
      await giveBack(shelter.key, strong);
      assert.match(await problem(), /not the keyring just made/);
      await giveBack(saved, "lantern orbit copper meadow");
      await page.locator("#keyring-problem", { hasText: /did not open/ }).waitFor({ timeout: 60_000 });
      assert.equal(await page.locator("#keyring-verified").count(), 0);
      await giveBack(saved, strong);
      await page.locator("#keyring-verified").waitFor({ timeout: 60_000 });
      const fingerprint = await page.locator("#keyring-fingerprint").innerText();

      // The public key it offers is the keyring's: the operator registers it, the
      // fingerprint read aloud is the one confidant prints, and confidant opens with the
      // browser's keyring what is sealed to it.
      const [publicKey] = await Promise.all([page.waitForEvent("download"), page.locator("#save-public-key").click()]);
      const jwk = keys.write("made-in-browser.jwk", readFileSync(await publicKey.path(), "utf8"));
      // So is its signing key, with a fingerprint of its own.
      const signingFingerprint = await page.locator("#keyring-signing-fingerprint").innerText();
      const [signingKey] = await Promise.all([page.waitForEvent("download"), page.locator("#save-signing-key").click()]);
      assert.equal(signingKey.suggestedFilename(), "shelter-north.sign.jwk");
      const signingJwk = keys.write("made-in-browser.sign.jwk", readFileSync(await signingKey.path(), "utf8"));
      const added = execFileSync(BIN, ["agency", "add", "--data", data, "--name", "Outreach team", "--kind", "ngo", "--key", jwk,
        "--signing-key", signingJwk], { encoding: "utf8" });
      assert.ok(added.includes(`fingerprint: ${fingerprint}`), added);
      assert.ok(added.includes(`signing key fingerprint: ${signingFingerprint}`), added);
      const pass = keys.write("made-in-browser.pass", `${strong}\n`);
      const packet = execFileSync(BIN, ["seal", "--to", jwk, "--form", "referral@1"], { input: "{\"made\":\"in the browser\"}", encoding: "utf8" });
      assert.equal(execFileSync(BIN, ["open", "--key", saved, "--passphrase-file", pass], { input: packet, encoding: "utf8" }).trim(), "{\"made\":\"in the browser\"}");
      // confidant signs with the browser's keyring, as the agency it registered.
      const signed = execFileSync(BIN, ["seal", "--to", jwk, "--sign-with", saved, "--sign-passphrase-file", pass],
        { input: "{}", encoding: "utf8" });
      const opened = spawnSync(BIN, ["open", "--key", saved, "--passphrase-file", pass], { input: signed, encoding: "utf8" });
      assert.match(opened.stderr, new RegExp(`^signed by ${JSON.parse(readFileSync(signingJwk, "utf8")).kid} \\(signing key fingerprint ${signingFingerprint}\\)`, "m"));

      // Unlocked with it, the inbox adds a new current key to the same keyring: the new
      // file holds both keys, and opens what was sealed to the first.
      const credential = added.match(/cfd1_[A-Za-z0-9_-]+/)[0];
      await page.locator("#close-keyring").click();
      await unlock(page, { keyFile: saved, passphrase: strong, credential });
      await page.locator("#rotate-keyring").click();
      const [rotated] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), choose("shelter-north", strong, strong)]);
      const ring = keys.write("rotated-in-browser.key", readFileSync(await rotated.path(), "utf8"));
      await giveBack(ring, strong);
      await page.locator("#keyring-rotated").waitFor({ timeout: 60_000 });
      const kids = JSON.parse(readFileSync(ring, "utf8")).keys.map((key) => key.kid);
      assert.equal(kids.length, 2);
      // The signing key stays through the rotation, and endorses the new key: the
      // operator's tool takes the endorsement only if it holds.
      assert.equal(JSON.parse(readFileSync(ring, "utf8")).signing_key.kid, JSON.parse(readFileSync(signingJwk, "utf8")).kid);
      const [newPublic] = await Promise.all([page.waitForEvent("download"), page.locator("#save-public-key").click()]);
      const newJwk = keys.write("rotated-in-browser.jwk", readFileSync(await newPublic.path(), "utf8"));
      const [endorsed] = await Promise.all([page.waitForEvent("download"), page.locator("#save-endorsement").click()]);
      assert.equal(endorsed.suggestedFilename(), "shelter-north.endorsement");
      const endorsement = keys.write("rotated-in-browser.endorsement", readFileSync(await endorsed.path(), "utf8"));
      const published = execFileSync(BIN, ["agency", "rotate", "--data", data, `--kid=${JSON.parse(readFileSync(jwk, "utf8")).kid}`,
        "--key", newJwk, "--endorsement", endorsement], { encoding: "utf8" });
      assert.match(published, /endorsed by the agency's signing key/);
      assert.equal(kids[1], JSON.parse(readFileSync(jwk, "utf8")).kid);
      assert.equal(execFileSync(BIN, ["open", "--key", ring, "--passphrase-file", pass], { input: packet, encoding: "utf8" }).trim(), "{\"made\":\"in the browser\"}");
      await page.locator("#lock-inbox").click();
      await page.locator("#unlock-form").waitFor();

      // The device remembers only when the backup last opened, not whose: and asks again
      // once the next check is due (3 days after making).
      const stored = await everythingStored(page);
      assert.ok(stored.includes("confidant.backup-checks"));
      assert.ok(!stored.includes(JSON.parse(readFileSync(jwk, "utf8")).kid) && !stored.includes(strong));
      assert.equal(await page.locator("#backup-check-due").count(), 0);
      await page.clock.fastForward(72 * 3600 * 1000);
      await page.locator(".brand-link").click();
      await page.locator("#open-inbox").click();
      await page.locator("#backup-check-due").waitFor();
      // A drill that fails says so loudly, and the check stays due; one that opens ends it.
      await unlock(page, { keyFile: ring, passphrase: "lantern orbit copper meadow", credential });
      const failed = page.locator("#backup-check-failed");
      await failed.waitFor({ timeout: 60_000 });
      assert.equal(await failed.getAttribute("role"), "alert");
      assert.match(await failed.innerText(), /backup check failed/);
      assert.equal(await page.locator("#unlock-problem").count(), 0);
      await unlock(page, { keyFile: ring, passphrase: strong, credential });

      // Nothing in the inbox needs the first key: it is retired in a new file, verified
      // like a new keyring, which no longer opens what was sealed to that key.
      await page.locator("#inbox-empty").waitFor({ timeout: 60_000 });
      await page.locator("#retire-0").click();
      const [retired] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), choose("shelter-north", strong, strong)]);
      const smaller = keys.write("retired-in-browser.key", readFileSync(await retired.path(), "utf8"));
      // The file before the retirement is not the one just made.
      await giveBack(ring, strong);
      assert.match(await problem(), /not the keyring just made/);
      await giveBack(smaller, strong);
      await page.locator("#keyring-retired").waitFor({ timeout: 60_000 });
      assert.deepEqual(JSON.parse(readFileSync(smaller, "utf8")).keys.map((key) => key.kid), [kids[0]]);
      const refused = spawnSync(BIN, ["open", "--key", smaller, "--passphrase-file", pass], { input: packet, encoding: "utf8" });
      assert.notEqual(refused.status, 0);
      await page.locator("#close-keyring").click();
      await page.locator("#lock-inbox").click();
      await page.locator("#unlock-form").waitFor();
      assert.equal(await page.locator("#backup-check-due").count(), 0);
    } finally {
      await maker.close();
    }
  }));

/** The fingerprint a person reads aloud: the first 160 bits of the key id, in Crockford base32. */
function fingerprintOf(kid) {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const bits = [...Buffer.from(kid, "base64url").subarray(0, 20)].map((b) => b.toString(2).padStart(8, "0")).join("");
  return bits.match(/.{5}/g).map((c) => alphabet[parseInt(c, 2)]).join("").match(/.{4}/g).join(" ");
}

/** A packet's authenticated metadata, as anyone can read it. */
const metaOf = (packet) => JSON.parse(Buffer.from(JSON.parse(packet).aad, "base64url"));

/**
 * What a co-recipient can do: `jws` encrypted anew, as a signed packet, for `agencies`,
 * under `meta` naming them. (With two recipients jose keeps each one's `epk` in its own
 * header, as the format wants.)
 */
async function signedPacket(agencies, jws, meta) {
  const encryptor = new jose.GeneralEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ enc: "A256GCM", cty: "JOSE+JSON" })
    .setAdditionalAuthenticatedData(new TextEncoder().encode(JSON.stringify({
      ...meta, recipients: agencies.map((agency) => agency.jwk.kid),
    })));
  for (const agency of agencies) {
    encryptor
      .addRecipient(await jose.importJWK(agency.jwk, "ECDH-ES+A256KW"))
      .setUnprotectedHeader({ alg: "ECDH-ES+A256KW", kid: agency.jwk.kid });
  }
  return JSON.stringify(await encryptor.encrypt());
}

test("a referral sent with the police's keyring unlocked is signed; another agency's signature in the police's name, changed content and moved content are refused", () => withServer(
  async (data) => ({
    police: confidantAgency(keys.dir, data, "Police unit", "police"),
    shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
    south: await joseAgency(keys.dir, data, "Shelter South", "shelter"),
    clinic: confidantAgency(keys.dir, data, "Clinic", "health"),
  }),
  async ({ server, page, agencies: { police, shelter, south, clinic } }) => {
    // The police worker unlocks the agency's keyring in the inbox, then sends.
    await openApp(page, server.url);
    await unlock(page, { keyFile: police.key, passphrase: passphraseOf(police), credential: police.credential });
    await page.locator("#inbox-empty").waitFor({ timeout: 60_000 });
    await page.locator(".brand-link").click();
    await openReferral(page);
    await fillReferral(page, { text: (n) => `SIGNED-${n}-cafe` });
    await sealFor(page, "Police unit", ["Shelter North", "Shelter South"], async () => {
      const signing = page.locator("#signing");
      assert.equal(await signing.getAttribute("data-signed"), "yes");
      assert.match(await signing.innerText(), /^Signed as Police unit/);
    });
    await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 30_000 });
    const [original] = await inbox(server.url, shelter);
    const meta = metaOf(original);
    const form = `${meta.form_id}@${meta.form_version}`;

    // `confidant open` verifies the browser's signature.
    const opened = spawnSync(BIN, ["open", "--key", shelter.key, "--passphrase-file", shelter.passphrase],
      { input: original, encoding: "utf8" });
    assert.equal(opened.status, 0, opened.stderr);
    assert.match(opened.stderr, new RegExp(`^signed by ${police.signingJwk.kid} `, "m"));

    // Shelter South, a co-recipient, reads the signed JWS inside its copy ...
    const [southCopy] = await inbox(server.url, south);
    const decrypted = await jose.generalDecrypt(JSON.parse(southCopy), south.privateKey);
    const jws = JSON.parse(new TextDecoder().decode(decrypted.plaintext).trimEnd());
    const payload = Buffer.from(jws.payload, "base64url").toString("utf8");
    assert.ok(payload.includes("SIGNED-"));
    // ... changes what it says, keeping the police's signature, under a packet id of its own;
    const ownId = () => randomBytes(16).toString("base64url");
    const changed = await signedPacket([shelter, south], JSON.stringify({
      ...jws, payload: Buffer.from(payload.replaceAll("SIGNED-", "CHANGED-")).toString("base64url"),
    }), { ...meta, packet_id: ownId() });
    // ... and moves it unchanged into a packet of its own, to itself and Shelter North in
    // the other order;
    const moved = await signedPacket([south, shelter], JSON.stringify(jws), { ...meta, packet_id: ownId() });
    // ... and the clinic signs the police's referral with its own key.
    const sealed = (args) => execFileSync(BIN, ["seal", "--to", join(keys.dir, "north.jwk"), "--form", form, ...args],
      { input: payload, encoding: "utf8" });
    writeFileSync(join(keys.dir, "north.jwk"), JSON.stringify(shelter.jwk));
    const forged = sealed(["--sign-with", clinic.key, "--sign-passphrase-file", clinic.passphrase]);
    const unsigned = sealed([]);
    for (const packet of [changed, moved, forged, unsigned]) {
      await upload(server.url, packet);
    }

    await page.locator(".brand-link").click();
    await unlock(page, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
    await page.locator('#inbox-progress[data-done="true"]').waitFor({ timeout: 60_000 });
    const item = (packet) => page.locator(`#packet-${metaOf(packet).packet_id}`);
    assert.equal(await item(original).locator("[data-signed]").innerText(),
      `Signed by Police unit (signing key ${fingerprintOf(police.signingJwk.kid)})`);
    assert.equal(await item(forged).getAttribute("data-opened"), "forged");
    assert.match(await item(forged).innerText(), /signed by Clinic, but it says it comes from Police unit/);
    assert.equal(await item(forged).locator("button").count(), 0);
    for (const packet of [changed, moved]) {
      assert.equal(await item(packet).getAttribute("data-opened"), "problem");
      assert.match(await item(packet).innerText(), /changed after it was sealed/);
    }
    assert.equal(await item(unsigned).locator("[data-signed]").getAttribute("data-signed"), "no");
    assert.match(await item(unsigned).innerText(), /Not signed: the sender is not verified/);
    await item(original).locator("button").click();
    assert.match(await page.locator("#received-signature").innerText(), /^Signed by Police unit/);
  }));

test("the inbox, the list and an opened referral: no WCAG 2.1 A/AA violation in English and Arabic, at 320 px and at desktop width", () => withServer(register,
  async ({ server, page: sender, agencies: { shelter } }) => {
    await sendReferral(sender, server.url);
    // Injecting axe needs an inline script, which the app's policy rightly refuses.
    const audited = await browser.newContext({ bypassCSP: true });
    const page = await audited.newPage();
    await openApp(page, server.url);
    for (const [language, width] of [["en", 1280], ["ar", 320], ["en", 320], ["ar", 1280]]) {
      await page.setViewportSize({ width, height: 800 });
      await chooseLanguage(page, language);
      await page.locator("#open-inbox").click();
      const screens = [["unlock form", async () => {}], ["making a keyring", async () => {
        await page.locator("#create-keyring").click();
        await page.locator("#keyring-form").waitFor();
      }], ["list", async () => {
        await page.locator("#close-keyring").click();
        await unlock(page, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
        await page.locator('[data-opened="read"]').waitFor({ timeout: 60_000 });
      }], ["referral", async () => {
        await page.locator('[data-opened="read"] button').click();
        await page.locator("#received").waitFor();
      }]];
      for (const [name, reach] of screens) {
        await reach();
        const { violations, overflow } = await audit(page);
        assert.deepEqual(violations, [], `${name} in ${language} at ${width} px`);
        assert.equal(overflow, 0, `${name} in ${language} is too wide at ${width} px`);
      }
      await page.locator("#lock-inbox").click();
      await page.locator(".brand-link").click();
    }
    await audited.close();
  }));

test("the inbox is a module of its own: the way to a referral never fetches it, a changed one is refused and said, and asked again it opens", () => withServer(register,
  async ({ server, page, agencies: { shelter } }) => {
    const fetched = [];
    page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
    await sendReferral(page, server.url);
    assert.ok(!fetched.some((path) => path.startsWith("/inbox") || path.startsWith("/drafts")),
      `fetched on the way: ${fetched.join(" ")}`);
    assert.ok(fetched.some((path) => /^\/confidant-web-[0-9a-f]+_bg\.wasm$/.test(path)));

    // A server or proxy that changes the inbox's module: the page refuses to run it.
    await page.route("**/inbox_bg.wasm", async (route) => {
      const body = await (await route.fetch()).body();
      body[body.length - 1] ^= 1;
      await route.fulfill({ status: 200, contentType: "application/wasm", body });
    });
    await openApp(page, server.url);
    await page.locator("#open-inbox").click();
    await page.locator("#inbox-failed").waitFor();
    assert.equal(await page.locator("#unlock-form").count(), 0);
    assert.ok(fetched.includes("/inbox.js") && fetched.includes("/inbox-loader.js"));

    // Asked again with the module as built, the inbox opens and reads.
    await page.unroute("**/inbox_bg.wasm");
    await page.locator("#inbox-retry").click();
    await page.locator("#unlock-form").waitFor();
    await unlock(page, { keyFile: shelter.key, passphrase: passphraseOf(shelter), credential: shelter.credential });
    await page.locator('[data-opened="read"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator("#inbox-failed").count(), 0);
  }, { context: { serviceWorkers: "block" } }));
