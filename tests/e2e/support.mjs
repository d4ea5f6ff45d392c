// What every end-to-end test needs: the real `confidant serve` process on a free
// loopback port, and Debian's Chromium driven by playwright-core.
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
export async function startServer({ dist = DIST, args: extraArgs = [] } = {}) {
  const data = mkdtempSync(join(tmpdir(), "confidant-e2e-"));
  const child = spawn(
    BIN,
    ["serve", "--listen", "127.0.0.1:0", "--data", data, "--static", dist, ...extraArgs],
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
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile and no background traffic. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "confidant-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
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
  });
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
