// A referral on a phone (360 × 740, touch), through the pages, from the home screen to
// a packet in the shelter's inbox: the standard case of tests/e2e/standard-case.mjs,
// with its taps and keystrokes counted. They may not grow unnoticed: a change that adds
// a tap or a keystroke to the case changes the ceiling below, in the open.
// bench/effort.mjs prints the same figures.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { confidantAgency, inbox, openPacket, scratch, withServer } from "./referral.mjs";
import { answerThroughPages, sealByTouch } from "./standard-case.mjs";
import { launchChromium, openApp } from "./support.mjs";

/** The standard case's counts when this test was written (referral 1.4.0). */
const CEILING = { taps: 89, keystrokes: 236 };

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
  await page.locator("#open-refer").tap();
  await page.locator("#section-metadata").waitFor();
  const { taps, keystrokes, answered } = await answerThroughPages(page);
  const review = await sealByTouch(page, "Outreach team", "Shelter North");
  await page.locator('#outbox li[data-delivery="delivered"]').first().waitFor({ timeout: 30_000 });
  const [packet] = await inbox(server.url, shelter);
  const payload = openPacket(shelter, packet);
  assert.equal(payload.answers.subject_names, "Maria Santos");
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
