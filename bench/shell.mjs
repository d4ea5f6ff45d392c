// Measures the shell against the minimal Yew app, both built in this run by
// scripts/bench.sh: download size of every kind of file (raw, gzip, brotli) and the time
// to first render in headless Chromium with the CPU slowed down four times.
//
// usage: node bench/shell.mjs APP_DIST HELLO_DIST
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { launchChromium, startServer } from "../tests/e2e/support.mjs";

const [appDist, helloDist] = process.argv.slice(2);
const LOADS = Number(process.env.BENCH_LOADS ?? 15);
const THROTTLE = 4;
const KINDS = ["wasm", "js", "css", "html"];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// Files the first load never fetches: the key-derivation worker starts only when a
// draft is kept or opened.
const LATER = /(^|\/)derive-worker/;

function sizes(dist) {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, { raw: 0, gzip: 0, brotli: 0 }]));
  for (const path of files(dist)) {
    const kind = extname(path).slice(1);
    if (!byKind[kind] || LATER.test(path)) continue;
    const body = readFileSync(path);
    byKind[kind].raw += body.length;
    byKind[kind].gzip += gzipSync(body, { level: 9 }).length;
    byKind[kind].brotli += brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const kind of KINDS) for (const c of Object.keys(total)) total[c] += byKind[kind][c];
  return { ...byKind, total };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
const ratio = (a, b) => (b === 0 ? "    -" : `${(a / b).toFixed(2)}x`.padStart(6));

async function firstRenders(url, selector) {
  const browser = await launchChromium();
  const times = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      // A fresh context each time: nothing cached, the wasm compiled anew.
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
      await page.addInitScript((selector) => {
        const seen = () => {
          if (document.querySelector(selector)) {
            requestAnimationFrame(() => { window.__firstRender = performance.now(); });
            return true;
          }
          return false;
        };
        new MutationObserver((_, observer) => { if (seen()) observer.disconnect(); })
          .observe(document, { childList: true, subtree: true });
      }, selector);
      await page.goto(url);
      await page.waitForFunction(() => window.__firstRender !== undefined, null, { timeout: 120_000 });
      times.push(await page.evaluate(() => window.__firstRender));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1) };
}

const app = sizes(appDist);
const hello = sizes(helloDist);
console.log("Download size: the shell against the minimal Yew app, built in this run");
console.log(`${"".padEnd(8)}${"shell raw".padStart(11)}${"gzip".padStart(11)}${"brotli".padStart(11)}` +
  `${"hello raw".padStart(11)}${"gzip".padStart(11)}${"brotli".padStart(11)}${"brotli ratio".padStart(14)}`);
for (const kind of [...KINDS, "total"]) {
  const a = app[kind];
  const h = hello[kind];
  console.log(`${kind.padEnd(8)}${kb(a.raw)}${kb(a.gzip)}${kb(a.brotli)}${kb(h.raw)}${kb(h.gzip)}${kb(h.brotli)}` +
    `${ratio(a.brotli, h.brotli).padStart(14)}`);
}
console.log(`first-load transfer (brotli): shell ${kb(app.total.brotli).trim()}, hello ${kb(hello.total.brotli).trim()}, ` +
  `ratio ${ratio(app.total.brotli, hello.total.brotli).trim()} (target at most 2x)`);

const appServer = await startServer({ dist: appDist });
const helloServer = await startServer({ dist: helloDist });
try {
  const shell = await firstRenders(appServer.url, "#app h1");
  const reference = await firstRenders(helloServer.url, "body h1");
  console.log(`\nTime to first render, headless Chromium, CPU throttled ${THROTTLE}x, ${LOADS} cold loads each`);
  for (const [name, t] of [["shell", shell], ["hello", reference]]) {
    console.log(`${name.padEnd(8)} median ${t.median.toFixed(0).padStart(5)} ms   (min ${t.min.toFixed(0)}, max ${t.max.toFixed(0)})`);
  }
  console.log(`first render ratio: ${(shell.median / reference.median).toFixed(2)}x (target at most 1.5x)`);
} finally {
  await appServer.stop();
  await helloServer.stop();
}
