// What the end-to-end tests of sending need: agencies registered with real keys, a fresh
// server and browser context per test, the referral filled in and sealed through the
// interface, inboxes read and packets opened with `confidant open`.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as jose from "jose";
import { fillByKeyboard, serveNeutralPage, shown, startServer } from "./support.mjs";

export const BIN = process.env.CONFIDANT_BIN ?? "target/debug/confidant";

/** A scratch folder for keys and files, removed by `remove()`. */
export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, contents) {
      const path = join(dir, name);
      writeFileSync(path, contents);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An agency keyring made by `confidant keygen` in `keysDir`, registered in the data folder
 * `data` with its encryption key and its signing key.
 */
export function confidantAgency(keysDir, data, name, kind) {
  // A folder per key: an agency may get a new key under the same name.
  const keys = mkdtempSync(join(keysDir, "key-"));
  const passphrase = join(keys, "pass");
  writeFileSync(passphrase, `passphrase of ${name}, kept apart from the key\n`);
  execFileSync(BIN, ["keygen", "--out", join(keys, "agency"), "--passphrase-file", passphrase]);
  const signing = join(keys, "agency.sign.jwk");
  return {
    ...register(data, name, kind, join(keys, "agency.jwk"), signing),
    key: join(keys, "agency.key"),
    passphrase,
    signingJwk: JSON.parse(readFileSync(signing, "utf8")),
  };
}

/** An agency key made by jose, its public JWK written in `keysDir`, registered in `data`. */
export async function joseAgency(keysDir, data, name, kind) {
  const { publicKey, privateKey } = await jose.generateKeyPair("ECDH-ES+A256KW", { crv: "X25519", extractable: true });
  const jwk = await jose.exportJWK(publicKey);
  jwk.kid = await jose.calculateJwkThumbprint(jwk, "sha256");
  jwk.use = "enc";
  jwk.alg = "ECDH-ES+A256KW";
  const path = join(keysDir, `${jwk.kid}.jwk`);
  writeFileSync(path, JSON.stringify(jwk));
  return { ...register(data, name, kind, path), privateKey };
}

function register(data, name, kind, jwkPath, signingPath) {
  const signing = signingPath ? ["--signing-key", signingPath] : [];
  const out = execFileSync(BIN, ["agency", "add", "--data", data, "--name", name, "--kind", kind, "--key", jwkPath, ...signing],
    { encoding: "utf8" });
  const credential = out.match(/cfd1_[A-Za-z0-9_-]+/)?.[0];
  assert.ok(credential, `no credential in: ${out}`);
  return { name, kind, credential, jwk: JSON.parse(readFileSync(jwkPath, "utf8")) };
}

/** The packets waiting in an agency's inbox. */
export async function inbox(url, agency) {
  const headers = { authorization: `Bearer ${agency.credential}` };
  const list = await (await fetch(`${url}api/v1/inbox`, { headers })).json();
  return Promise.all(list.packets.map(async (p) => (await fetch(`${url}api/v1/inbox/${p.packet_id}`, { headers })).text()));
}

/** Opens `packet` with `confidant open` under an agency's key file; its payload. */
export function openPacket(agency, packet) {
  const opened = spawnSync(BIN, ["open", "--key", agency.key, "--passphrase-file", agency.passphrase],
    { input: packet, encoding: "utf8" });
  assert.equal(opened.status, 0, opened.stderr);
  return JSON.parse(opened.stdout);
}

/** Opens the referral screen from home, by keyboard. */
export async function openReferral(page) {
  await page.locator("#open-refer").focus();
  await page.keyboard.press("Enter");
  await page.locator("#section-metadata").waitFor();
}

/** The referral's choices of sharing categories and of services, by option id, in order. */
const SHARING = ["identity", "health", "narrative", "none"];
const SERVICES = ["police", "ngo", "shelter", "child_protection", "labour_inspectorate", "health", "other"];

/**
 * Sets the person's sharing choices on the referral: exactly the `categories` and the
 * kinds of `services` given (option ids), whatever was ticked before.
 */
export async function agreeTo(page, categories, services) {
  for (const [field, options, wanted] of [["sharing_consent", SHARING, categories], ["named_recipients", SERVICES, services]]) {
    for (const [i, option] of options.entries()) {
      await (await shown(page, `#field-${field}-${i}`)).setChecked(wanted.includes(option));
    }
  }
}

/**
 * The answers that keep the keyboard walk on an adult's path: the walk's first choices
 * would say the age is disputed (Yes) and type an age of 3, and either makes the person
 * a child until their age is verified, with no consent or sharing choice to record.
 */
export const ADULT = { age_disputed: 1, estimated_age: "34" };

/**
 * Fills the referral by keyboard (`fillByKeyboard`, with `text` for typed answers) as an
 * adult's, then records the person's sharing choices, and goes on to the review.
 * Returns what `fillByKeyboard` returns.
 */
export async function fillReferral(page, { text, categories = ["identity", "health", "narrative"],
  services = SERVICES } = {}) {
  const answered = await fillByKeyboard(page, text, ADULT);
  await agreeTo(page, categories, services);
  await page.locator("#check-answers").click();
  await page.locator("#seal-and-send").waitFor();
  return answered;
}

/** The value of the option of `select` whose text starts with `name`. */
export async function optionValue(page, select, name) {
  return page.evaluate(([select, name]) =>
    [...document.querySelectorAll(`${select} option`)].find((o) => o.textContent.startsWith(name))?.value,
  [select, name]);
}

/** On the review screen: the sender, then each recipient by name, `check()`, then seal. */
export async function sealFor(page, sender, recipients, check = async () => {}) {
  // The directory is loaded once its agencies are listed.
  await page.locator("#recipient-0").waitFor();
  await page.locator("#sender").selectOption(await optionValue(page, "#sender", sender));
  for (const name of recipients) {
    await page.getByLabel(new RegExp(`^${name} \\(`)).check();
  }
  await check();
  await page.locator("#seal-and-send").click();
}

/** Every file under `folder`, read whole. */
export function everyFile(folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path));
}

/** Everything the page's origin keeps: both storages, cookies, IndexedDB names, caches. */
export function everythingStored(page) {
  return page.evaluate(async () => {
    const everything = [];
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) {
        everything.push(storage.key(i), storage.getItem(storage.key(i)));
      }
    }
    everything.push(document.cookie);
    for (const { name } of await indexedDB.databases()) {
      everything.push(`indexedDB:${name}`);
    }
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const request of await cache.keys()) {
        everything.push(request.url, await (await cache.match(request)).text());
      }
    }
    return everything.join("\n");
  });
}

/**
 * Runs `body` with a fresh data folder whose agencies `register(data)` adds, the real
 * server on it, and a page in a browser context of its own; all of it is stopped and
 * removed afterwards, whatever happens. `body` may replace `run.server` (a restart).
 * `context` gives the browser context's options (a phone's screen and touch).
 */
export async function withServer(browser, register, body, { neutralPage = false, context = {} } = {}) {
  const data = mkdtempSync(join(tmpdir(), "confidant-send-data-"));
  const run = { data, agencies: await register(data) };
  run.server = await startServer({ data });
  run.context = await browser.newContext(context);
  if (neutralPage) {
    await serveNeutralPage(run.context);
  }
  run.page = await run.context.newPage();
  try {
    await body(run);
  } finally {
    await run.context.close();
    await run.server.stop();
    rmSync(data, { recursive: true, force: true });
  }
}
