// A form embedded in a partner's site, end to end: the real server, Chromium, and a
// partner page on a second origin (a server of its own, on another port) holding the
// snippet `confidant partner snippet` prints. The frame fills by keyboard and its height
// follows; a canary typed in every field reaches no message, request or storage of the
// partner's page; what is sent reaches the fixed agencies and opens with their keys. An
// origin not registered gets no frame, nor does a registered origin for another form; a
// snippet whose pins no longer match refuses to seal; forged messages change nothing; the
// quick exit takes the whole tab away on a press; axe finds nothing in English or Arabic.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { NEUTRAL_PAGE, fillByKeyboard, launchChromium, serveNeutralPage, settle, startServer, chooseLanguage } from "./support.mjs";
import { ADULT, BIN, agreeTo, confidantAgency, inbox, openPacket, scratch } from "./referral.mjs";

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-embed-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** A partner's web server: `page(path)` gives the HTML of each path. */
async function partnerSite(page) {
  const server = createServer((request, response) => {
    const body = page(new URL(request.url, "http://x").pathname);
    response.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    response.end(body ?? "");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The partner's page: its own heading, the snippet, and nothing focusable of its own. */
const partnerPage = (snippet) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Report a concern</title></head><body><h1>Report a concern</h1>${snippet}</body></html>`;

/** Everything the partner's page hears: every message event, on the window, in capture. */
async function listenToMessages(page) {
  await page.addInitScript(() => {
    window.__messages = [];
    window.addEventListener("message", (event) => {
      window.__messages.push({ origin: event.origin, data: JSON.stringify(event.data) });
    }, true);
    window.__completed = 0;
    document.addEventListener("confidant:completed", () => { window.__completed += 1; }, true);
  });
}

async function withSetup(body, contextOptions = {}) {
  const app = await startServer();
  const data = app.data;
  const shelter = confidantAgency(keys.dir, data, "Shelter North", "shelter");
  const police = confidantAgency(keys.dir, data, "Police unit", "police");
  const pages = new Map();
  const partner = await partnerSite((path) => pages.get(path));
  const elsewhere = await partnerSite((path) => pages.get(path));
  const url = app.url.replace(/\/$/, "");
  const run = (args) => execFileSync(BIN, args, { encoding: "utf8" });
  // This partner asked to be told when something was sent (and nothing more).
  run(["partner", "add", "--data", data, "--origin", partner.origin, "--name", "Hotline North",
    "--completed", "--form", "referral", `--to=${shelter.jwk.kid}`, `--to=${police.jwk.kid}`]);
  const snippet = run(["partner", "snippet", "--data", data, "--origin", partner.origin,
    "--form", "referral", "--url", url]);
  pages.set("/", partnerPage(snippet));
  const context = await browser.newContext({ acceptDownloads: true, ...contextOptions });
  await serveNeutralPage(context);
  try {
    await body({ app, url, data, shelter, police, partner, elsewhere, pages, snippet, context, run });
  } finally {
    await context.close();
    await partner.close();
    await elsewhere.close();
    await app.stop();
  }
}

/** The Confidant frame of `page`, once its form is on screen. */
async function confidantFrame(page) {
  await page.locator("iframe[data-confidant-embed]").waitFor();
  const handle = await page.locator("iframe[data-confidant-embed]").elementHandle();
  const frame = await handle.contentFrame();
  await frame.waitForSelector('html[data-confidant="started"]', { timeout: 60_000 });
  await frame.locator("#section-progress").waitFor({ timeout: 60_000 });
  return frame;
}

/** Waits until the browser has refused `page`'s frame: Chromium shows its error page. */
async function refusedFrame(page) {
  await page.locator("iframe[data-confidant-embed]").waitFor();
  for (let tries = 0; tries < 100; tries++) {
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    if (frame?.url().startsWith("chrome-error:")) return;
    if (frame && await frame.evaluate(() => document.documentElement?.getAttribute("data-confidant")).catch(() => null)) {
      throw new Error("the frame was shown");
    }
    await page.waitForTimeout(100);
  }
  throw new Error("the frame was neither refused nor shown");
}

const frameHeight = (page) => page.locator("iframe[data-confidant-embed]").evaluate((frame) => frame.getBoundingClientRect().height);

test("the partner's frame fills by keyboard, resizes, and sends to the fixed agencies; the partner's page learns nothing", () => withSetup(
  async ({ url, shelter, police, partner, context, snippet }) => {
    assert.match(snippet, /integrity="sha384-/);
    const page = await context.newPage();
    await listenToMessages(page);
    const requests = [];
    page.on("request", (request) => {
      if (request.frame() === page.mainFrame()) requests.push(`${request.url()} ${request.postData() ?? ""}`);
    });
    await page.goto(partner.origin);
    const frame = await confidantFrame(page);
    // The visitor sees whose form this is.
    assert.match(await frame.locator("#embed-whose").innerText(),
      new RegExp(`Hotline North \\(${partner.origin.replace("http://", "")}\\).*Shelter North, Police unit`));
    // In a frame, the page for the partner's web team does not show.
    assert.equal(await frame.locator("#embed-snippet").count(), 0);

    // The height follows the content, in steps of 32 px, and the frame never scrolls.
    await page.waitForFunction(() => window.__messages.some((m) => m.data.includes("confidant:embed:height")));
    const first = await frameHeight(page);
    assert.equal(first % 32, 0);
    assert.ok(first >= 320 && first <= 4096, `${first}`);
    const canaries = [];
    const heights = new Set([first]);
    await fillByKeyboard(page, (n) => {
      const canary = `EMBED-CANARY-${n}-f00d`;
      canaries.push(canary);
      return canary;
    }, ADULT, {
      frame,
      onSection: async () => {
        await settle(frame);
        await page.waitForTimeout(300);
        heights.add(await frameHeight(page));
        const scrolls = await frame.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
        assert.ok(scrolls <= 1, `the frame scrolls by ${scrolls} px`);
      },
    });
    assert.ok(heights.size > 1, `the height never changed: ${[...heights]}`);
    await agreeTo(frame, ["identity", "health", "narrative"], ["shelter", "police"]);
    await frame.locator("#check-answers").click();

    // The network drops as it is sent: the visitor is told it was not, and loses nothing.
    await context.route("**/api/v1/packets", (route) => route.abort());
    await frame.locator("#seal-and-send").click();
    await frame.locator("#embed-not-delivered").waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator("#embed-sent").count(), 0);
    const [saved] = await Promise.all([page.waitForEvent("download"), frame.locator("#embed-save").click()]);
    const file = JSON.parse(readFileSync(await saved.path(), "utf8"));
    assert.ok(Array.isArray(file.recipients) && file.ciphertext, "the saved file is not a sealed packet");
    assert.ok(!JSON.stringify(file).includes("EMBED-CANARY"));
    await context.unroute("**/api/v1/packets");
    await frame.locator("#embed-retry").click();
    await frame.locator("#embed-sent").waitFor({ timeout: 30_000 });

    // Sealed for the fixed agencies, each opens its own.
    const [forShelter] = await inbox(url + "/", shelter);
    const [forPolice] = await inbox(url + "/", police);
    assert.ok(forShelter && forPolice, "a fixed agency received nothing");
    const opened = JSON.stringify(openPacket(shelter, forShelter));
    assert.ok(canaries.some((canary) => opened.includes(canary)));
    assert.ok(JSON.stringify(openPacket(police, forPolice)).includes("EMBED-CANARY"));

    // The partner's page heard heights and, as it asked, one bare "completed", only from
    // the app's origin, and no canary.
    await page.waitForFunction(() => window.__completed === 1);
    const messages = await page.evaluate(() => window.__messages);
    assert.ok(messages.length > 0);
    const completed = messages.filter((message) => JSON.parse(message.data).type === "confidant:embed:completed");
    assert.equal(completed.length, 1);
    assert.deepEqual(JSON.parse(completed[0].data), { type: "confidant:embed:completed", version: 1 });
    for (const message of messages) {
      assert.equal(message.origin, url);
      const data = JSON.parse(message.data);
      if (data.type === "confidant:embed:completed") continue;
      assert.deepEqual(Object.keys(data).sort(), ["height", "type", "version"]);
      assert.equal(data.type, "confidant:embed:height");
      assert.equal(data.version, 1);
    }
    const heard = JSON.stringify(messages) + requests.join("\n");
    const stored = await page.evaluate(async () => JSON.stringify({
      local: { ...localStorage }, session: { ...sessionStorage },
      databases: (await indexedDB.databases?.()) ?? [], cookie: document.cookie,
    }));
    for (const canary of canaries) {
      assert.ok(!heard.includes(canary), `the partner's page heard ${canary}`);
      assert.ok(!stored.includes(canary), `the partner's storage holds ${canary}`);
    }
    // Its requests: the page, the script; nothing to the app's API.
    assert.ok(!requests.some((request) => request.includes("/api/")), requests.join("\n"));
  }));

test("no frame for an origin not registered, nor for a registered origin's other form; a snippet whose pins no longer match refuses to seal", () => withSetup(
  async ({ url, data, elsewhere, partner, pages, snippet, context, police }) => {
    const page = await context.newPage();
    // The same snippet on another origin: the browser refuses the frame.
    pages.set("/", partnerPage(snippet));
    await page.goto(elsewhere.origin);
    await refusedFrame(page);
    // The registered origin, framing another form with its partner id.
    pages.set("/other", partnerPage(snippet.replace("/embed/referral?", "/embed/identification?")));
    await page.goto(`${partner.origin}/other`);
    await refusedFrame(page);
    const direct = await fetch(`${url}/embed/identification?${snippet.match(/\?(partner=[^#"]+)/)[1]}`);
    assert.equal(direct.status, 404);
    assert.match(direct.headers.get("content-security-policy"), /frame-ancestors 'none'/);

    // The snippet pins the shelter only, where the server names the police too.
    pages.set("/pinned", partnerPage(snippet.replace(/#pins=[^"]+/, `#pins=${police.jwk.kid}`)));
    await page.goto(`${partner.origin}/pinned`);
    const handle = await page.locator("iframe[data-confidant-embed]").elementHandle();
    const frame = await handle.contentFrame();
    const refused = frame.locator("#embed-refused");
    await refused.waitFor({ timeout: 60_000 });
    assert.match(await refused.innerText(), /not the ones this site's embed code names/);
    assert.equal(await frame.locator("#seal-and-send").count(), 0);

    // The police rotate their key: the server now names the new key for the partner, and
    // the snippet pasted before still pins the former one, so the frame refuses rather
    // than seal to a key the partner never pinned.
    execFileSync(BIN, ["keygen", "--rotate", police.key, "--passphrase-file", police.passphrase]);
    const rotated = execFileSync(BIN, ["agency", "rotate", "--data", data, `--kid=${police.jwk.kid}`, "--key",
      police.key.replace(/\.key$/, ".jwk")], { encoding: "utf8" });
    assert.match(rotated, /pastes the new snippet/);
    await page.goto(partner.origin);
    const staleFrame = await (await page.locator("iframe[data-confidant-embed]").elementHandle()).contentFrame();
    const stale = staleFrame.locator("#embed-refused");
    await stale.waitFor({ timeout: 60_000 });
    assert.match(await stale.innerText(), /not the ones this site's embed code names/);
    assert.equal(await staleFrame.locator("#seal-and-send").count(), 0);
  }));

test("forged messages from the partner's page change nothing; the quick exit takes the whole tab, only on a press", () => withSetup(
  async ({ partner, context }) => {
    const page = await context.newPage();
    await page.goto(partner.origin);
    const frame = await confidantFrame(page);
    const before = await frame.locator("#section-progress").innerText();
    await page.evaluate(() => {
      const target = document.querySelector("iframe[data-confidant-embed]").contentWindow;
      for (const message of [
        { type: "confidant:embed:height", version: 1, height: 4096 },
        { type: "confidant:embed:answers" },
        { type: "confidant:embed:quick-exit" },
        "next",
      ]) target.postMessage(message, "*");
    });
    await page.waitForTimeout(500);
    assert.equal(await frame.locator("#section-progress").innerText(), before);
    assert.equal(page.url(), `${partner.origin}/`);
    // A height message from anywhere but its own frame is ignored by the script.
    const height = await frameHeight(page);
    await page.evaluate(() => window.postMessage({ type: "confidant:embed:height", version: 1, height: 4064 }, "*"));
    await page.waitForTimeout(300);
    assert.equal(await frameHeight(page), height);
    // Without the visitor's press the sandbox keeps the tab: a navigation of the top window
    // tried once any activation has expired (5 s in Chromium) goes nowhere.
    await frame.evaluate((neutral) => new Promise((resolve) => setTimeout(() => {
      try {
        window.top.location.replace(neutral);
      } catch {
        // Refused by the sandbox.
      }
      resolve();
    }, 6000)), NEUTRAL_PAGE);
    await page.waitForTimeout(500);
    assert.equal(page.url(), `${partner.origin}/`);
    // The visitor's press takes the whole tab to the neutral page.
    await page.goto(partner.origin);
    await (await confidantFrame(page)).locator(".quick-exit").click();
    await page.waitForURL(`${NEUTRAL_PAGE}**`, { timeout: 10_000 });
  }));

test("<confidant-form> makes the same sandboxed frame, and never puts the form in the partner's page", () => withSetup(
  async ({ url, partner, pages, snippet, context }) => {
    const src = snippet.match(/<iframe src="([^"]+)"/)[1].replaceAll("&amp;", "&");
    const script = snippet.match(/<script [^>]+><\/script>/)[0];
    pages.set("/element", `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Report</title></head>
<body><h1>Report</h1><confidant-form src="${src}" title="Referral form"></confidant-form>${script}</body></html>`);
    const page = await context.newPage();
    await page.goto(`${partner.origin}/element`);
    const frame = await confidantFrame(page);
    assert.ok(frame.url().startsWith(`${url}/embed/referral?partner=`));
    const made = await page.locator("confidant-form iframe").evaluate((element) => ({
      sandbox: element.getAttribute("sandbox"), referrer: element.getAttribute("referrerpolicy"),
      allow: element.getAttribute("allow"), title: element.title,
    }));
    assert.equal(made.sandbox, snippet.match(/sandbox="([^"]+)"/)[1]);
    assert.equal(made.referrer, "no-referrer");
    assert.equal(made.allow, "");
    assert.equal(made.title, "Referral form");
    // The partner's DOM holds the frame and nothing of the form.
    assert.equal(await page.locator("#section-progress, input, select, textarea").count(), 0);

    // Opened in a tab of its own, the embed page shows the partner's web team the very
    // snippet the command line printed.
    const tab = await context.newPage();
    const scriptFetched = [];
    tab.on("request", (request) => {
      if (request.url().includes("/embed/v1.js")) scriptFetched.push(request.url());
    });
    await tab.goto(src);
    await tab.locator("#embed-snippet").waitFor();
    // A visitor who never opens it never fetches the script the snippet pins.
    await settle(tab);
    assert.deepEqual(scriptFetched, []);
    await tab.locator("#embed-snippet").click();
    const code = tab.locator("#embed-snippet-code");
    await code.waitFor();
    assert.equal((await code.textContent()).trim(), snippet.trim());
    assert.match(snippet, /title="Hotline North"/);
  }));

test("on a phone (360 px, touch) the frame fits the partner's page and fills by tapping; it loads the form's own module, not the app's", () => withSetup(
  async ({ url, partner, context }) => {
    const page = await context.newPage();
    const modules = [];
    page.on("request", (request) => {
      if (request.url().startsWith(url) && /\.(wasm|js)$/.test(new URL(request.url()).pathname)) {
        modules.push(new URL(request.url()).pathname);
      }
    });
    await page.goto(partner.origin);
    const frame = await confidantFrame(page);
    // The embed page loads the embedded form's module (src/bin/embed.rs) and none of the
    // app's, whose name Trunk gives as confidant-web-HASH.
    assert.ok(modules.includes("/embed_bg.wasm"), modules.join(" "));
    assert.ok(!modules.some((path) => path.includes("confidant-web")), modules.join(" "));
    // Nothing scrolls sideways, in the frame or the partner's page.
    const sideways = (target) => target.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await sideways(page), 0);
    assert.equal(await sideways(frame), 0);
    // The quick exit is on screen, and a field takes a tap and the keyboard.
    const exit = await frame.locator(".quick-exit").boundingBox();
    assert.ok(exit && exit.width >= 44 && exit.height >= 44, JSON.stringify(exit));
    const field = frame.locator("#app input:not([type=hidden]), #app textarea").first();
    await field.tap();
    await page.keyboard.type("x");
    assert.ok(await field.evaluate((element) => element === document.activeElement));
  }, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }));

test("the frame: no WCAG 2.1 A/AA violation in English and Arabic", () => withSetup(
  async ({ partner, context }) => {
    const page = await context.newPage();
    await page.goto(partner.origin);
    const frame = await confidantFrame(page);
    for (const language of ["en", "ar"]) {
      await chooseLanguage(frame, language);
      await settle(frame);
      if (!(await frame.evaluate(() => Boolean(window.axe)))) {
        await frame.addScriptTag({ path: AXE });
      }
      const violations = await frame.evaluate(async () => (await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      })).violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target})`));
      assert.deepEqual(violations, [], language);
    }
  }, { bypassCSP: true }));
