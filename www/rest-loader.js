// The rest of the app's module: the functions the path to a sealed referral never runs
// (scripts/split-module.mjs). scripts/shrink-assets.mjs appends this file to the app's
// glue, in the glue's own scope (`wasm` is the first part's exports, `__wbg_get_imports`
// the glue's imports), and fills in REST_FILE and REST_INTEGRITY.
//
// The rest is made ready in one of two ways, whichever comes first:
// - in the background, once the service worker controls the page (every visit after the
//   first, and the first once the worker has kept the build): fetched through the worker,
//   from its cache, with the browser's integrity check;
// - when a stub of the first part is called before that: fetched synchronously, the one
//   way a call that has already begun can wait for it, answered by the HTTP cache (which
//   the worker's install fills, the file being immutable) or else by the network, and
//   checked against the same SHA-384 here, in this script.
// Until one of them succeeds nothing of the rest runs. If the synchronous fetch fails (no
// network on a first visit, a file that fails its check), the app stops: the page says so
// (#confidant-stopped), and the quick exit, the header's button or Escape twice, goes on
// working through www/boot.js, which takes the page back when it is marked "failed".
const CONFIDANT_REST = "/REST_FILE";
const CONFIDANT_REST_INTEGRITY = "REST_INTEGRITY";

/** Instantiates the rest over the first part's state and fills the stubs' table. */
function __confidant_link_rest(module) {
  if (wasm.r_ready.value) return;
  const imports = __wbg_get_imports();
  // The first part's memory, tables and globals, exported by index (m0, t0, t1, g0, …).
  imports.p = {};
  for (const name of Object.keys(wasm)) {
    if (/^[mtg][0-9]+$/.test(name)) imports.p[name] = wasm[name];
  }
  const rest = new WebAssembly.Instance(module, imports);
  const table = wasm.r_table;
  for (let slot = 0; slot < table.length; slot++) {
    table.set(slot, rest.exports[slot.toString(36)]);
  }
  wasm.r_ready.value = 1;
}

/** The stubs' loader: called when a function of the rest is needed and it is not ready. */
function __confidant_load_rest() {
  try {
    const request = new XMLHttpRequest();
    request.open("GET", CONFIDANT_REST, false);
    // A synchronous request takes no binary response type: each byte comes as a char.
    request.overrideMimeType("text/plain; charset=x-user-defined");
    request.send();
    if (request.status !== 200) throw new Error(`HTTP ${request.status}`);
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    if (__confidant_sha384(bytes) !== CONFIDANT_REST_INTEGRITY) throw new Error("integrity");
    __confidant_link_rest(new WebAssembly.Module(bytes));
  } catch (failure) {
    const root = document.documentElement;
    root.setAttribute("data-confidant", "failed");
    if (!document.getElementById("confidant-stopped")) {
      const notice = document.createElement("p");
      notice.id = "confidant-stopped";
      notice.className = "notice";
      notice.setAttribute("role", "alert");
      notice.textContent = "Part of Confidant could not be loaded, so it has stopped. Nothing more was sent. " +
        "Reload the page when you have a connection. Quick exit still works.";
      document.body.prepend(notice);
    }
    throw new Error(`the rest of the app's module did not load (${failure.message})`);
  }
}

/** Makes the rest ready in the background once the service worker controls the page. */
function __confidant_keep_rest_ready() {
  const workers = navigator.serviceWorker;
  if (!workers) return;
  const load = () => {
    if (!workers.controller || wasm.r_ready.value) return;
    fetch(CONFIDANT_REST, { integrity: CONFIDANT_REST_INTEGRITY })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      })
      .then((bytes) => WebAssembly.compile(bytes))
      .then(__confidant_link_rest)
      // Not ready yet: a stub loads it when it is needed.
      .catch(() => {});
  };
  workers.addEventListener("controllerchange", load);
  load();
}

/** SHA-384 of `bytes` as an integrity value (`sha384-` and base64). */
function __confidant_sha384(bytes) {
  // SHA-512's constants are the first 64 bits of the fractional parts of the cube roots of
  // the first 80 primes; SHA-384 starts from those of the square roots of the 9th to 16th
  // (FIPS 180-4, 4.2.3 and 5.3.4). Each 64-bit word is a pair of 32-bit halves.
  const primes = [];
  for (let n = 2; primes.length < 80; n++) {
    if (primes.every((p) => n % p)) primes.push(n);
  }
  const root = (p, k) => {
    const scaled = BigInt(p) << BigInt(64 * k);
    let x = 0n;
    for (let bit = 70n; bit >= 0n; bit--) {
      const y = x | (1n << bit);
      if (y ** BigInt(k) <= scaled) x = y;
    }
    return [Number((x >> 32n) & 0xffffffffn) | 0, Number(x & 0xffffffffn) | 0];
  };
  const K = primes.flatMap((p) => root(p, 3));
  const H = primes.slice(8, 16).flatMap((p) => root(p, 2));

  const blocks = Math.ceil((bytes.length + 17) / 128);
  const padded = new Uint8Array(blocks * 128);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(padded.length - 4, (bytes.length * 8) >>> 0);

  // The rotations and shifts of the pair (hi, lo), right by n (1 <= n < 64), as [hi, lo].
  const rotr = (hi, lo, n) => n < 32
    ? [(hi >>> n) | (lo << (32 - n)), (lo >>> n) | (hi << (32 - n))]
    : rotr(lo, hi, n - 32);
  const shr = (hi, lo, n) => [hi >>> n, (lo >>> n) | (hi << (32 - n))];
  const xor3 = (a, b, c) => [a[0] ^ b[0] ^ c[0], a[1] ^ b[1] ^ c[1]];
  // The sum of pairs, modulo 2^64.
  const add = (...pairs) => {
    let hi = 0;
    let lo = 0;
    for (const [h, l] of pairs) {
      hi += h;
      lo += l >>> 0;
    }
    return [(hi + Math.floor(lo / 0x100000000)) | 0, lo | 0];
  };

  const W = [];
  for (let at = 0; at < padded.length; at += 128) {
    for (let i = 0; i < 16; i++) W[i] = [view.getInt32(at + 8 * i), view.getInt32(at + 8 * i + 4)];
    for (let i = 16; i < 80; i++) {
      const [h15, l15] = W[i - 15];
      const [h2, l2] = W[i - 2];
      const s0 = xor3(rotr(h15, l15, 1), rotr(h15, l15, 8), shr(h15, l15, 7));
      const s1 = xor3(rotr(h2, l2, 19), rotr(h2, l2, 61), shr(h2, l2, 6));
      W[i] = add(s1, W[i - 7], s0, W[i - 16]);
    }
    let v = [];
    for (let i = 0; i < 8; i++) v[i] = [H[2 * i], H[2 * i + 1]];
    for (let i = 0; i < 80; i++) {
      const [a, b, c, d, e, f, g, h] = v;
      const S1 = xor3(rotr(e[0], e[1], 14), rotr(e[0], e[1], 18), rotr(e[0], e[1], 41));
      const ch = [(e[0] & f[0]) ^ (~e[0] & g[0]), (e[1] & f[1]) ^ (~e[1] & g[1])];
      const t1 = add(h, S1, ch, [K[2 * i], K[2 * i + 1]], W[i]);
      const S0 = xor3(rotr(a[0], a[1], 28), rotr(a[0], a[1], 34), rotr(a[0], a[1], 39));
      const maj = [(a[0] & b[0]) ^ (a[0] & c[0]) ^ (b[0] & c[0]), (a[1] & b[1]) ^ (a[1] & c[1]) ^ (b[1] & c[1])];
      v = [add(t1, S0, maj), a, b, c, add(d, t1), e, f, g];
    }
    for (let i = 0; i < 8; i++) [H[2 * i], H[2 * i + 1]] = add([H[2 * i], H[2 * i + 1]], v[i]);
  }
  let binary = "";
  for (let i = 0; i < 12; i++) {
    for (let shift = 24; shift >= 0; shift -= 8) binary += String.fromCharCode((H[i] >>> shift) & 0xff);
  }
  return `sha384-${btoa(binary)}`;
}
