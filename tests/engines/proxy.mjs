// A recording proxy between the browser and `confidant serve`, so that what every engine
// sends can be checked for canaries without the engine's own network hooks (WebDriver
// classic has none). It also stands in for the neutral page the quick exit leaves for (the
// machines have no internet), and can take the server away and bring it back.
import { createServer, request } from "node:http";

export const NEUTRAL_PATH = "/neutral-weather";

/**
 * What a test can take away from the page before anything of the app runs, as an engine
 * or a browser setting would: each is a script served from the app's origin (so the
 * page's policy allows it) and put first in the page's head.
 */
export const BREAKS = {
  // An engine without Trusted Types neither has the API nor enforces the policy's
  // `require-trusted-types-for` (the proxy drops it from the header too).
  "trusted-types": "delete window.trustedTypes; delete Window.prototype.trustedTypes;",
  // Workers blocked, as by an enterprise policy or a privacy extension.
  workers: "window.Worker = function Worker() { throw new DOMException('Workers are blocked', 'SecurityError'); };",
  // An engine without Intl.DisplayNames (the names of countries and languages).
  "intl-display-names": "delete Intl.DisplayNames;",
  // WebAssembly switched off (as in hardened browser settings).
  webassembly: "delete window.WebAssembly;",
};

/**
 * Listens on a free loopback port in front of `target` (the server's URL). `traffic` holds
 * every request as text (method, URL, headers and body); `down = true` drops every
 * request to the API as a network failure, `up()` undoes it.
 */
export async function startProxy(target) {
  const upstream = new URL(target);
  const proxy = { traffic: [], down: false, neutralVisits: 0, breaking: null };
  const server = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on("data", (chunk) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      proxy.traffic.push(`${incoming.method} ${incoming.url}\n${JSON.stringify(incoming.headers)}\n${body.toString("latin1")}`);
      if (incoming.url.startsWith("/__break/")) {
        const name = incoming.url.slice("/__break/".length).replace(/\.js$/, "");
        outgoing.writeHead(BREAKS[name] ? 200 : 404, { "content-type": "text/javascript" });
        outgoing.end(BREAKS[name] ?? "");
        return;
      }
      // No service worker: it would answer the page from its own cache, out of the
      // proxy's reach (the offline app is tested in Chromium, tests/e2e/offline.test.mjs).
      if (incoming.url.startsWith("/service-worker.js")) {
        outgoing.writeHead(404);
        outgoing.end();
        return;
      }
      if (incoming.url.startsWith(NEUTRAL_PATH)) {
        proxy.neutralVisits += 1;
        outgoing.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        outgoing.end("<!DOCTYPE html><title>Weather</title><h1>Weather</h1>");
        return;
      }
      if (proxy.down && incoming.url.startsWith("/api/")) {
        incoming.socket.destroy();
        return;
      }
      const path = new URL(incoming.url, "http://x").pathname;
      const isPage = path === "/" || path === "/index.html";
      const headers = { ...incoming.headers, host: upstream.host };
      if (isPage) headers["accept-encoding"] = "identity";
      delete headers["if-none-match"];
      const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method,
        path: incoming.url, headers }, (answer) => {
        if (!isPage) {
          outgoing.writeHead(answer.statusCode, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        const parts = [];
        answer.on("data", (chunk) => parts.push(chunk));
        answer.on("end", () => {
          // The quick exit's destination, as a deployment sets it, made local.
          let page = Buffer.concat(parts).toString("utf8").replace(
            /(<meta name="confidant-quick-exit" content=")[^"]*(")/,
            `$1${proxy.url}${NEUTRAL_PATH.slice(1)}$2`);
          const answerHeaders = { ...answer.headers };
          if (proxy.breaking) {
            page = page.replace("<head>", `<head><script src="/__break/${proxy.breaking}.js"></script>`);
            if (proxy.breaking === "trusted-types") {
              answerHeaders["content-security-policy"] = (answerHeaders["content-security-policy"] ?? "")
                .replace(/;\s*require-trusted-types-for 'script'/, "");
            }
          }
          delete answerHeaders["content-length"];
          delete answerHeaders.etag;
          outgoing.writeHead(answer.statusCode, answerHeaders);
          outgoing.end(page);
        });
      });
      forwarded.on("error", () => incoming.socket.destroy());
      forwarded.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}/`;
  proxy.neutralPage = `${proxy.url}${NEUTRAL_PATH.slice(1)}`;
  proxy.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  });
  return proxy;
}
