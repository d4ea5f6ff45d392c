// The identification checklist in the release build: loaded from the server on demand,
// answered with the keyboard alone, and free of WCAG 2.1 A and AA violations by axe-core.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { ARTIFACTS, openApp, startServer } from "./support.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Presses Tab until the focus is on `#id`; fails after `limit` presses. */
async function tabTo(page, id, limit = 40) {
  for (let i = 0; i < limit; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached #${id}`);
}

test("the checklist is answered with the keyboard alone", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openApp(page, server.url);
  const historyAtStart = await page.evaluate(() => history.length);

  // Home: Tab to "Identify" and press Enter.
  await page.keyboard.press("Tab");
  for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.innerText ?? "")).startsWith("Identify"); i++) {
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Identification checklist" }).waitFor();

  // The heading has the focus; Tab leads into the form. The age question is a radio
  // group: arrows move the choice, which answers it.
  await tabTo(page, "field-age_group-0");
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.id), "field-age_group-2");
  await page.locator("#section-child").waitFor();

  // A strong indicator, by keyboard: the prompt to refer appears.
  await tabTo(page, "field-dr_job-0", 80);
  await page.keyboard.press("Space");
  await page.locator("#prompt-referral").waitFor();

  // "Check answers" by keyboard: the summary of what is missing takes the focus.
  await page.getByRole("button", { name: "Check answers" }).focus();
  await page.keyboard.press("Enter");
  await page.locator(".error-summary").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.className), "error-summary");
  // Nothing the worker did changed the address or the history.
  assert.equal(page.url(), server.url);
  assert.equal(await page.evaluate(() => history.length), historyAtStart);
  await context.close();
});

for (const [language, rtl] of [["en", false], ["fr", false], ["es", false], ["ar", true]]) {
  test(`the checklist in ${language} has no WCAG 2.1 A or AA violation, and is saved as a screenshot`, async () => {
    // Injecting axe needs an inline script, which the app's policy rightly refuses.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.selectOption("#language", language);
    assert.equal(await page.getAttribute("html", "dir"), rtl ? "rtl" : "ltr");
    assert.equal(await page.getAttribute("html", "lang"), language);
    await page.click("#open-identify");
    await page.locator("#section-context").waitFor();
    // Not yet checked by a native speaker: the form says so.
    assert.equal(await page.locator(".notice").count(), language === "en" ? 0 : 1);
    await page.click("#field-age_group-2");
    await page.locator("#section-child").waitFor();
    await page.click("#check-answers");
    await page.locator(".error-summary").waitFor();

    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const results = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return results.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target})`);
    });
    assert.deepEqual(violations, []);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/identification-${language}.png`, fullPage: true });
    await context.close();
  });
}
