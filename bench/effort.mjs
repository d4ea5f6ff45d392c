// How much a worker does on a phone for the standard case (tests/e2e/standard-case.mjs):
// one adult referred to a shelter, every required question answered through the pages
// by touch, then sealed and sent. Prints the taps and keystrokes, the taps that only
// move between pages, and what the dates the app gives (today) would have cost typed,
// next to the figures measured on the one-page referral before the pages (issue 11:
// 97 taps and 647 keystrokes, counted by hand for a case of its own; target at most
// half the keystrokes).
//
// usage: node bench/effort.mjs   (CONFIDANT_BIN and CONFIDANT_DIST as for the tests)
import { confidantAgency, scratch, withServer } from "../tests/e2e/referral.mjs";
import { answerThroughPages, sealByTouch } from "../tests/e2e/standard-case.mjs";
import { launchChromium, openApp } from "../tests/e2e/support.mjs";

const BEFORE = { taps: 97, keystrokes: 647 };

const keys = scratch("confidant-effort-");
const browser = await launchChromium();
try {
  await withServer(browser, async (data) => ({
    outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo"),
    shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
  }), async ({ server, page }) => {
    await openApp(page, server.url);
    await page.locator("#open-refer").tap();
    await page.locator("#section-metadata").waitFor();
    const { taps, keystrokes, answered, nexts, started } = await answerThroughPages(page);
    const review = await sealByTouch(page, "Outreach team", "Shelter North");
    await page.locator('#outbox li[data-delivery="delivered"]').first().waitFor({ timeout: 30_000 });
    const total = taps + review.taps;
    console.log("The standard case on a phone (360 x 740, touch): one adult referred to a shelter, required questions only");
    console.log(`taps: ${total} (${nexts} of them "Next"), before the pages ${BEFORE.taps}: ${(total / BEFORE.taps).toFixed(2)}x`);
    console.log(`keystrokes: ${keystrokes}, before the pages ${BEFORE.keystrokes}: ${(keystrokes / BEFORE.keystrokes).toFixed(2)}x (target at most 0.5x)`);
    console.log(`answers given: ${answered.length}; dates the app gave as today: ${started} (typed, they would be ${started * 8} keystrokes and ${started} taps more)`);
    console.log("(the figures before were counted by hand on the one-page referral for a case of their own; these are the scripted case's)");
  }, { context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } });
} finally {
  await browser.close();
  keys.remove();
}
