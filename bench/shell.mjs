// Measures what a worker receives, not what the build writes: the bytes `confidant serve`
// actually transfers (brotli where the browser asks for it, headers included), in headless
// Chromium at 360 x 740 with touch, the CPU slowed down four times and a slow connection
// (400 kbit/s, 400 ms), next to the minimal Yew app (bench/hello) built and served the
// same way in this run.
//
// - first load: what the first screen needs (the home screen and a working Quick exit).
//   For the app that is the page, its stylesheet and its boot script; the app's module
//   follows in the background. For the minimal app it is everything, since nothing shows
//   before its module runs.
// - time to a working Quick exit and to first render, against the minimal app's first
//   render; and the time until the app itself runs.
// - the whole path to a sealed referral: every byte received from opening the page to a
//   referral sealed and delivered (no service worker: a first visit); and, apart, what the
//   service worker then keeps in the background.
//
// The first load and the whole path are held to bench/budget.json: more than 5% over
// either fails the run (exit 1), so that the download cannot grow by accident.
//
// usage: node bench/shell.mjs APP_DIST HELLO_DIST [--quick]
//   --quick: one load each, to show that the bench runs (the test command uses it); the
//   timings mean little, the transfers and the budget check stand.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { launchChromium, startServer } from "../tests/e2e/support.mjs";
import { BIN, confidantAgency, scratch } from "../tests/e2e/referral.mjs";
import { walkToSealed, withTwoAgencies } from "./path.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const [appDist, helloDist] = args.filter((arg) => !arg.startsWith("--"));
const LOADS = quick ? 1 : Number(process.env.BENCH_LOADS ?? 9);
const THROTTLE = 4;
const SLOW = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Bytes received per request of a page, from the DevTools protocol (headers included). */
async function countTransfers(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map();
  const received = [];
  cdp.on("Network.responseReceived", ({ requestId, response }) => urls.set(requestId, response.url));
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) =>
    received.push({ url: urls.get(requestId) ?? "", bytes: encodedDataLength }));
  return { cdp, received };
}

/**
 * One cold load at phone size, slow CPU and network; times from navigation start. With
 * `frame`, the page is a partner's holding an embedded form: `ready` is looked for in the
 * frame whose address contains `frame`, and its times run from the frame's own navigation
 * start, the embed route's as a partner's visitor gets it.
 */
async function coldLoad(browser, url, { app, ready, choose, frame }) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const { cdp, received } = await countTransfers(context, page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
  await cdp.send("Network.emulateNetworkConditions", SLOW);
  await page.addInitScript(([ready, choose]) => {
    const marks = (window.__marks = {});
    const at = (name) => requestAnimationFrame(() => { marks[name] ??= performance.now(); });
    new MutationObserver(() => {
      const quickExit = document.querySelector("#boot-quick-exit, #quick-exit");
      if (quickExit && !marks.exitSeen) { marks.exitSeen = true; at("quickExit"); }
      if (document.querySelector("h1") && !marks.h1Seen) { marks.h1Seen = true; at("firstRender"); }
      if (document.documentElement.getAttribute("data-confidant") === "started" && !marks.startSeen) {
        marks.startSeen = true;
        at("started");
      }
      // The worker's choice on the first screen, as soon as it can be made.
      const entry = choose && document.querySelector(`[data-open="${choose}"]`);
      if (entry && !marks.chosen) { marks.chosen = true; entry.click(); }
      if (ready && document.querySelector(ready) && !marks.readySeen) {
        marks.readySeen = true;
        at("ready");
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  }, [ready ?? null, choose ?? null]);
  await page.goto(url, { waitUntil: "commit", timeout: 300_000 });
  const done = ready ? "ready" : app ? "started" : "firstRender";
  let measured = page;
  if (frame) {
    const deadline = Date.now() + 300_000;
    while (!(measured = page.frames().find((one) => one.url().includes(frame)))) {
      if (Date.now() > deadline) throw new Error(`no frame at ${frame}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await measured.waitForFunction((name) => window.__marks?.[name] !== undefined, done, { timeout: 300_000 });
  await page.waitForLoadState("networkidle", { timeout: 300_000 }).catch(() => {});
  const marks = await measured.evaluate(() => window.__marks);
  await context.close();
  return { marks, received };
}

/** The first screen's requests: the page, its stylesheet and the boot script. */
const FIRST_SCREEN = /(\/|\/index\.html|\/style-[0-9a-f]+\.css|\/boot-[0-9a-f]+\.js)$/;

async function loads(browser, url, app) {
  const runs = [];
  for (let i = 0; i < LOADS; i++) runs.push(await coldLoad(browser, url, { app }));
  const total = (run, test) => run.received.filter((r) => test(r.url)).reduce((sum, r) => sum + r.bytes, 0);
  return {
    firstLoad: median(runs.map((run) => total(run, (u) => !app || FIRST_SCREEN.test(new URL(u).pathname)))),
    everything: median(runs.map((run) => total(run, () => true))),
    quickExit: median(runs.map((run) => run.marks.quickExit ?? NaN)),
    firstRender: median(runs.map((run) => run.marks.firstRender)),
    started: median(runs.map((run) => run.marks.started ?? run.marks.firstRender)),
  };
}

/**
 * The embed route, as a partner's visitor first opens it: a partner's page (a server of
 * its own, on another port) holding the snippet `confidant partner snippet` prints. The
 * bytes received from Confidant's server (the frame's page and module, the resizing
 * script, what the form fetches) and the time from the frame's navigation start until
 * the form is on screen (its section progress shown), median of the cold loads.
 */
async function embedLoads(browser, appDist) {
  const keys = scratch("confidant-bench-embed-");
  const data = mkdtempSync(join(tmpdir(), "confidant-bench-embed-data-"));
  let partnerPage = "";
  const partner = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(partnerPage);
  });
  await new Promise((resolve) => partner.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${partner.address().port}`;
  const shelter = confidantAgency(keys.dir, data, "Shelter North", "shelter");
  const run = (more) => execFileSync(BIN, ["partner", ...more, "--data", data, "--origin", origin,
    "--form", "referral"], { encoding: "utf8" });
  run(["add", "--name", "Hotline", `--to=${shelter.jwk.kid}`]);
  const server = await startServer({ dist: appDist, data });
  try {
    const snippet = run(["snippet", "--url", server.url.replace(/\/$/, "")]);
    partnerPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Report a concern</title>
</head><body><h1>Report a concern</h1>${snippet}</body></html>`;
    const runs = [];
    for (let i = 0; i < LOADS; i++) {
      runs.push(await coldLoad(browser, `${origin}/`, { app: true, ready: "#section-progress", frame: "/embed/referral" }));
    }
    const fromConfidant = (one) => one.received.filter((r) => r.url.startsWith(server.url));
    return {
      transfer: median(runs.map((one) => fromConfidant(one).reduce((sum, r) => sum + r.bytes, 0))),
      shown: median(runs.map((one) => one.marks.ready)),
    };
  } finally {
    await server.stop();
    await new Promise((resolve) => partner.close(resolve));
    rmSync(data, { recursive: true, force: true });
    keys.remove();
  }
}

/** Every byte received on the way to a sealed, delivered referral, on a first visit. */
function wholePath(browser, appDist) {
  return withTwoAgencies(appDist, async (server) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const { received } = await countTransfers(context, page);
      await walkToSealed(page, server);
      const byPath = new Map();
      for (const { url, bytes } of received.filter(({ url }) => url.startsWith("http"))) {
        const path = new URL(url).pathname;
        byPath.set(path, (byPath.get(path) ?? 0) + bytes);
      }
      return { total: [...byPath.values()].reduce((a, b) => a + b, 0), byPath };
    } finally {
      await context.close();
    }
  });
}

/** What the service worker keeps after a first visit, as its build list says (brotli). */
function precached(appDist) {
  const worker = readFileSync(join(appDist, "service-worker.js"), "utf8");
  const files = JSON.parse(worker.match(/const FILES = (\[[\s\S]*?\]);/)[1]);
  return files.reduce((sum, { url }) => {
    const path = join(appDist, url);
    const body = readFileSync(path);
    return sum + brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }, 0);
}

const browser = await launchChromium();
const appServer = await startServer({ dist: appDist });
const helloServer = await startServer({ dist: helloDist });
try {
  const app = await loads(browser, appServer.url, true);
  const hello = await loads(browser, helloServer.url, false);
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  console.log(`The first load, as confidant serve sends it, at 360 px with touch, CPU ${THROTTLE}x slower,`);
  console.log(`400 kbit/s and 400 ms, median of ${LOADS} cold load(s), next to the minimal Yew app:`);
  console.log(`first-load transfer: app ${kib(app.firstLoad)}, minimal app ${kib(hello.firstLoad)}, ratio ${ratio(app.firstLoad, hello.firstLoad)} (target at most 2x and 100 KiB)`);
  console.log(`time to a working quick exit: app ${app.quickExit.toFixed(0)} ms, against the minimal app's first render ${hello.firstRender.toFixed(0)} ms, ratio ${ratio(app.quickExit, hello.firstRender)} (target at most 1.3x)`);
  console.log(`time to first render: app ${app.firstRender.toFixed(0)} ms, minimal app ${hello.firstRender.toFixed(0)} ms, ratio ${ratio(app.firstRender, hello.firstRender)} (target at most 1.3x)`);
  console.log(`the app running (its module loaded in the background): ${app.started.toFixed(0)} ms, ${kib(app.everything)} received by then`);

  const embed = await embedLoads(browser, appDist);
  const referral = [];
  for (let i = 0; i < LOADS; i++) {
    referral.push(await coldLoad(browser, appServer.url, { app: true, ready: "#section-progress", choose: "refer" }));
  }
  const full = {
    transfer: median(referral.map((one) => one.received.reduce((sum, r) => sum + r.bytes, 0))),
    shown: median(referral.map((one) => one.marks.ready)),
  };
  console.log(`\nThe embed route (/embed/referral in a partner's page on another port), cold, same conditions, until the form is on screen:`);
  console.log(`embed: ${kib(embed.transfer)} received, ${embed.shown.toFixed(0)} ms; the full app with "Refer" tapped on its first screen: ${kib(full.transfer)}, ${full.shown.toFixed(0)} ms;`);
  console.log(`ratio ${ratio(embed.transfer, full.transfer)} in bytes and ${ratio(embed.shown, full.shown)} in time (target at most 1x); the minimal app's first render ${hello.firstRender.toFixed(0)} ms, ratio ${ratio(embed.shown, hello.firstRender)}`);

  const path = await wholePath(browser, appDist);
  console.log(`\nThe whole path to a sealed referral, first visit, every byte received: ${kib(path.total)} (target at most 220 KiB)`);
  for (const [name, bytes] of [...path.byPath].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    console.log(`  ${kib(bytes).padStart(10)}  ${name}`);
  }
  console.log(`then kept by the service worker in the background, at most: ${kib(precached(appDist))} (brotli of its list)`);

  const budget = JSON.parse(readFileSync(new URL("budget.json", import.meta.url), "utf8"));
  const held = [["first load", app.firstLoad, budget.first_load_bytes], ["whole path", path.total, budget.whole_path_bytes]];
  console.log(`held to bench/budget.json: ${held.map(([name, measured, allowed]) => `${name} ${measured} bytes against ${allowed}`).join(", ")}`);
  const over = held.filter(([, measured, allowed]) => measured > allowed * 1.05);
  for (const [name, measured, allowed] of over) {
    console.log(`BUDGET EXCEEDED: the ${name} transfers ${measured} bytes, more than 5% over the ${allowed} of bench/budget.json`);
  }
  if (over.length > 0) {
    process.exitCode = 1;
  }
} finally {
  await appServer.stop();
  await helloServer.stop();
  await browser.close();
}
