// The quick exit is the one control that must work wherever the worker is on the page:
// every built-in form, in every language, on a phone (360 × 740, touch) and on a desktop,
// scrolled anywhere. At each place the button must be the topmost element at its own
// centre (a form section once painted over it, so that a tap ticked an answer instead),
// and a real tap there must leave the app. Before the WebAssembly has arrived, the boot
// page's own quick exit must do the same.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, NEUTRAL_PAGE, openApp, serveNeutralPage, startServer, chooseLanguage } from "./support.mjs";

const LANGUAGES = ["en", "fr", "es", "ar"];
const FORMS = [
  { id: "identification", open: ["open-identify"], first: "section-context" },
  { id: "referral", open: ["open-refer"], first: "section-metadata" },
  { id: "group-framework", open: ["open-groups", "open-group-framework"], first: "section-setup" },
  { id: "group-agreement", open: ["open-groups", "open-group-agreement"], first: "section-protocol" },
];
const DEVICES = [
  { name: "phone", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
  { name: "desktop", viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
];
/** Scroll positions tried on each section of each form, as fractions of its scrollable height. */
const POSITIONS = 8;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** What is painted at the centre of `selector`, described, unless it is that button. */
function coveredAt(page, selector) {
  return page.evaluate((selector) => {
    const button = document.querySelector(selector);
    if (!button) return "no quick exit button";
    const box = button.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return "the quick exit button is not shown";
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    const top = document.elementFromPoint(x, y);
    if (top === button || button.contains(top)) return null;
    const describe = (element) => element
      ? `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${element.className ? `.${String(element.className).replace(/ /g, ".")}` : ""}`
      : "nothing";
    return `${describe(top)} (in ${describe(top?.closest("fieldset, section, main"))})`;
  }, selector);
}

async function scrollTo(page, fraction) {
  await page.evaluate((fraction) => {
    const height = document.documentElement.scrollHeight - window.innerHeight;
    window.scrollTo(0, Math.round(height * fraction));
  }, fraction);
  // Two frames: content-visibility lays out sections as they come into view.
  await page.evaluate(() => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * Each section of the paged form in turn, through its list of sections: `visit(id)` runs
 * with that section shown. Returns the scrollable heights of the sections.
 */
async function eachSection(page, visit = async () => {}) {
  const entries = await page.evaluate(() => [...document.querySelectorAll(".pager-section")].map((entry) => entry.id));
  const heights = [];
  for (const entry of entries) {
    await page.evaluate((entry) => document.getElementById(entry).click(), entry);
    await page.evaluate(() => new Promise((resolve) =>
      requestAnimationFrame(() => requestAnimationFrame(resolve))));
    heights.push(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight));
    await visit(entry);
  }
  return heights;
}

async function openForm(page, form) {
  for (const id of form.open) {
    await page.locator(`#${id}`).click();
  }
  await page.locator(`#${form.first}`).waitFor();
}

async function tapCentre(page, selector) {
  const box = await page.locator(selector).boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
}

for (const device of DEVICES) {
  test(`${device.name}: the quick exit is topmost at every scroll position of every form in every language`, async () => {
    const context = await browser.newContext({ viewport: device.viewport, isMobile: device.isMobile,
      hasTouch: device.hasTouch });
    const page = await context.newPage();
    const problems = [];
    for (const language of LANGUAGES) {
      await openApp(page, server.url);
      await chooseLanguage(page, language);
      for (const form of FORMS) {
        await openForm(page, form);
        const heights = await eachSection(page, async (entry) => {
          for (let i = 0; i <= POSITIONS; i++) {
            await scrollTo(page, i / POSITIONS);
            const covered = await coveredAt(page, "#quick-exit");
            if (covered) problems.push(`${form.id} ${language} ${entry} at ${i}/${POSITIONS}: ${covered}`);
          }
        });
        const scrolled = heights.reduce((sum, height) => sum + height, 0);
        assert.ok(scrolled > device.viewport.height, `${form.id} in ${language} hardly scrolls`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.locator(".brand-link").click();
      }
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [n, form] of FORMS.entries()) {
    // Each form in a language of its own, so that every language is tapped through.
    const language = LANGUAGES[n % LANGUAGES.length];
    test(`${device.name}: a tap on the quick exit, scrolled into ${form.id} (${language}), leaves the app`, async () => {
      const context = await browser.newContext({ viewport: device.viewport, isMobile: device.isMobile,
        hasTouch: true });
      await serveNeutralPage(context);
      const page = await context.newPage();
      await openApp(page, server.url);
      await chooseLanguage(page, language);
      await openForm(page, form);
      // The longest section: the most to scroll through.
      const heights = await eachSection(page);
      const longest = heights.indexOf(Math.max(...heights));
      await page.evaluate((n) => document.querySelectorAll(".pager-section")[n].click(), longest);
      await scrollTo(page, 0.37);
      assert.ok(await page.evaluate(() => window.scrollY) > 0, "the page did not scroll");
      const before = await page.evaluate(() =>
        [...document.querySelectorAll("input")].filter((input) => input.checked).length);
      await tapCentre(page, "#quick-exit");
      await page.waitForURL(`${NEUTRAL_PAGE}**`, { timeout: 10_000 }).catch(async () => {
        const after = await page.evaluate(() =>
          [...document.querySelectorAll("input")].filter((input) => input.checked).length);
        assert.fail(`the tap did not leave the app (answers ticked before: ${before}, after: ${after})`);
      });
      await page.goBack().catch(() => {});
      assert.ok(!page.url().startsWith(server.url), `back returned to the app: ${page.url()}`);
      await context.close();
    });
  }
}

test("before the WebAssembly arrives, the loading page has a quick exit that works by tap and by Escape", async () => {
  for (const way of ["tap", "escape"]) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true,
      hasTouch: true });
    await serveNeutralPage(context);
    // The module never arrives: the page stays on its loading screen.
    let held = 0;
    await context.route("**/*.wasm", () => { held++; });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator("#boot-loading").waitFor();
    assert.notEqual(await page.getAttribute("html", "data-confidant"), "started");
    assert.equal(await coveredAt(page, "#boot-quick-exit"), null);
    if (way === "tap") {
      await tapCentre(page, "#boot-quick-exit");
    } else {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Escape");
    }
    await page.waitForURL(`${NEUTRAL_PAGE}**`, { timeout: 10_000 });
    assert.ok(held >= 1, "the module was never requested");
    await page.goBack().catch(() => {});
    assert.ok(!page.url().startsWith(server.url), `back returned to the app: ${page.url()}`);
    await context.close();
  }
});

test("phone: the header is one short row and every answer is a target of at least 44 x 44 px", async () => {
  const context = await browser.newContext(DEVICES[0]);
  const page = await context.newPage();
  const problems = [];
  for (const language of LANGUAGES) {
    await openApp(page, server.url);
    await chooseLanguage(page, language);
    for (const form of FORMS) {
      await openForm(page, form);
      const header = await page.evaluate(() => document.querySelector(".shell-header").getBoundingClientRect().height);
      if (header > 64) problems.push(`${form.id} ${language}: the header is ${header} px tall`);
      const small = await page.evaluate(() => [...document.querySelectorAll(".form-section")]
        .flatMap((section) => {
          section.style.contentVisibility = "visible";
          return [...section.querySelectorAll(".option")];
        })
        .map((option) => option.getBoundingClientRect())
        .filter((box) => box.height > 0 && (box.height < 44 || box.width < 44)).length);
      if (small > 0) problems.push(`${form.id} ${language}: ${small} answers smaller than 44 x 44 px`);
      await page.locator(".brand-link").click();
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});
