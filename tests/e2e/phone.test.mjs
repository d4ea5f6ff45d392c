// A referral on a phone (360 × 740, touch), through the pages, from the home screen to
// a packet in the shelter's inbox: the standard case of tests/e2e/standard-case.mjs,
// with its taps and keystrokes counted. They may not grow unnoticed: a change that adds
// a tap or a keystroke to the case changes the ceiling below, in the open.
// bench/effort.mjs prints the same figures.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { confidantAgency, inbox, openPacket, scratch, withServer } from "./referral.mjs";
import { answerThroughPages, sealByTouch } from "./standard-case.mjs";
import { focusOn, launchChromium, openApp, shown } from "./support.mjs";

/** The standard case's counts (referral 1.5.0: the type follows the consent, the receiving organisation is the recipient). */
const CEILING = { taps: 87, keystrokes: 223 };

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-phone-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

test("phone: a referral through the pages by touch reaches the shelter, its taps and keystrokes counted, and the next one sends for the same agency", () => withServer(browser, async (data) => ({
  outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
}), async ({ server, page, agencies: { shelter } }) => {
  await openApp(page, server.url);
  // "or press Esc twice" is for keyboards: a phone does not show it.
  assert.equal(await page.locator("#quick-exit-hint").isVisible(), false);
  await page.locator("#open-refer").tap();
  await page.locator("#section-metadata").waitFor();
  const { taps, keystrokes, answered } = await answerThroughPages(page);
  const review = await sealByTouch(page, "Outreach team", "Shelter North");
  await page.locator('#outbox li[data-delivery="delivered"]').first().waitFor({ timeout: 30_000 });
  const [packet] = await inbox(server.url, shelter);
  const payload = openPacket(shelter, packet);
  assert.equal(payload.answers.subject_names, "Maria Santos");
  // The receiving organisation is the agency chosen at review, never typed.
  assert.equal(payload.answers.receiving_organisation, "Shelter North");
  assert.ok(!answered.includes("receiving_organisation"));
  // The dates about today were given by the app, never typed.
  assert.ok(!answered.includes("identification_date") && payload.answers.identification_date);

  const total = { taps: taps + review.taps, keystrokes };
  console.log(`standard case on a phone: ${total.taps} taps, ${total.keystrokes} keystrokes, ${answered.length} answers given`);
  assert.ok(total.taps <= CEILING.taps, `${total.taps} taps, more than the ${CEILING.taps} of the standard case`);
  assert.ok(total.keystrokes <= CEILING.keystrokes,
    `${total.keystrokes} keystrokes, more than the ${CEILING.keystrokes} of the standard case`);

  // The next person's referral: the review already sends on behalf of the same agency.
  await page.locator(".brand-link").tap();
  await page.locator("#open-refer").tap();
  await page.locator("#section-metadata").waitFor();
  await answerThroughPages(page);
  await page.locator("#recipient-0").waitFor();
  assert.match(await page.locator("#sender").evaluate((select) => select.selectedOptions[0].textContent), /^Outreach team/);
  assert.equal((await sealByTouch(page, "Outreach team", "Shelter North")).taps, review.taps - 2);
  await page.locator('#outbox li[data-delivery="delivered"]').nth(1).waitFor({ timeout: 30_000 });
  assert.equal((await inbox(server.url, shelter)).length, 2);
}, { context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } }));

/**
 * The controls shown on the page that are targets smaller than 44 x 44 px (WCAG's
 * enhanced target size): fields, lists, buttons and disclosures, and each choice with its
 * label. A link inside a sentence is not counted, as WCAG does not count it.
 */
function smallTargets(page, where) {
  return page.evaluate((where) => [...document.querySelectorAll("input, select, textarea, button, summary, a")]
    .filter((control) => control.checkVisibility() && !(control.tagName === "A" && control.closest("p, li, dd")))
    .map((control) => {
      const choice = control.type === "radio" || control.type === "checkbox";
      const box = (choice ? control.closest("label") ?? control : control).getBoundingClientRect();
      return { control: `${where}: ${control.tagName.toLowerCase()}#${control.id || control.className}`, width: Math.round(box.width), height: Math.round(box.height) };
    })
    .filter(({ width, height }) => width < 44 || height < 44), where);
}

test("phone: every field, list and button on the way to a sealed referral is a target of at least 44 x 44 px", () => withServer(browser, async (data) => ({
  outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
}), async ({ server, page }) => {
  const small = [];
  await openApp(page, server.url);
  small.push(...await smallTargets(page, "home"));
  await page.locator("#open-refer").tap();
  await page.locator("#section-metadata").waitFor();
  await answerThroughPages(page, {
    eachPage: async () => small.push(...await smallTargets(page, await page.locator("#section-progress").innerText())),
  });
  await page.locator("#recipient-0").waitFor();
  small.push(...await smallTargets(page, "review"));
  await sealByTouch(page, "Outreach team", "Shelter North");
  await page.locator('#outbox li[data-delivery="delivered"]').first().waitFor({ timeout: 30_000 });
  small.push(...await smallTargets(page, "outbox"));
  assert.deepEqual(small, []);
}, { context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } }));

test("phone: the first question or note of the checklist and of the referral is on the first screen, and keeping a draft opens with one tap", () => withServer(browser, async () => ({}), async ({ server, page }) => {
  await openApp(page, server.url);
  for (const [open, section] of [["#open-identify", "#section-context"], ["#open-refer", "#section-metadata"]]) {
    if (await page.locator(".brand-link").count()) await page.locator(".brand-link").tap();
    await page.locator(open).tap();
    // The section's first question, or the form's note that comes before it.
    const first = page.locator(`${section} :is(.field, .info)`).first();
    await first.waitFor();
    const { y } = await first.boundingBox();
    const { height } = page.viewportSize();
    // Its first 44 px, without scrolling.
    assert.ok(y + 44 <= height, `${section}: the first question begins ${Math.round(y)} px down a ${height} px screen`);
    assert.equal(await page.locator("#draft-label").isVisible(), false);
    await page.locator("#draft-keep > summary").tap();
    await page.locator("#draft-label").waitFor();
    // The field takes the focus from the fold that made way for it, so that a screen
    // reader is not left on nothing.
    await focusOn(page, "draft-label", `${section}: after the drafts fold opened`);
  }
}, { context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } }));

test("phone: two drafts for two people, each reopened by its label, and New person leaves nothing of the one before", () => withServer(browser, async () => ({}), async ({ server, page }) => {
  const passphrase = "tea kettle under the bridge";
  const home = async () => {
    if (await page.locator(".brand-link").count()) await page.locator(".brand-link").tap();
  };
  const identify = async () => {
    await home();
    await page.locator("#open-identify").tap();
    await page.locator("#section-context").waitFor();
  };
  const unlock = async () => {
    await page.locator("#draft-passphrase").fill(passphrase);
    await page.locator("#open-draft").tap();
    await page.locator("#draft-list, #drafts-none").first().waitFor({ timeout: 30_000 });
  };
  const checked = async (id) => (await shown(page, `#${id}`)).isChecked();

  // The first person: two answers to the checklist, kept as a draft with a first
  // passphrase, and a name in the referral, which the same draft keeps.
  await openApp(page, server.url);
  await identify();
  await (await shown(page, "#field-sex-0")).tap();
  await (await shown(page, "#field-age_group-0")).tap();
  await page.locator("#draft-keep > summary").tap();
  await page.locator("#draft-label").fill("CANARY-first bus station");
  await page.locator("#draft-passphrase").fill(passphrase);
  await page.locator("#draft-passphrase-again").fill(passphrase);
  await page.locator("#keep-draft").tap();
  await page.locator("#draft-kept", { hasText: "CANARY-first bus station" }).waitFor({ timeout: 30_000 });
  await focusOn(page, "draft-kept", "after a first draft was kept");
  await page.locator(".brand-link").tap();
  await page.locator("#open-refer").tap();
  await (await shown(page, "#field-subject_names")).fill("CANARY-Ana");
  await page.waitForFunction(() => Object.keys(localStorage).filter((key) => key.startsWith("confidant.draft.person.")).length === 1);

  // New person: nothing of the first is left on either form, and the drafts are locked.
  await identify();
  await page.locator("#new-person").tap();
  await page.locator("#section-context").waitFor();
  assert.equal(await checked("field-sex-0"), false);
  assert.equal(await checked("field-age_group-0"), false);
  await page.locator("#open-draft").waitFor();
  await page.locator(".brand-link").tap();
  await page.locator("#open-refer").tap();
  assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "");

  // The second person: other answers, kept as a second draft under the same passphrase
  // (unlocked first, the first person's draft listed by its label only).
  await identify();
  await (await shown(page, "#field-sex-1")).tap();
  await (await shown(page, "#field-age_group-2")).tap();
  await unlock();
  assert.deepEqual(await page.locator("#draft-list .draft-label").allInnerTexts(), ["CANARY-first bus station"]);
  // Opening it now would lose these answers: the app says so instead of offering it.
  await page.locator("#draft-resume-later").waitFor();
  assert.equal(await page.locator("#draft-list .resume-draft").count(), 0);
  await page.locator("#draft-label").fill("CANARY-second market");
  await page.locator("#keep-draft").tap();
  await page.locator("#draft-kept", { hasText: "CANARY-second market" }).waitFor();
  await focusOn(page, "draft-kept", "after a second draft was kept");
  await page.waitForFunction(() => Object.keys(localStorage).filter((key) => key.startsWith("confidant.draft.person.")).length === 2);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes("CANARY"), stored);

  // A reload later: each person comes back by their label, with their own answers.
  await page.reload();
  await page.waitForSelector('html[data-confidant="started"]');
  await identify();
  await unlock();
  assert.deepEqual((await page.locator("#draft-list .draft-label").allInnerTexts()).sort(),
    ["CANARY-first bus station", "CANARY-second market"]);
  await page.locator("#draft-list li", { hasText: "CANARY-second market" }).locator(".resume-draft").tap();
  await page.locator("#draft-kept", { hasText: "CANARY-second market" }).waitFor();
  // Resuming opens the draft's screen again, whose heading takes the focus.
  await focusOn(page, "screen-title", "after a draft was resumed");
  assert.equal(await checked("field-sex-1"), true);
  assert.equal(await checked("field-age_group-2"), true);
  assert.equal(await checked("field-age_group-0"), false);

  await page.locator("#new-person").tap();
  await page.locator("#section-context").waitFor();
  await unlock();
  await page.locator("#draft-list li", { hasText: "CANARY-first bus station" }).locator(".resume-draft").tap();
  await page.locator("#draft-kept", { hasText: "CANARY-first bus station" }).waitFor();
  assert.equal(await checked("field-sex-0"), true);
  assert.equal(await checked("field-age_group-0"), true);
  assert.equal(await checked("field-sex-1"), false);
  await page.locator(".brand-link").tap();
  await page.locator("#open-refer").tap();
  assert.equal(await (await shown(page, "#field-subject_names")).inputValue(), "CANARY-Ana");

  // "Lock now": the sentence that says the drafts are sealed takes the focus from the
  // button that made way for it.
  await (await shown(page, "#lock-draft")).tap();
  await page.locator("#draft-stored").waitFor();
  await focusOn(page, "draft-stored", "after the drafts were locked");
}, { context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } }));
