// The interface's languages besides English, against the real server: each arrives as a
// file (lang/TAG.txt) only when a worker chooses it, and a file that is not the one built
// (changed by a hostile server or proxy) or that does not come is refused: the interface
// stays in the language it was in, says so, and shows none of the file's words.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DIST, chooseLanguage, launchChromium, openApp, startServer } from "./support.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** A copy of the build in which `change` rewrote lang/fr.txt (or removed it, given null). */
function buildWithFrench(change) {
  const dist = mkdtempSync(join(tmpdir(), "confidant-languages-"));
  cpSync(DIST, dist, { recursive: true });
  const french = join(dist, "lang", "fr.txt");
  for (const variant of [".br", ".gz"]) {
    rmSync(`${french}${variant}`, { force: true });
  }
  const changed = change(readFileSync(french, "utf8"));
  if (changed === null) {
    rmSync(french);
  } else {
    writeFileSync(french, changed);
    execFileSync("node", ["scripts/compress-dist.mjs"], { env: { ...process.env, TRUNK_STAGING_DIR: dist } });
  }
  return dist;
}

test("a language is fetched only when chosen, and the interface then speaks it", async () => {
  const server = await startServer();
  const page = await browser.newPage();
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  try {
    await openApp(page, server.url);
    assert.deepEqual(asked.filter((path) => path.startsWith("/lang/")), []);
    await chooseLanguage(page, "fr");
    await page.getByRole("heading", { name: "Que devez-vous faire ?" }).waitFor();
    await chooseLanguage(page, "ar");
    assert.equal(await page.getAttribute("html", "dir"), "rtl");
    await page.getByRole("button", { name: /خروج سريع/ }).waitFor();
    // Back to French: already read, not fetched again.
    await chooseLanguage(page, "fr");
    await chooseLanguage(page, "en");
    await page.getByRole("heading", { name: "What do you need to do?" }).waitFor();
    assert.deepEqual(asked.filter((path) => path.startsWith("/lang/")), ["/lang/fr.txt", "/lang/ar.txt"]);
  } finally {
    await page.close();
    await server.stop();
  }
});

for (const [what, change] of [
  ["changed after the build", (file) => file.replace("quick_exit = Sortie rapide", "quick_exit = Tapez votre phrase secrète ici")],
  ["missing", () => null],
]) {
  test(`a language file ${what} is refused: the interface stays as it was and says so`, async () => {
    const dist = buildWithFrench(change);
    const server = await startServer({ dist });
    const context = await browser.newContext({ serviceWorkers: "block" });
    const page = await context.newPage();
    try {
      await openApp(page, server.url);
      await page.locator("#language").selectOption("fr");
      await page.locator("#language-unavailable").waitFor();
      assert.match(await page.locator("#language-unavailable").textContent(), /could not be loaded/);
      assert.equal(await page.getAttribute("html", "lang"), "en");
      assert.equal(await page.locator("#language").inputValue(), "en");
      const shown = await page.evaluate(() => document.body.innerText);
      assert.ok(!shown.includes("Tapez") && !shown.includes("Sortie rapide"), "words of the refused file are shown");
      await page.getByRole("heading", { name: "What do you need to do?" }).waitFor();
      // Another language still comes, and the notice goes.
      await chooseLanguage(page, "es");
      assert.equal(await page.locator("#language-unavailable").count(), 0);
    } finally {
      await context.close();
      await server.stop();
      rmSync(dist, { recursive: true, force: true });
    }
  });
}
