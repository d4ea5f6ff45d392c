// One harness for the three engines: W3C WebDriver (classic), spoken over HTTP to
// chromedriver, geckodriver and WebKitGTK's WebKitWebDriver, each driving the browser
// Debian ships. Playwright cannot drive stock Firefox or WebKitGTK, so the journeys that
// must hold in every engine are written once against this small client instead.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { CHROMIUM_OPTIONS } from "../e2e/support.mjs";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** The engines, how each one's driver is started, and what its session asks for. */
export const ENGINES = {
  chromium: {
    driver: () => ["chromedriver", []],
    capabilities: {
      browserName: "chrome",
      "goog:chromeOptions": {
        binary: CHROMIUM_OPTIONS.executablePath,
        args: ["--headless=new", ...CHROMIUM_OPTIONS.args, "--window-size=1280,900"],
      },
    },
  },
  firefox: {
    driver: () => [process.env.GECKODRIVER ?? "geckodriver", []],
    capabilities: {
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
        args: ["-headless", "-width=1280", "-height=900"],
        // No update checks or telemetry: the machines have no internet.
        prefs: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false },
      },
    },
  },
  webkit: {
    // WebKitGTK's MiniBrowser, on the display `xvfb-run` gives (scripts/test.sh); the
    // wrapper also sets the engine's one workaround (see the script).
    driver: () => ["scripts/webkit-driver.sh", []],
    capabilities: {},
  },
};

/** The engines to run: all three unless CONFIDANT_ENGINES names some ("firefox,webkit"). */
export function enginesToRun() {
  const named = (process.env.CONFIDANT_ENGINES ?? Object.keys(ENGINES).join(",")).split(",").filter(Boolean);
  for (const name of named) {
    if (!(name in ENGINES)) throw new Error(`no engine called ${name}`);
  }
  return named;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Starts `engine`'s driver and a browser session on it. `close()` ends both. */
export async function startBrowser(engine) {
  const spec = ENGINES[engine];
  const [command, args] = spec.driver();
  const port = await freePort();
  const child = spawn(command, [...args, `--port=${port}`], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (chunk) => { log += chunk; });
  child.stderr.on("data", (chunk) => { log += chunk; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${log}`);
    try {
      const status = await (await fetch(`${base}/status`)).json();
      if (status.value?.ready !== false) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${command} did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const created = await call(base, "POST", "/session", { capabilities: { alwaysMatch: spec.capabilities } });
  const session = new Session(engine, `${base}/session/${created.sessionId}`);
  await session.command("POST", "/timeouts", { script: 120_000, pageLoad: 60_000, implicit: 0 });
  session.close = async () => {
    await session.command("DELETE", "").catch(() => {});
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  };
  session.driverLog = () => log;
  return session;
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = await response.json().catch(() => ({}));
  if (!response.ok || reply.value?.error) {
    const error = new Error(`${method} ${path}: ${reply.value?.error ?? response.status}: ${reply.value?.message ?? ""}`);
    error.webdriver = reply.value?.error;
    throw error;
  }
  return reply.value;
}

/** The keys WebDriver names by code points (WebDriver, "keyboard actions"). */
export const KEY = { Escape: "\uE00C", Enter: "\uE007", Tab: "\uE004", Space: "\uE00D" };

class Session {
  constructor(engine, url) {
    this.engine = engine;
    this.url = url;
  }

  command(method, path, body) {
    return call(this.url, method, path, body);
  }

  goto(url) {
    return this.command("POST", "/url", { url });
  }

  currentUrl() {
    return this.command("GET", "/url");
  }

  refresh() {
    return this.command("POST", "/refresh", {});
  }

  /** Runs `fn` (a function, or its source) in the page with `args`; its value. */
  evaluate(fn, ...args) {
    return this.command("POST", "/execute/sync", { script: `return (${fn}).apply(null, arguments);`, args });
  }

  /** Runs the async `fn` in the page with `args` and waits for what it resolves to. */
  evaluateAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }));`;
    return this.command("POST", "/execute/async", { script, args }).then((result) => {
      if (result?.error) throw new Error(`in the page: ${result.error}`);
      return result?.value;
    });
  }

  /** Waits until `fn(...args)` is truthy in the page, polling; its value. */
  async waitFor(fn, args = [], { timeout = 60_000, what = String(fn) } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.evaluate(fn, ...args);
        if (last) return last;
      } catch (error) {
        // A page that is navigating answers no script for a moment.
        last = error.message;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  waitForSelector(selector, options = {}) {
    return this.waitFor((selector) => {
      const element = document.querySelector(selector);
      return !!element && element.getClientRects().length > 0;
    }, [selector], { what: selector, ...options });
  }

  async element(selector) {
    const found = await this.command("POST", "/element", { using: "css selector", value: selector });
    return found[ELEMENT];
  }

  /** Commands from now on go into the frame `selector` finds; `null` goes back to the top. */
  async frame(selector) {
    const id = selector === null ? null : { [ELEMENT]: await this.element(selector) };
    return this.command("POST", "/frame", { id });
  }

  /** A real click (WebDriver's element click: scrolled into view, hit-tested). */
  async click(selector) {
    return this.command("POST", `/element/${await this.element(selector)}/click`, {});
  }

  /** Types `text` into `selector` with key events, after clicking into it. */
  async type(selector, text) {
    return this.command("POST", `/element/${await this.element(selector)}/value`, { text });
  }

  /** Presses and releases each key in turn (KEY.Escape, …) as one keyboard action. */
  press(...keys) {
    const actions = keys.flatMap((value) => [{ type: "keyDown", value }, { type: "keyUp", value }]);
    return this.command("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  /** A PNG of the viewport, for the failure's artifacts. */
  async screenshot() {
    return Buffer.from(await this.command("GET", "/screenshot"), "base64");
  }

  async setViewport(width, height) {
    return this.command("POST", "/window/rect", { width, height });
  }
}
