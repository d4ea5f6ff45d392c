// The path to a sealed referral that the benches walk, as a worker on a first visit takes
// it: the app opened, "Refer", the referral filled by keyboard, sealed by one agency for
// another, and the packet delivered. bench/shell.mjs counts the bytes it receives and
// bench/usage.mjs the code it runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NEUTRAL_PAGE, openApp, startServer } from "../tests/e2e/support.mjs";
import { confidantAgency, fillReferral, openReferral, scratch, sealFor } from "../tests/e2e/referral.mjs";

/**
 * `confidant serve` of `dist` with a directory of two agencies, the sender and the
 * recipient of the path, for as long as `use(server)` runs.
 */
export async function withTwoAgencies(dist, use) {
  const keys = scratch("confidant-bench-path-");
  const data = mkdtempSync(join(tmpdir(), "confidant-bench-path-data-"));
  confidantAgency(keys.dir, data, "Outreach team", "ngo");
  confidantAgency(keys.dir, data, "Shelter North", "shelter");
  const server = await startServer({ dist, data });
  try {
    return await use(server);
  } finally {
    await server.stop();
    rmSync(data, { recursive: true, force: true });
    keys.remove();
  }
}

/**
 * Walks `page` along the path on `server`: `started()` is awaited once the home screen
 * is up with the app running, and the walk ends when the packet is delivered.
 */
export async function walkToSealed(page, server, started = async () => {}) {
  await openApp(page, server.url);
  await started();
  await openReferral(page);
  await fillReferral(page);
  await sealFor(page, "Outreach team", ["Shelter North"]);
  await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 60_000 });
}

/**
 * The path as walkToSealed walks it, with what a worker may do at any moment of it and
 * that must never wait for code to arrive: the page asked to unload with answers in it
 * (the question before leaving, `beforeunload`, dispatched in place), and at the end the
 * quick exit, by Escape twice or by its button. The neutral page answers 204 No Content,
 * which leaves the page where it is, to be read once the exit has run.
 *
 * With `outage`, the server is out of reach from the seal on: every request to it is
 * refused, as by a server that has stopped, until the outbox shows a retry; then the
 * browser is offline for a moment and comes back online (the `offline` and `online`
 * events), the server answers again, and the packet is delivered. Code that runs while
 * the server cannot be reached can never be fetched then.
 */
export async function walkAndLeave(page, server, { started = async () => {}, byButton = false, outage = false } = {}) {
  await page.route(`${NEUTRAL_PAGE}**`, (route) => route.fulfill({ status: 204 }));
  await openApp(page, server.url);
  await started();
  await openReferral(page);
  await fillReferral(page);
  await page.evaluate(() => window.dispatchEvent(new Event("beforeunload", { cancelable: true })));
  const unreachable = `${server.url}**`;
  if (outage) {
    await page.locator("#recipient-0").waitFor();
    await page.route(unreachable, (route) => route.abort("connectionrefused"));
  }
  await sealFor(page, "Outreach team", ["Shelter North"]);
  if (outage) {
    await page.locator('#outbox li[data-delivery="waiting"]').waitFor();
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector("#outbox li .delivery")?.textContent ?? ""));
    await page.context().setOffline(true);
    await page.waitForTimeout(1500);
    await page.unroute(unreachable);
    await page.context().setOffline(false);
  }
  await page.locator('#outbox li[data-delivery="delivered"]').waitFor({ timeout: 60_000 });
  const leaving = page.waitForRequest((request) => request.url().startsWith(NEUTRAL_PAGE));
  if (byButton) {
    // By the pointer, which does not wait for the navigation that 204 leaves pending.
    const { x, y, width, height } = await page.locator("#quick-exit").boundingBox();
    await page.mouse.click(x + width / 2, y + height / 2);
  } else {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
  }
  await leaving;
}
