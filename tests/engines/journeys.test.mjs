// The journeys that must hold in every engine a caseworker may carry: Chromium, Firefox
// (ESR) and WebKit (WebKitGTK, the engine of every browser on an iPhone). Each runs the
// release build behind the real `confidant serve`, through a recording proxy, driven
// over WebDriver. Canaries typed into the forms must appear in no request, in no storage
// of the app's origin, and in the packet only for its recipients.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { ARTIFACTS, startServer } from "../e2e/support.mjs";
import { BIN, confidantAgency, inbox, openPacket, scratch } from "../e2e/referral.mjs";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { startProxy } from "./proxy.mjs";
import { enginesToRun, KEY, startBrowser } from "./webdriver.mjs";

const HOME_HEADING = "What do you need to do?";
/** axe-core's source. It is run in the page as WebDriver's own script: neither a script
 * element nor eval, both of which the app's policy rightly refuses. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's WCAG 2.1 A and AA violations on the page, described. */
async function axeViolations(browser) {
  const loaded = await browser.command("POST", "/execute/sync", { script: `${AXE_SOURCE}\n;return typeof window.axe;`, args: [] });
  assert.equal(loaded, "object", "axe-core did not load");
  return browser.evaluateAsync(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  }).then((results) => results.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target})`)));
}

/**
 * Answers every question the form shows, in the page: the first choice of each radio
 * group and set of checkboxes, the first entry of a list, a date, a time, a number, and
 * `${prefix} n` for text. Questions that appear because of an answer are answered on the
 * next round. `choose` overrides by field id: the index of a radio, or what to type.
 * Returns the answered field ids.
 */
function fillInPage(prefix, choose) {
  const frame = () => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
  const setValue = (element, value) => {
    const prototype = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
      : element instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(prototype, "value").set.call(element, value);
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  };
  return (async () => {
    const answered = new Set();
    const done = new Set();
    let typed = 0;
    for (let round = 0; round < 200; round++) {
      let more = false;
      const controls = [...document.querySelectorAll("input[id^='field-'], select[id^='field-'], textarea[id^='field-']")]
        // A list's search box is no answer: it only narrows the list.
        .filter((element) => element.getClientRects().length > 0 && !element.disabled && element.type !== "search");
      for (const element of controls) {
        const field = element.id.replace(/^field-/, "").replace(/(-\d+)+$/, "");
        const type = element.type;
        // A radio group is answered once per name (a needs matrix has one per row).
        const key = type === "radio" ? `${field} ${element.name}` : field;
        if (done.has(key) || !document.contains(element)) continue;
        done.add(key);
        answered.add(field);
        more = true;
        if (type === "radio" || type === "checkbox") {
          const chosen = typeof choose[field] === "number" ? document.getElementById(`field-${field}-${choose[field]}`) : null;
          const target = chosen && chosen.name === element.name ? chosen : element;
          if (!target.checked) target.click();
        } else if (element instanceof HTMLSelectElement) {
          const option = [...element.options].find((candidate) => candidate.value !== "");
          if (option) setValue(element, option.value);
        } else if (type === "date") {
          setValue(element, "2026-11-29");
        } else if (type === "time") {
          setValue(element, "10:30");
        } else if (type === "datetime-local") {
          setValue(element, "2026-11-29T10:30");
        } else if (type === "number") {
          setValue(element, String(choose[field] ?? 3));
        } else {
          typed += 1;
          setValue(element, String(choose[field] ?? `${prefix} ${typed}`));
        }
        await frame();
      }
      if (!more) {
        // The section is answered: on to the next, until the last.
        const next = document.getElementById("section-next");
        if (!next) break;
        next.click();
        await frame();
      }
    }
    return [...answered];
  })();
}

/** The adult's path through the referral (see tests/e2e/referral.mjs, ADULT). */
const ADULT = { age_disputed: 1, estimated_age: "34" };
const SHARING = ["identity", "health", "narrative", "none"];

/**
 * In the page: the person agrees to share every category of `sharing` but "none", with
 * every kind of agency named. One change per painted frame: the form reads each answer
 * into its state before the next.
 */
function shareWithAll(sharing) {
  const frame = () => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
  return (async () => {
    for (const [i, option] of sharing.entries()) {
      const box = document.getElementById(`field-sharing_consent-${i}`);
      if (box && box.checked !== (option !== "none")) {
        box.click();
        await frame();
      }
    }
    for (let i = 0; ; i++) {
      const box = document.getElementById(`field-named_recipients-${i}`);
      if (!box) break;
      if (!box.checked) {
        box.click();
        await frame();
      }
    }
  })();
}

/** Everything the app's origin keeps: both storages, cookies, IndexedDB names, caches. */
function everythingStored() {
  return (async () => {
    const everything = [];
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) everything.push(storage.key(i), storage.getItem(storage.key(i)));
    }
    everything.push(document.cookie);
    if (indexedDB.databases) {
      for (const { name } of await indexedDB.databases()) everything.push(`indexedDB:${name}`);
    }
    if (self.caches) {
      for (const key of await caches.keys()) {
        const cache = await caches.open(key);
        for (const request of await cache.keys()) everything.push(request.url, await (await cache.match(request)).text());
      }
    }
    return everything.join("\n");
  })();
}

for (const engine of enginesToRun()) {
  describe(engine, () => {
    let keys;
    let data;
    let server;
    let proxy;
    let browser;
    let police;
    let shelter;

    before(async () => {
      keys = scratch("confidant-engines-keys-");
      data = scratch("confidant-engines-data-");
      police = confidantAgency(keys.dir, data.dir, "Police unit", "police");
      shelter = confidantAgency(keys.dir, data.dir, "Shelter North", "shelter");
      server = await startServer({ data: data.dir });
      proxy = await startProxy(server.url);
      browser = await startBrowser(engine);
    });

    after(async () => {
      await browser?.close();
      await proxy?.close();
      await server?.stop();
      keys?.remove();
      data?.remove();
    });

    /** A test whose failure leaves the screen and the page's text in the artifacts. */
    function journey(name, body) {
      test(name, async () => {
        try {
          await body();
        } catch (error) {
          const folder = `${ARTIFACTS}/engines`;
          mkdirSync(folder, { recursive: true });
          const file = `${folder}/${engine}-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`;
          await browser.screenshot().then((png) => writeFileSync(`${file}.png`, png)).catch(() => {});
          await browser.evaluate(() => document.body.innerText)
            .then((text) => writeFileSync(`${file}.txt`, text)).catch(() => {});
          throw error;
        }
      });
    }

    async function openApp() {
      await browser.goto(proxy.url);
      await homeShown();
    }

    /** Waits for the app's home screen (after a navigation or a reload). */
    async function homeShown() {
      await browser.waitFor((heading) => document.documentElement.dataset.confidant === "started"
        && document.querySelector("h1, h2")?.textContent.includes(heading), [HOME_HEADING], { what: "the home screen" });
    }

    /** Shows the section of the paged form that holds `selector`, from its list of sections. */
    async function showSection(selector) {
      await browser.evaluateAsync(async (selector) => {
        const holder = document.querySelector(selector)?.closest(".form-section");
        if (holder?.hidden) {
          document.getElementById(`goto-${holder.id.replace(/^section-/, "")}`).click();
          await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
        }
      }, selector);
    }

    async function openReferral() {
      // A draft left by an earlier journey would ask for its passphrase first.
      await browser.evaluate(() => {
        for (const key of Object.keys(localStorage)) if (key.startsWith("confidant.draft.")) localStorage.removeItem(key);
      });
      await browser.click("#open-refer");
      await browser.waitForSelector("#section-metadata");
    }

    /** Fills the referral as an adult's, shares everything, and goes on to the review. */
    async function fillReferral(prefix) {
      const answered = await browser.evaluateAsync(fillInPage, prefix, ADULT);
      await browser.evaluateAsync(shareWithAll, SHARING);
      await checkAnswers();
      await browser.waitForSelector("#seal-and-send");
      return answered;
    }

    /**
     * Presses `selector` until `effect` (a selector) shows, at most three times: an
     * engine's WebDriver now and then loses a click on a page still laying out, and in a
     * frame as tall as its content, whose height the partner's page follows, a click can
     * land while the frame is being resized. `inFrame`: the button is first brought into
     * view (scrolling the partner's page too), and the third try is the button's own
     * click() from a script (WebKitWebDriver loses one of these clicks in a frame every
     * time). Pressing again is safe: each button either moves on or disables itself.
     */
    async function pressUntil(selector, effect, { inFrame = false } = {}) {
      for (let attempt = 1; ; attempt++) {
        if (inFrame) {
          await browser.evaluate((button) => document.querySelector(button).scrollIntoView({ block: "center" }),
            selector);
        }
        if (inFrame && attempt === 3) {
          await browser.evaluate((button) => document.querySelector(button).click(), selector);
        } else {
          await browser.click(selector);
        }
        try {
          await browser.waitFor((shown) => document.querySelector(shown), [effect],
            { timeout: 15_000, what: `${effect} after pressing ${selector}` });
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    }

    /** Presses "Review and send" until the review or the error summary shows. */
    async function checkAnswers({ inFrame = false } = {}) {
      await pressUntil("#check-answers", "#seal-and-send, .error-summary", { inFrame });
    }

    /** On the review: the police unit sends to the shelter. */
    async function sealForShelter() {
      await browser.waitForSelector("#recipient-0");
      await browser.evaluateAsync(async () => {
        const frame = () => new Promise((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
        const sender = document.getElementById("sender");
        const option = [...sender.options].find((candidate) => candidate.textContent.startsWith("Police unit"));
        sender.value = option.value;
        sender.dispatchEvent(new Event("change", { bubbles: true }));
        await frame();
        const box = [...document.querySelectorAll("input[type=checkbox]")]
          .find((candidate) => candidate.labels?.[0]?.textContent.startsWith("Shelter North ("));
        if (!box.checked) box.click();
      });
      await browser.click("#seal-and-send");
    }

    journey("the app opens", async () => {
      await openApp();
      assert.equal(await browser.evaluate(() => document.documentElement.dataset.confidant), "started");
    });

    journey("the quick exit leaves by its button and by Escape twice", async () => {
      for (const leave of [() => browser.click("#quick-exit"), () => browser.press(KEY.Escape, KEY.Escape)]) {
        const before = proxy.neutralVisits;
        await openApp();
        await openReferral();
        await leave();
        await browser.waitFor(() => document.title === "Weather", [], { what: "the neutral page" });
        assert.equal(await browser.currentUrl(), proxy.neutralPage);
        assert.equal(proxy.neutralVisits, before + 1);
      }
    });

    journey("the identification checklist, filled in, gives its outcome", async () => {
      await openApp();
      await browser.click("#open-identify");
      await browser.waitForSelector("#section-context");
      const answered = await browser.evaluateAsync(fillInPage, "CANARY-identify", {});
      assert.ok(answered.length > 40, `only ${answered.length} answered`);
      const outcome = await browser.waitFor(() => document.getElementById("outcome-summary")?.textContent, [],
        { what: "the outcome" });
      assert.ok(outcome.length > 0);
      // Every indicator answered yes: a strong one prompts a referral.
      await browser.waitForSelector("#prompt-referral");
    });

    journey("a referral is sealed, delivered, and opens with `confidant open`; its canaries go nowhere else", async () => {
      const canary = `CANARY-${engine}-referral`;
      const before = (await inbox(server.url, shelter)).length;
      proxy.traffic.length = 0;
      await openApp();
      await openReferral();
      // A phone shows its number keyboard for the phone number, `@` for the address.
      assert.deepEqual(await browser.evaluate(() => ["referrer_phone", "referrer_email"]
        .map((id) => document.getElementById(`field-${id}`).type)), ["tel", "email"]);
      await fillReferral(canary);
      await sealForShelter();
      await browser.waitForSelector('#outbox li[data-delivery="delivered"]', { timeout: 60_000 });
      const packets = await inbox(server.url, shelter);
      assert.equal(packets.length, before + 1);
      const payload = openPacket(shelter, packets.at(-1));
      assert.ok(JSON.stringify(payload.answers).includes(canary), "the canary is not in the packet");
      assert.equal(payload.form.id, "referral");
      // Nowhere else: the page's traffic, the origin's storage, the address, the server.
      assert.ok(!proxy.traffic.some((request) => request.includes(canary)), `${canary} went over the network`);
      assert.ok(!(await browser.evaluateAsync(everythingStored)).includes(canary), `${canary} is in browser storage`);
      assert.ok(!(await browser.currentUrl()).includes("CANARY"));
      for (const file of ["confidant.sqlite", "confidant.sqlite-wal"]) {
        let stored = "";
        try { stored = readFileSync(`${data.dir}/${file}`, "latin1"); } catch { /* not written */ }
        assert.ok(!stored.includes(canary), `${canary} is in the server's ${file}`);
      }
    });

    journey("a partner's page holds the form in its frame: the form's own module runs, fills, and sends to the partner's agency alone", async () => {
      const canary = `CANARY-${engine}-embed`;
      let partnerPage = "";
      const partnerServer = createServer((request, response) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(partnerPage);
      });
      await new Promise((resolve) => partnerServer.listen(0, "127.0.0.1", resolve));
      const origin = `http://127.0.0.1:${partnerServer.address().port}`;
      try {
        const partner = (more) => execFileSync(BIN, ["partner", ...more, "--data", data.dir, "--origin", origin,
          "--form", "referral"], { encoding: "utf8" });
        partner(["add", "--name", "Hotline", `--to=${shelter.jwk.kid}`]);
        const snippet = partner(["snippet", "--url", server.url.replace(/\/$/, "")]);
        partnerPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Report</title></head>
<body><h1>Report a concern</h1>${snippet}</body></html>`;
        const before = (await inbox(server.url, shelter)).length;
        await browser.goto(`${origin}/`);
        await browser.waitForSelector("iframe[data-confidant-embed]");
        await browser.frame("iframe[data-confidant-embed]");
        await browser.waitFor(() => document.documentElement.dataset.confidant === "started"
          && document.getElementById("section-progress"), [], { what: "the embedded form" });
        // The form's own module runs the frame; the app's is never fetched.
        const modules = await browser.evaluate(() => performance.getEntriesByType("resource")
          .map((entry) => new URL(entry.name).pathname).filter((path) => /\.(wasm|js)$/.test(path)));
        assert.ok(modules.includes("/embed_bg.wasm"), modules.join(" "));
        assert.ok(!modules.some((path) => path.includes("confidant-web")), modules.join(" "));
        await browser.evaluateAsync(fillInPage, canary, ADULT);
        await browser.evaluateAsync(shareWithAll, SHARING);
        await checkAnswers({ inFrame: true });
        assert.equal(await browser.evaluate(() => document.querySelector(".error-summary")?.innerText ?? ""), "");
        // Sealing, or already an outcome: the sent notice, the undelivered one, or a failure.
        const outcome = "#embed-sent, #embed-not-delivered, .error[role=alert]";
        await pressUntil("#seal-and-send", `#sealing, ${outcome}`, { inFrame: true });
        const shown = await browser.waitFor((found) => document.querySelector(found)
          && `${document.querySelector(found).id}: ${document.querySelector(found).innerText}`, [outcome],
          { timeout: 60_000, what: "the outcome" });
        assert.match(shown, /^embed-sent:/);
        await browser.frame(null);
        const packets = await inbox(server.url, shelter);
        assert.equal(packets.length, before + 1);
        assert.ok(JSON.stringify(openPacket(shelter, packets.at(-1)).answers).includes(canary));
        // The partner's page and its origin's storage hold nothing of it.
        assert.ok(!(await browser.evaluate(() => document.documentElement.outerHTML)).includes(canary));
        assert.ok(!(await browser.evaluateAsync(everythingStored)).includes(canary));
      } finally {
        await browser.frame(null).catch(() => {});
        await new Promise((resolve) => partnerServer.close(resolve));
      }
    });

    journey("the inbox arrives as a module of its own, its buttons answer, and leaving unmounts it", async () => {
      await openApp();
      await browser.click("#open-inbox");
      await browser.waitForSelector("#unlock-form");
      const modules = await browser.evaluate(() => performance.getEntriesByType("resource")
        .map((entry) => new URL(entry.name).pathname).filter((path) => /\.(wasm|js)$/.test(path)));
      assert.ok(["/inbox.js", "/inbox-loader.js", "/inbox_bg.wasm"].every((path) => modules.includes(path)),
        modules.join(" "));
      // A click inside the inbox reaches the inbox's module, not the app's.
      await browser.click("#create-keyring");
      await browser.waitForSelector("#keyring-form");
      await browser.click("#close-keyring");
      await browser.waitForSelector("#unlock-form");
      await browser.click(".brand-link");
      await homeShown();
      assert.equal(await browser.evaluate(() => document.querySelector("#unlock-form, .inbox-module")), null);
    });

    journey("a draft is kept sealed, survives a reload and reopens with its passphrase", async () => {
      await openApp();
      await openReferral();
      await showSection("#field-subject_names");
      await browser.type("#field-subject_names", `CANARY-${engine}-draft`);
      await browser.click("#draft-keep > summary");
      // The panel is a module of its own, fetched as the fold opens.
      await browser.waitForSelector("#draft-label");
      await browser.type("#draft-label", `CANARY-${engine}-label`);
      await browser.type("#draft-passphrase", "read it to nobody");
      await browser.type("#draft-passphrase-again", "read it to nobody");
      await browser.click("#keep-draft");
      await browser.waitForSelector("#draft-kept", { timeout: 120_000 });
      await browser.waitFor(() => Object.keys(localStorage).some((key) => key.startsWith("confidant.draft.person.")));
      assert.ok(!(await browser.evaluateAsync(everythingStored)).includes("CANARY"));
      await browser.refresh();
      await homeShown();
      await browser.click("#open-refer");
      await browser.waitForSelector("#open-draft");
      assert.equal(await browser.evaluate(() => document.getElementById("field-subject_names").value), "");
      await browser.type("#draft-passphrase", "read it to nobody");
      await browser.click("#open-draft");
      await browser.waitForSelector("#draft-list .resume-draft", { timeout: 120_000 });
      assert.equal(await browser.evaluate(() => document.querySelector("#draft-list .draft-label").textContent),
        `CANARY-${engine}-label`);
      await browser.click("#draft-list .resume-draft");
      await browser.waitForSelector("#draft-kept");
      assert.equal(await browser.evaluate(() => document.getElementById("field-subject_names").value),
        `CANARY-${engine}-draft`);
    });

    journey("axe-core finds no WCAG 2.1 A or AA violation on the home screen or the referral", async () => {
      await openApp();
      assert.deepEqual(await axeViolations(browser), []);
      await openReferral();
      await browser.evaluateAsync(fillInPage, "Answer", ADULT);
      // Render the sections left unrendered off screen (content-visibility), so that axe
      // checks every one.
      await browser.evaluate(() => {
        for (const section of document.querySelectorAll(".form-section")) section.style.contentVisibility = "visible";
      });
      assert.deepEqual(await axeViolations(browser), []);
    });

    journey("the outbox keeps a packet through an outage and a reload, and delivers it once", async () => {
      const before = (await inbox(server.url, shelter)).length;
      await openApp();
      await openReferral();
      await fillReferral(`CANARY-${engine}-outage`);
      await browser.waitForSelector("#recipient-0");
      proxy.down = true;
      try {
        await sealForShelter();
        await browser.waitForSelector('#outbox li[data-delivery="waiting"]');
        // Reloaded where it stands (WebKit times out a second navigation to the page it
        // is still reloading).
        await browser.refresh();
        await homeShown();
      } finally {
        proxy.down = false;
      }
      await browser.click("#open-outbox");
      await browser.waitForSelector('#outbox li[data-delivery="delivered"]', { timeout: 90_000 });
      assert.equal((await inbox(server.url, shelter)).length, before + 1);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal((await inbox(server.url, shelter)).length, before + 1);
    });

    /** Runs `body` with `feature` taken away from the page (proxy.mjs, BREAKS). */
    async function without(feature, body) {
      proxy.breaking = feature;
      try {
        await body();
      } finally {
        proxy.breaking = null;
      }
    }

    journey("without WebAssembly the page says the app cannot start, and its quick exit still leaves", () => without("webassembly", async () => {
      await browser.goto(proxy.url);
      await browser.waitForSelector("#boot-failed");
      assert.equal(await browser.evaluate(() => typeof window.WebAssembly), "undefined");
      await browser.click("#boot-quick-exit");
      await browser.waitFor(() => document.title === "Weather", [], { what: "the neutral page" });
    }));

    journey("with workers blocked a draft is still kept sealed, and the page says what that changes", () => without("workers", async () => {
      await openApp();
      await openReferral();
      await showSection("#field-subject_names");
      await browser.type("#field-subject_names", `CANARY-${engine}-no-worker`);
      // The plain rule, without zxcvbn's worker: four words and 20 characters.
      await browser.click("#draft-keep > summary");
      await browser.waitForSelector("#draft-label");
      await browser.type("#draft-label", "no worker");
      await browser.type("#draft-passphrase", "quiet harbour lamps glow at dusk");
      await browser.type("#draft-passphrase-again", "quiet harbour lamps glow at dusk");
      await browser.click("#keep-draft");
      await browser.waitForSelector("#draft-kept", { timeout: 120_000 });
      await browser.waitForSelector("#workers-unavailable");
      await browser.waitFor(() => Object.keys(localStorage).some((key) => key.startsWith("confidant.draft.person.")));
      assert.ok(!(await browser.evaluateAsync(everythingStored)).includes("CANARY"));
    }));

    journey("without Trusted Types the app works, and the policy still refuses an injected script", () => without("trusted-types", async () => {
      await openApp();
      assert.equal(await browser.evaluate(() => typeof window.trustedTypes), "undefined");
      await openReferral();
      await browser.click("#draft-keep > summary");
      await browser.waitForSelector("#draft-label");
      await browser.type("#draft-label", "no trusted types");
      await browser.type("#draft-passphrase", "read it to nobody");
      await browser.type("#draft-passphrase-again", "read it to nobody");
      await browser.click("#keep-draft");
      await browser.waitForSelector("#draft-kept", { timeout: 120_000 });
      // The workers started from plain URLs: nothing fell back.
      assert.equal(await browser.evaluate(() => document.getElementById("workers-unavailable")), null);
      const ran = await browser.evaluateAsync(() => new Promise((resolve) => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true;";
        document.body.append(script);
        setTimeout(() => resolve(window.injected === true), 200);
      }));
      assert.equal(ran, false, "an inline script ran");
    }));

    journey("without Intl.DisplayNames the lists offer the codes, and a referral still reaches its review", () => without("intl-display-names", async () => {
      await openApp();
      await openReferral();
      // The nationality is asked once the referral's type is chosen.
      await browser.evaluateAsync(fillInPage, `CANARY-${engine}-no-intl`, ADULT);
      const philippines = await browser.evaluate(() =>
        [...document.querySelectorAll("#field-nationality option")].find((option) => option.value === "PH")?.textContent);
      assert.equal(philippines, "PH");
      await fillReferral(`CANARY-${engine}-no-intl`);
    }));
  });
}
