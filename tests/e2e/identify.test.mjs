// The identification checklist in the release build: loaded from the server on demand,
// and answered with the keyboard alone, from the home screen to the error summary.
// (tests/e2e/forms.test.mjs fills every form in every language and runs axe-core.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, openApp, startServer } from "./support.mjs";

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
