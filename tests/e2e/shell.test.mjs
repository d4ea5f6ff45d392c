// The release build of the app, served by the real server, in headless Chromium.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, launchChromium, NEUTRAL_PAGE, openApp, serveNeutralPage, startServer } from "./support.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await serveNeutralPage(browser);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the quick exit by keyboard leaves nothing to go back to", async () => {
  const page = await browser.newPage();
  await openApp(page, server.url);
  await page.getByRole("button", { name: /Identify/ }).click();
  await page.getByRole("heading", { name: "Identification checklist" }).waitFor();
  // An answer in memory.
  await page.getByLabel("Uncertain").check();
  // Something another script could have left in this tab's session storage.
  await page.evaluate(() => sessionStorage.setItem("left-behind", "canary-7f3a"));

  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.waitForURL(`${NEUTRAL_PAGE}**`);

  await page.goBack();
  const url = page.url();
  assert.ok(!url.startsWith(server.url), `back returned to the app: ${url}`);
  const body = await page.evaluate(() => document.body?.innerText ?? "");
  assert.ok(!body.includes("Identification checklist"), "the previous screen is still visible");

  // The same tab, back on the app's origin: session storage was cleared on exit.
  await page.goto(`${server.url}api/v1/health`);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await page.close();
});

test("the quick exit button is on every screen and works", async () => {
  const page = await browser.newPage();
  await openApp(page, server.url);
  for (const [screen, heading] of [
    ["Identify", "Identification checklist"],
    ["Refer", "Refer"],
    ["Inbox", "Inbox"],
    ["Group checklists", "Group checklists"],
  ]) {
    await page.getByRole("button", { name: new RegExp(screen) }).click();
    await page.getByRole("heading", { name: heading }).waitFor();
    assert.ok(await page.getByRole("button", { name: /Quick exit/ }).isVisible());
    await page.getByRole("button", { name: "Confidant" }).click();
  }
  await page.getByRole("button", { name: /Quick exit/ }).click();
  await page.waitForURL(`${NEUTRAL_PAGE}**`);
  await page.close();
});

test("the page loads under the server's real headers with no violation or error", async () => {
  // A context of its own that lets the service worker register, as a worker's browser
  // does: its registration goes through Trusted Types too.
  const chromium = await launchChromium();
  const context = await chromium.newContext({ serviceWorkers: "allow" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__violations = window.__violations ?? [];
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  // Each script the page runs, with what the browser said it was for and the policy it
  // came with.
  const scripts = [];
  page.on("response", async (answer) => {
    if (new URL(answer.url()).pathname.endsWith(".js")) {
      const dest = (await answer.request().allHeaders())["sec-fetch-dest"];
      const policy = (await answer.allHeaders())["content-security-policy"];
      scripts.push({ name: new URL(answer.url()).pathname, dest, policy });
    }
  });

  const response = await page.goto(server.url);
  const headers = response.headers();
  const csp = headers["content-security-policy"];
  assert.ok(csp, "no Content-Security-Policy header");
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\s\*/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(headers["x-frame-options"], "DENY");
  assert.equal(headers["referrer-policy"], "no-referrer");
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.ok(headers["permissions-policy"]?.includes("camera=()"));

  await page.waitForSelector('html[data-confidant="started"]', { timeout: 60_000 });
  await page.getByRole("button", { name: /Identify/ }).click();
  await page.getByRole("heading", { name: "Identification checklist" }).waitFor();

  // Every asset the page loads is pinned by Subresource Integrity.
  const unpinned = await page.evaluate(() =>
    [...document.querySelectorAll("script[src], link[href]")]
      // A data: address is its own content: there is nothing to fetch or to tamper with.
      .filter((element) => !element.integrity && !(element.src || element.href).startsWith("data:"))
      .map((element) => element.outerHTML),
  );
  assert.deepEqual(unpinned, []);
  const wasm = await page.evaluate(
    () => performance.getEntriesByType("resource").filter((entry) => entry.name.endsWith(".wasm")).length,
  );
  assert.ok(wasm >= 1, "the WebAssembly module was not loaded");

  assert.deepEqual(await page.evaluate(() => window.__violations ?? []), []);
  assert.deepEqual(problems, []);
  // The boot script and the glue run in the page, under its policy: they arrive with the
  // short one (about 500 bytes less each), which would bind only a worker they started.
  const inPage = scripts.filter(({ dest }) => dest === "script");
  for (const prefix of ["/boot-", "/confidant-web-"]) {
    assert.ok(inPage.some(({ name }) => name.startsWith(prefix)), `${prefix} not among ${JSON.stringify(scripts)}`);
  }
  for (const { name, policy } of inPage) {
    assert.equal(policy, "default-src 'none'; frame-ancestors 'none'", name);
  }
  // The service worker registered and took the page over, with no violation either.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  assert.deepEqual(await page.evaluate(() => window.__violations ?? []), []);
  await chromium.close();
});

test("a browser without WebAssembly gets an explanation", async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    delete window.WebAssembly;
  });
  await page.goto(server.url);
  await page.getByRole("heading", { name: "Confidant cannot start in this browser" }).waitFor();
  assert.equal(await page.getAttribute("html", "data-confidant"), "failed");
  await page.close();
});

test("a module that fails to load gets an explanation", async () => {
  const page = await browser.newPage();
  await page.route("**/*.wasm", (route) => route.fulfill({ status: 500, body: "" }));
  await page.goto(server.url);
  await page.getByRole("heading", { name: "Confidant cannot start in this browser" }).waitFor();
  await page.close();
});

test("a WebAssembly module that differs from the one built is refused", async () => {
  const page = await browser.newPage();
  let tampered = false;
  await page.route("**/*.wasm", async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] ^= 0x01;
    tampered = true;
    await route.fulfill({ response, body });
  });
  await page.goto(server.url);
  await page.getByRole("heading", { name: "Confidant cannot start in this browser" }).waitFor();
  assert.ok(tampered);
  assert.equal(await page.locator("#app h1").count(), 0, "the tampered module ran");
  await page.close();
});

test("the shell fits a 320 px wide screen", async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 320, height: 640 });
  await openApp(page, server.url);
  for (const [screen, heading] of [[null, null], ["Identify", "Identification checklist"]]) {
    if (screen) {
      await page.getByRole("button", { name: new RegExp(screen) }).click();
      await page.getByRole("heading", { name: heading }).waitFor();
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(overflow, 0, "the page scrolls sideways at 320 px");
    assert.ok(await page.getByRole("button", { name: /Quick exit/ }).isVisible());
  }
  await page.close();
});


for (const [where, options] of [
  ["", {}],
  [" (phone, touch)", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }],
]) test(`leaving with answers that would be lost asks first, and the quick exit never does${where}`, async () => {
  const chromium = await launchChromium();
  const context = await chromium.newContext(options);
  await serveNeutralPage(context);
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.type());
    await dialog.dismiss();
  });
  try {
    await openApp(page, server.url);
    // Nothing answered: a reload goes ahead without a question.
    await page.reload();
    await page.waitForSelector('html[data-confidant="started"]');
    assert.deepEqual(dialogs, []);
    await page.getByRole("button", { name: /Identify/ }).click();
    await page.getByLabel("Uncertain").check();
    // The answer has reached the shell once the next frame is painted.
    await page.evaluate(() => new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0))));
    // An answer that no draft keeps: the browser asks, and staying keeps it.
    await page.reload({ timeout: 5_000 }).catch(() => {});
    assert.deepEqual(dialogs, ["beforeunload"]);
    assert.ok(await page.getByLabel("Uncertain").isChecked(), "the answer was lost");
    // The quick exit leaves at once.
    await page.locator("#quick-exit").click();
    await page.waitForURL(`${NEUTRAL_PAGE}**`);
    assert.deepEqual(dialogs, ["beforeunload"]);
  } finally {
    await chromium.close();
  }
});
