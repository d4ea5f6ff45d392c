// The path to a sealed referral that the benches walk, as a worker on a first visit takes
// it: the app opened, "Refer", the referral filled by keyboard, sealed by one agency for
// another, and the packet delivered. bench/shell.mjs counts the bytes it receives and
// bench/usage.mjs the code it runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, startServer } from "../tests/e2e/support.mjs";
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
