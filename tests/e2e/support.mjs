// What every end-to-end test needs: the real `confidant serve` process on a free
// loopback port, and Debian's Chromium driven by playwright-core.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BIN = process.env.CONFIDANT_BIN ?? "target/debug/confidant";
export const DIST = process.env.CONFIDANT_DIST ?? "dist";
export const ARTIFACTS = process.env.CONFIDANT_ARTIFACTS ?? "test-results";

/** Where the page's quick exit goes (index.html); the tests answer it themselves. */
export const NEUTRAL_PAGE = "https://www.bbc.com/weather";

/**
 * Starts `confidant serve` with a fresh data folder and resolves once it prints the
 * address it listens on. `dist` is the built app to serve, `args` more options.
 * `stop()` ends it and removes the folder.
 */
export async function startServer({ dist = DIST, args: extraArgs = [], data: given, listen = "127.0.0.1:0" } = {}) {
  // A data folder given by the test is the test's to remove; a fresh one is removed here.
  const data = given ?? mkdtempSync(join(tmpdir(), "confidant-e2e-"));
  const child = spawn(
    BIN,
    ["serve", "--listen", listen, "--data", data, "--static", dist, ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const match = output.match(/serving (http:\/\/\S+\/)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    data,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      if (!given) {
        rmSync(data, { recursive: true, force: true });
      }
    },
  };
}

/** How every test and bench runs Debian's Chromium: headless, no background traffic. */
export const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/**
 * Debian's Chromium, each page in a context of its own (`browser.newContext()`).
 *
 * A context blocks service workers unless it asks for them (`serviceWorkers: "allow"`):
 * once the app's worker controls a page, it answers from its own cache, out of reach of
 * the routes tests use to hold back, rewrite or break a file. The tests of the offline
 * app ask for it.
 */
export async function launchChromium() {
  const browser = await chromium.launch(CHROMIUM_OPTIONS);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => newContext({ serviceWorkers: "block", ...options });
  return browser;
}

/** Debian's Chromium with a fresh persistent profile, removed when it closes (no service workers). */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "confidant-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, { ...CHROMIUM_OPTIONS, serviceWorkers: "block" });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    rmSync(profile, { recursive: true, force: true });
  };
  return browser;
}

/** Answers the neutral page locally: the machines that run the tests have no internet. */
export async function serveNeutralPage(context) {
  await context.route(`${NEUTRAL_PAGE}**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/html",
      body: "<!DOCTYPE html><title>Weather</title><h1>Weather</h1>",
    }),
  );
}

/** Opens the app and waits until the WebAssembly shell has rendered. */
export async function openApp(page, url) {
  await page.goto(url);
  await page.waitForSelector('html[data-confidant="started"]', { timeout: 60_000 });
  await page.getByRole("heading", { name: "What do you need to do?" }).waitFor();
}

/**
 * Chooses the interface's language in the picker of `page` (or of a frame) and waits until
 * the page is in it: every language but English arrives as a file (lang/TAG.txt) first.
 */
export async function chooseLanguage(page, tag) {
  await page.locator("#language").selectOption(tag);
  await page.locator(`html[lang="${tag}"]`).waitFor({ state: "attached", timeout: 30_000 });
  await page.locator("#language").evaluate((select, tag) => new Promise((resolve) => {
    const check = () => (select.value === tag ? resolve() : requestAnimationFrame(check));
    check();
  }), tag);
}

/** Two animation frames: the app records a choice once the browser has painted it. */
export const settle = (page) => page.evaluate(() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))));

/**
 * The control `selector` of a paged form, on screen: once it is in the page, the section
 * that holds it is shown, through the list of sections, as a worker would jump to it.
 */
export async function shown(page, selector) {
  // A screen just opened may still be loading its form: the control comes first.
  await page.locator(selector).first().waitFor({ state: "attached" });
  const section = await page.evaluate((selector) => {
    const holder = document.querySelector(selector)?.closest(".form-section");
    return holder?.hidden ? holder.id.replace(/^section-/, "") : null;
  }, selector);
  if (section !== null) {
    await page.evaluate(() => { document.querySelector(".pager-list").open = true; });
    await page.locator(`#goto-${section}`).click();
    await page.locator(`#section-${section}`).waitFor();
    // After the next paint the app moves the focus to where the worker now is. Waiting for
    // it keeps that move from taking the focus away from a control the test then focuses
    // and types into (a draft test once kept "CA" of a typed "CANARY-draft-org" on a
    // loaded machine; the race is not reproduced, even at 20x CPU throttling).
    await page.waitForFunction(() => document.activeElement?.id === "section-progress");
  }
  return page.locator(selector);
}

/**
 * Answers every question the form shows, section by section ("Next" by keyboard), from
 * the focus down to the form's check button, by keyboard: the first choice of each radio group and of each set of checkboxes
 * (Space), the first entry of a list (ArrowDown), a date, a time, a number, and for text
 * `text(n)` (n counts the questions answered). Questions that appear because of an
 * answer come after it, so the walk reaches them too. Returns the answered field ids.
 *
 * `choose` picks another path where the first answers would lead elsewhere: by field id,
 * the index of the choice of a radio group (reached with the arrows), or what to type.
 * `onSection` runs on each section once it is answered, before "Next".
 */
export async function fillByKeyboard(page, text = (n) => `Answer ${n}`, choose = {}, { onSection, frame } = {}) {
  // The form may be in a frame (an embedded form): the keys go to the page, which hands
  // them to whatever has the focus, and the form is read in its frame.
  const scope = frame ?? page;
  const answered = new Set();
  for (let presses = 0; presses < 3000; presses++) {
    await page.keyboard.press("Tab");
    const focus = await scope.evaluate(() => {
      const element = document.activeElement;
      return { id: element?.id ?? "", tag: element?.tagName ?? "", type: element?.type ?? "",
        name: element?.name ?? "" };
    });
    if (focus.id === "check-answers") {
      await onSection?.();
      return answered;
    }
    if (focus.id === "section-next") {
      await onSection?.();
      const before = await scope.locator("#section-progress").innerText();
      await page.keyboard.press("Enter");
      await settle(scope);
      if ((await scope.locator("#section-progress").innerText()) === before) {
        const missing = await scope.locator(".error-summary li").allInnerTexts();
        throw new Error(`"Next" stayed on ${before}: ${missing.join("; ")}`);
      }
      continue;
    }
    const field = focus.id.replace(/^field-/, "").replace(/(-\d+)+$/, "");
    if (!focus.id.startsWith("field-")) continue;
    // Tab moves between the parts of a date (month, day, year) within its input.
    if ((focus.type === "date" || focus.type === "datetime-local") && answered.has(field)) continue;
    // Tab only goes forward: coming back to an answered question means a question that
    // appeared took the focus away (it once did, when the page moved elements about).
    if (focus.type !== "radio" && focus.type !== "checkbox" && answered.has(field)) {
      throw new Error(`the focus came back to ${field}, already answered`);
    }
    if (focus.type === "radio") {
      // A needs matrix has one radio group per need.
      if (answered.has(focus.name)) continue;
      answered.add(focus.name);
      if (typeof choose[field] === "number" && choose[field] > 0) {
        for (let i = 0; i < choose[field]; i++) await page.keyboard.press("ArrowDown");
      } else {
        await page.keyboard.press("Space");
      }
    } else if (focus.type === "checkbox") {
      if (answered.has(field)) continue;
      answered.add(field);
      await page.keyboard.press("Space");
    } else if (focus.tag === "SELECT") {
      answered.add(field);
      await page.keyboard.press("ArrowDown");
    } else if (focus.type === "date") {
      answered.add(field);
      await page.keyboard.type("01022026");
    } else if (focus.type === "datetime-local") {
      answered.add(field);
      // The year takes up to six digits: an arrow moves on to the time.
      await page.keyboard.type("01022026");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.type("1030A");
    } else if (focus.type === "number") {
      answered.add(field);
      await page.keyboard.type(typeof choose[field] === "string" ? choose[field] : "3");
    } else if (focus.tag === "TEXTAREA" || ["text", "tel", "email"].includes(focus.type)) {
      answered.add(field);
      await page.keyboard.type(text(answered.size, field));
    }
    await settle(scope);
  }
  throw new Error("the walk through the form never reached its check button");
}

/**
 * Makes every page of `target` (a page or a browser context) keep each WebAssembly
 * instance it makes, in `window.__confidantTestInstances`; call it before the page loads.
 * `inMemory` reads their memories, and bench/usage.mjs the marks of its marked module.
 * The DevTools protocol's own way to find them, `Runtime.queryObjects`, crashes Chromium's
 * renderer (version 156) once the page holds a module that exports a funcref table, as
 * the app's split module does.
 */
export async function keepInstances(target) {
  await target.addInitScript(() => {
    const kept = [];
    Object.defineProperty(window, "__confidantTestInstances", { value: kept });
    const keep = (instance) => {
      kept.push(instance);
      return instance;
    };
    const NativeInstance = WebAssembly.Instance;
    WebAssembly.Instance = new Proxy(NativeInstance, {
      construct: (native, args) => keep(Reflect.construct(native, args)),
    });
    for (const name of ["instantiate", "instantiateStreaming"]) {
      const native = WebAssembly[name];
      WebAssembly[name] = async (...args) => {
        const result = await native.apply(WebAssembly, args);
        keep(result instanceof NativeInstance ? result : result.instance);
        return result;
      };
    }
  });
}

/**
 * Which of `needles` are in the page's memory:
 * - `wasm`: anywhere in the linear memory of a WebAssembly module of the page (the app's
 *   heap, where a referral read in the inbox lives while it is open), of the
 *   instances kept by `keepInstances`;
 * - `heap`: in a V8 heap snapshot, read through the DevTools protocol (JavaScript's own
 *   objects, after a garbage collection).
 * A heap snapshot does not hold the bytes of an ArrayBuffer, so it cannot see the
 * module's memory: the two are read apart.
 */
export async function inMemory(page, needles) {
  const wasm = await page.evaluate((needles) => {
    const instances = window.__confidantTestInstances;
    if (!instances) return null;
    const memories = new Set(instances.flatMap((instance) => Object.values(instance.exports))
      .filter((value) => value instanceof WebAssembly.Memory));
    const found = new Set();
    for (const memory of memories) {
      // Each memory read as one Latin-1 string: the needles are ASCII, and a string
      // search is far faster than a byte loop over tens of MiB.
      const text = new TextDecoder("latin1").decode(new Uint8Array(memory.buffer));
      for (const needle of needles) if (text.includes(needle)) found.add(needle);
    }
    return { memories: memories.size, found: [...found] };
  }, needles);
  assert.ok(wasm, "the page was opened without keepInstances, so its memory cannot be read");
  assert.ok(wasm.memories > 0, "the page has no WebAssembly memory to read");
  const cdp = await page.context().newCDPSession(page);
  try {
    const chunks = [];
    cdp.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => chunks.push(chunk));
    await cdp.send("HeapProfiler.enable");
    await cdp.send("HeapProfiler.collectGarbage");
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    const snapshot = chunks.join("");
    return { wasm: wasm.found, heap: needles.filter((needle) => snapshot.includes(needle)) };
  } finally {
    await cdp.detach();
  }
}

/**
 * Waits until the element `id` has the keyboard focus (so that a screen reader is not
 * left on nothing when what the worker tapped makes way for something else), and says
 * where the focus is instead when it never comes.
 */
export async function focusOn(page, id, when) {
  await page.waitForFunction((id) => document.activeElement?.id === id, id, { timeout: 5_000 }).catch(async () => {
    const on = await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    assert.fail(`${when}, the focus is on ${on}, not on #${id}`);
  });
}
