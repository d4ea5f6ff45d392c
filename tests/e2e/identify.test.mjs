// The identification checklist in the release build: loaded from the server on demand,
// and answered with the keyboard alone, from the home screen to the error summary.
// (tests/e2e/forms.test.mjs fills every form in every language and runs axe-core.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusOn, launchChromium, openApp, settle, shown, startServer } from "./support.mjs";

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
  // With a keyboard and a mouse, the quick exit says it answers Esc twice.
  assert.equal(await page.locator("#quick-exit-hint").isVisible(), true);

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
  await page.locator("#section-child").waitFor({ state: "attached" });
  assert.match(await page.locator("#section-progress").innerText(), /^Section 1 of 11: /);

  // "Next" checks the section first: what it still needs is listed, and only that (the
  // date of identification starts as today). The summary takes the focus, and its link
  // to a radio group focuses the group's first choice.
  await tabTo(page, "section-next", 80);
  await page.keyboard.press("Enter");
  await page.locator(".error-summary").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.className), "error-summary");
  const missing = await page.locator(".error-summary li").allInnerTexts();
  assert.equal(missing.length, 2, missing.join("; "));
  assert.match(missing[0], /^Sex/);
  assert.match(await page.locator("#section-progress").innerText(), /^Section 1 of 11: /);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "field-sex-0", null, { timeout: 5_000 });
  await page.keyboard.press("Space");
  await tabTo(page, "field-age_disputed-0", 40);
  await page.keyboard.press("Space");
  await settle(page);
  await page.locator(".error-summary").waitFor({ state: "detached" });

  // Now "Next" goes on to the next section and says where the worker is; a strong
  // indicator two sections on brings the prompt to refer.
  await tabTo(page, "section-next", 80);
  await page.keyboard.press("Enter");
  await page.locator("#section-act").waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "section-progress", null, { timeout: 5_000 });
  assert.match(await page.locator("#section-progress").innerText(), /^Section 2 of 11: /);
  // The list of sections jumps past one not yet answered.
  await page.locator(".pager-list summary").click();
  await page.locator("#goto-dr").click();
  await page.locator("#section-dr").waitFor();
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

/** The value of every control of the page's forms: what a screen shows as answered. */
const shownAnswers = (page) => page.evaluate(() =>
  [...document.querySelectorAll(".form input, .form select, .form textarea")]
    .filter((control) => (control.type === "radio" || control.type === "checkbox") ? control.checked : control.value !== "")
    .map((control) => control.id));

/** Today on the page's clock, as a date input holds it. */
const today = (page) => page.evaluate(() => {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
});

/** Opens the checklist from home and answers the age (adult) and one indicator (Yes). */
async function beginChecklist(page) {
  await page.locator("#open-identify").click();
  await page.locator("#section-context").waitFor();
  await page.locator("#field-age_group-0").check();
  await settle(page);
  await (await shown(page, "#field-dr_job-0")).check();
  await settle(page);
}

test("the remaining questions are marked Not asked in one tap, and one tap takes it back", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await openApp(page, server.url);
  await beginChecklist(page);
  // The date of identification starts as today.
  const before = await shownAnswers(page);
  assert.deepEqual(before, ["field-id_date", "field-age_group-0", "field-dr_job-0"]);
  assert.equal(await page.locator("#field-id_date").inputValue(), await today(page));

  // As a person does, scroll down to the button and tap it once the page is still: the
  // sections skipped on the way (content-visibility) take their real height only once
  // they are near the screen, and a tap in the middle of that lands elsewhere.
  for (let i = 0; i < 3; i++) {
    await page.locator("#mark-not-asked").scrollIntoViewIfNeeded();
    await settle(page);
  }
  await page.locator("#mark-not-asked").tap();
  await page.locator("#marked-not-asked").waitFor();
  const marked = await shownAnswers(page);
  // Every other yes/no question shown is now Not asked (its fourth choice); the child
  // module stays hidden for an adult, and the choices and dates stay unanswered.
  const notAsked = marked.filter((id) => id.endsWith("-3"));
  assert.equal(notAsked.length, marked.length - before.length);
  assert.ok(notAsked.length > 40, `only ${notAsked.length} questions marked`);
  assert.ok(marked.includes("field-dr_job-0") && marked.includes("field-age_group-0"));
  assert.ok(!marked.some((id) => /^field-c\d+-/.test(id)), "a hidden child question was marked");
  assert.match(await page.locator("#marked-not-asked").innerText(), new RegExp(`^${notAsked.length} questions`));
  // Nothing is left to mark.
  assert.equal(await page.locator("#mark-not-asked").count(), 0);

  // One question answered again after the marking keeps its answer through the undo.
  await (await shown(page, "#field-cr_violence-1")).check();
  await settle(page);
  await page.locator("#undo-not-asked").scrollIntoViewIfNeeded();
  await settle(page);
  await page.locator("#undo-not-asked").tap();
  await page.locator("#marked-not-asked").waitFor({ state: "detached" });
  assert.deepEqual(await shownAnswers(page), [...before, "field-cr_violence-1"]);
  assert.equal(await page.locator("#mark-not-asked").count(), 1);
  await context.close();
});

test("\"New person\" leaves nothing of the last one, and asks first when answers would be lost", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openApp(page, server.url);
  await beginChecklist(page);
  await page.locator("#start-referral").click();
  await page.locator("#section-metadata").waitFor();
  // Carried forward by "Start a referral".
  assert.equal(await (await shown(page, "#field-age_group-0")).isChecked(), true);
  await (await shown(page, "#field-subject_names")).fill("CANARY-previous-person");

  // From home: the question comes first, and "No" keeps everything.
  await page.locator(".brand-link").click();
  await page.locator("#new-person").click();
  await page.locator("#new-person-start").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "new-person-cancel");
  await page.locator("#new-person-cancel").click();
  // The question makes way for the button that asked it, which takes the focus back.
  await focusOn(page, "new-person", "after New person was cancelled");
  await page.locator("#open-refer").click();
  assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "CANARY-previous-person");

  await page.locator(".brand-link").click();
  await page.locator("#new-person").click();
  await page.locator("#new-person-start").click();
  // The checklist opens empty, with no error list or outcome of the last person.
  await page.getByRole("heading", { name: "Identification checklist" }).waitFor();
  await page.locator("#section-context").waitFor();
  assert.deepEqual(await shownAnswers(page), ["field-id_date"]);
  assert.equal(await page.locator("#field-id_date").inputValue(), await today(page));
  assert.equal(await page.locator(".error-summary").count(), 0);
  // The referral opened from home starts empty too, and the page holds no trace.
  await page.locator(".brand-link").click();
  assert.equal(await page.locator("#new-person").count(), 0, "New person offered with nobody begun");
  await page.locator("#open-refer").click();
  await page.locator("#section-metadata").waitFor();
  // Nothing but its dates about today.
  for (const id of await shownAnswers(page)) {
    assert.equal(await page.locator(`#${id}`).inputValue(), await today(page), id);
  }
  assert.ok((await shownAnswers(page)).includes("field-identification_date"));
  assert.ok(!(await page.content()).includes("CANARY"));
  await context.close();
});
