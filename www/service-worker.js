// Confidant's service worker: the app opens without network after one visit.
//
// What it keeps (Cache Storage), and nothing else:
// - the built app, one cache per build (`confidant-BUILD`): every file the build wrote,
//   listed below with its SHA-384 by scripts/write-service-worker.mjs at build time;
// - the deployment's agency directory (`confidant-directory`), the last answer of
//   GET /api/v1/directory, so that a referral can be sealed offline. It is the same
//   public list for every worker of the deployment and says nothing about any referral.
// Never an answer, a packet, an inbox or anything else the API returns: every other /api/
// request goes to the network, or fails.
//
// Updates are atomic. A new build is a new version of this file; it installs only once
// every one of its files is fetched and has passed its integrity check (one failure and
// the install fails, and the build in use stays). It then waits: the browser activates it
// when no page runs the old build any more, that is on the next open, never in the middle
// of a referral. The page is told that a new version is ready (www/boot.js).
"use strict";

// Written by scripts/write-service-worker.mjs.
const BUILD = "BUILD_ID";
const FILES = BUILD_FILES;

const APP_CACHE = `confidant-${BUILD}`;
const DIRECTORY_CACHE = "confidant-directory";
const DIRECTORY = "/api/v1/directory";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(APP_CACHE);
    await Promise.all(FILES.map(async ({ url, integrity, hashed }) => {
      // A hashed file never changes under its name, so the HTTP cache may answer; any
      // other file is asked afresh. Either way its bytes must match the build's hash.
      const response = await fetch(url, { integrity, cache: hashed ? "default" : "no-cache" });
      if (!response.ok) {
        throw new Error(`${url}: ${response.status}`);
      }
      await cache.put(url, response);
    }));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== APP_CACHE && name !== DIRECTORY_CACHE) {
        await caches.delete(name);
      }
    }
    // The first install takes over the page that installed it, so that a reload without
    // network already opens. Later builds only activate once no page runs the old one.
    await self.clients.claim();
    // The page fetched the directory before this worker was there to keep it.
    try {
      await directory(new Request(DIRECTORY));
    } catch (offline) {
      // Kept the next time the page asks for it.
    }
  })());
});

async function fromApp(path) {
  const cache = await caches.open(APP_CACHE);
  return cache.match(path);
}

async function directory(request) {
  const cache = await caches.open(DIRECTORY_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(DIRECTORY, response.clone());
    }
    return response;
  } catch (offline) {
    const kept = await cache.match(DIRECTORY);
    if (kept) {
      return kept;
    }
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname === DIRECTORY) {
    event.respondWith(directory(request));
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    return;
  }
  // A partner's frame always asks the server, which alone says which site may frame it
  // (the page from here would carry the app's own "never framed" policy).
  if (url.pathname.startsWith("/embed/")) {
    return;
  }
  if (request.mode === "navigate") {
    // The page of this build, whatever the address (the app has one page, and nothing it
    // needs is ever in the address).
    event.respondWith((async () => (await fromApp("/index.html")) ?? fetch(request))());
    return;
  }
  event.respondWith((async () => (await fromApp(url.pathname)) ?? fetch(request))());
});
