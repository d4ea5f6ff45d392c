// Every built-in form in every language, in the release build: filled in through the
// interface with the keyboard alone (Tab, Space, arrows and typing, never a click),
// section by section, until checking the answers finds nothing missing. axe-core finds no
// WCAG 2.1 A or AA violation on each section as it is shown, answered, and on the whole
// form at the end, and a screenshot of each is saved. The group agreement's draft document is
// also printed to PDF.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { ARTIFACTS, fillByKeyboard, launchChromium, openApp, settle, startServer, chooseLanguage } from "./support.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const LANGUAGES = [["en", false], ["fr", false], ["es", false], ["ar", true]];
/** English and Arabic are checked on a phone (360 × 740, touch); French and Spanish at
 * desktop width. */
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const SCREEN = { en: PHONE, ar: PHONE };
// Each form, with the home entry (and, for the group's, the list entry) that opens it.
const FORMS = [
  { id: "identification", open: ["open-identify"], first: "section-context" },
  { id: "referral", open: ["open-refer"], first: "section-metadata" },
  { id: "group-framework", open: ["open-groups", "open-group-framework"], first: "section-setup" },
  { id: "group-agreement", open: ["open-groups", "open-group-agreement"], first: "section-protocol" },
];

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

/** Tabs to the entry `id` and presses Enter. */
async function enter(page, id) {
  for (let i = 0; i < 30; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) {
      await page.keyboard.press("Enter");
      return;
    }
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached #${id}`);
}

for (const form of FORMS) {
  for (const [language, rtl] of LANGUAGES) {
    const where = SCREEN[language] ? " at 360 px with touch" : "";
    test(`${form.id} in ${language}${where}: filled in by keyboard, no WCAG 2.1 A/AA violation, screenshot saved`, async () => {
      // Injecting axe needs an inline script, which the app's policy rightly refuses.
      const context = await browser.newContext({ bypassCSP: true, locale: "en-US", ...SCREEN[language] });
      const page = await context.newPage();
      await openApp(page, server.url);
      const historyAtStart = await page.evaluate(() => history.length);
      await chooseLanguage(page, language);
      assert.equal(await page.getAttribute("html", "dir"), rtl ? "rtl" : "ltr");
      assert.equal(await page.getAttribute("html", "lang"), language);
      for (const id of form.open) {
        await enter(page, id);
      }
      await page.locator(`#${form.first}`).waitFor();
      // Not yet checked by a native speaker: the form says so.
      assert.equal(await page.locator("p.notice", { hasText: /native|maternelle|nativ|أصلي/ }).count(),
        language === "en" ? 0 : 1);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "screen-title");

      await page.addScriptTag({ path: AXE });
      const axe = () => page.evaluate(async () => {
        const results = await window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        return results.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target})`);
      });
      let sections = 0;
      const answered = (await fillByKeyboard(page, undefined, {}, {
        onSection: async () => {
          sections += 1;
          const where = await page.locator("#section-progress").innerText();
          assert.deepEqual(await axe(), [], `on ${where}`);
        },
      })).size;
      assert.ok(answered >= 10, `only ${answered} questions answered`);
      // Every section shown was visited and checked, the last one included.
      assert.equal(sections, await page.locator(".pager-section").count());

      // The whole form, every section shown at once as on paper (the print style does
      // the same), for axe and for the screenshot.
      await page.addStyleTag({ content: ".form-section { content-visibility: visible !important; display: block !important; }" });
      await page.evaluate(() => window.scrollTo(0, 0));
      assert.deepEqual(await axe(), []);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/${form.id}-${language}.png`, fullPage: true });

      // From 320 px wide, nothing needs scrolling sideways.
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: 320, height: 640 });
      const [overflow, widest] = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const beyond = [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > width + 0.5)
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${e.className ? `.${e.className}` : ""}`);
        return [document.documentElement.scrollWidth - width, beyond.slice(0, 5)];
      });
      assert.ok(overflow <= 0, `${overflow} px too wide at 320 px: ${widest.join(", ")}`);
      await page.setViewportSize(viewport);

      // The check finds nothing missing (the referral's check leads on to its review).
      await page.locator("#check-answers").focus();
      await page.keyboard.press("Enter");
      await settle(page);
      const missing = await page.locator(".error-summary li").allInnerTexts();
      assert.deepEqual(missing, [], "the keyboard left questions unanswered");
      if (form.id === "referral") {
        await page.locator("#seal-and-send").waitFor();
      }

      if (form.id === "group-agreement") {
        // The draft document, from the answers just given, as the coordinator prints it.
        await page.locator("#show-draft").focus();
        await page.keyboard.press("Enter");
        await page.locator("#draft").waitFor();
        const draft = await page.locator("#draft").innerText();
        assert.match(draft, /Answer 1/);
        await page.emulateMedia({ media: "print" });
        assert.equal(await page.locator(".shell-header").isVisible(), false);
        await page.pdf({ path: `${ARTIFACTS}/group-agreement-draft-${language}.pdf` });
        await page.emulateMedia({ media: "screen" });
      }
      // Nothing the worker did changed the address or the history.
      assert.equal(page.url(), server.url);
      assert.equal(await page.evaluate(() => history.length), historyAtStart);
      await context.close();
    });
  }
}
