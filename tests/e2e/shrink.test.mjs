// scripts/shrink-assets.mjs: the build's modules and their glue join by short names, the
// scripts and the stylesheet arrive minified, each module's functions are ordered by
// likeness, and a glue that does not match its module stops the build
// rather than ship a module that cannot start.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { likenessOrder, orderByLikeness } from "../../scripts/order-functions.mjs";
import { withoutComments } from "../../scripts/page-comments.mjs";
import { functionBodies, writeLeb, writeName } from "../../scripts/wasm-binary.mjs";
import { DIST } from "./support.mjs";

/**
 * A name as wasm-bindgen makes it unique: 16 hex digits at its end (an import), or its
 * own crate's hash within (the closure shims it exports, `wasm_bindgen_7562b9fed1c028a0___…`).
 */
const HASHED = /_[0-9a-f]{16}(_|$)/;

test("every module of the build imports and exports short names, all of them in its glue", () => {
  const modules = readdirSync(DIST).filter((file) => file.endsWith("_bg.wasm"));
  assert.ok(modules.length >= 5, modules.join(" "));
  for (const file of modules) {
    const module = new WebAssembly.Module(readFileSync(join(DIST, file)));
    const stem = file.replace(/(-[0-9a-f]+)?_bg\.wasm$/, "");
    const glue = readdirSync(DIST).find((other) => new RegExp(`^${stem}(-[0-9a-f]+)?\\.js$`).test(other));
    const text = readFileSync(join(DIST, glue), "utf8");
    const imports = WebAssembly.Module.imports(module).filter(({ kind }) => kind === "function");
    assert.ok(imports.length > 0, file);
    for (const { name } of imports) {
      assert.doesNotMatch(name, HASHED, `${file} imports ${name}`);
      assert.ok(text.includes(`${name}:`), `${glue} does not give ${file} its ${name}`);
    }
    for (const { name } of WebAssembly.Module.exports(module)) {
      assert.doesNotMatch(name, HASHED, `${file} exports ${name}`);
    }
  }
});

test("every file of the build the hook changed is named by the hash of what it holds now", () => {
  // The server caches these names for a year: a name kept for new content would leave a
  // returning browser with the old file, refused by the new integrity.
  const changed = readdirSync(DIST).filter((file) => /^(confidant-web|boot|style)-[0-9a-f]+(_bg\.wasm|\.js|\.css)$/.test(file));
  assert.equal(changed.length, 4, changed.join(" "));
  for (const file of changed) {
    const hash = createHash("sha256").update(readFileSync(join(DIST, file))).digest("hex").slice(0, 16);
    assert.ok(file.includes(`-${hash}`), `${file} holds content whose hash is ${hash}`);
  }
});

test("no module of the build carries a source path or a panic's message (scripts/release-build.sh)", () => {
  const modules = readdirSync(DIST).filter((file) => file.endsWith("_bg.wasm"));
  assert.ok(modules.length >= 5, modules.join(" "));
  for (const file of modules) {
    const text = readFileSync(join(DIST, file)).toString("latin1");
    assert.doesNotMatch(text, /\bsrc\/[\w/]+\.rs/, file);
    assert.doesNotMatch(text, /panicked at|called `(Option|Result)::unwrap\(\)`|index out of bounds: the len/, file);
  }
});

test("the glue, the page's own scripts and its stylesheet are served minified, without their comments", () => {
  const files = readdirSync(DIST).filter((file) => /\.(js|css)$/.test(file) && file !== "service-worker.js");
  assert.ok(files.some((file) => file.startsWith("boot")), files.join(" "));
  assert.ok(files.some((file) => file.startsWith("style")), files.join(" "));
  for (const file of files) {
    const text = readFileSync(join(DIST, file), "utf8");
    assert.ok(!/^\s*\/\/|\/\*/m.test(text), `${file} keeps its comments`);
    assert.ok(text.split("\n").length <= 3, `${file} has ${text.split("\n").length} lines`);
  }
});

test("the pages arrive without the comments of index.html", () => {
  for (const page of ["index.html", "embed.html"]) {
    const text = readFileSync(join(DIST, page), "utf8");
    assert.ok(!text.includes("<!--"), `${page} keeps a comment`);
    // The first screen's Quick exit, and the script that drives it.
    assert.match(text, /id="boot-quick-exit"/, page);
    assert.match(text, /<script src="\/boot-[0-9a-f]+\.js" integrity="sha384-/, page);
  }
});

const name = (text) => [...writeName(text)];
const section = (id, body) => [id, ...writeLeb(body.length), ...body];

/** A module that imports one function, `field`, from `./tiny_bg.js`. */
function moduleImporting(field) {
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(2, [1, ...name("./tiny_bg.js"), ...name(field), 0x00, 0x00]),
  ]);
}

/**
 * A staging folder holding `module` and `glue`, as `tiny_bg.wasm` and `tiny.js` (as Trunk
 * leaves a worker's) or under `names`, with the other files given.
 */
function staging(module, glue, names = ["tiny_bg.wasm", "tiny.js"], others = {}) {
  const folder = mkdtempSync(join(tmpdir(), "confidant-shrink-"));
  writeFileSync(join(folder, names[0]), module);
  writeFileSync(join(folder, names[1]), glue);
  for (const [name, text] of Object.entries(others)) writeFileSync(join(folder, name), text);
  return folder;
}

const shrink = (folder) =>
  spawnSync("node", ["scripts/shrink-assets.mjs"], { env: { ...process.env, TRUNK_STAGING_DIR: folder }, encoding: "utf8" });
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

const LONG = "__wbg_now_0123456789abcdef";

test("a hashed name becomes the same short name in the module and in its glue", () => {
  const folder = staging(moduleImporting(LONG), `// the glue\nfunction imports() { return { ${LONG}: function () { return Date.now(); } }; }\n`);
  try {
    assert.equal(shrink(folder).status, 0);
    const module = new WebAssembly.Module(readFileSync(join(folder, "tiny_bg.wasm")));
    assert.deepEqual(WebAssembly.Module.imports(module), [{ module: "./tiny_bg.js", name: "_0", kind: "function" }]);
    const glue = readFileSync(join(folder, "tiny.js"), "utf8");
    assert.match(glue, /\b_0:/);
    assert.ok(!glue.includes(LONG) && !glue.includes("// the glue"), glue);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a glue that never names what its module imports stops the build, and nothing is written", () => {
  const module = moduleImporting(LONG);
  const glue = "function imports() { return { __wbg_now_fedcba9876543210: function () {} }; }\n";
  const folder = staging(module, glue);
  try {
    const run = shrink(folder);
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stderr, /tiny\.js never names __wbg_now_0123456789abcdef/);
    assert.deepEqual(readFileSync(join(folder, "tiny_bg.wasm")), module);
    assert.equal(readFileSync(join(folder, "tiny.js"), "utf8"), glue);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** A page as Trunk writes it: the glue pinned by `integrity`, the module named. */
const PAGE = (glue, integrity, module) =>
  `<link rel="modulepreload" href="/${glue}" crossorigin="anonymous" integrity="${integrity}">\n` +
  `<script type="module">import init from '/${glue}'; init({ module_or_path: '/${module}' });</script>\n`;

test("a file named by the hash of its content that changes gets a new name, and the page follows", () => {
  const glue = `function imports() { return { ${LONG}: function () { return 1; } }; }\nexport { imports as default };\n`;
  const names = ["tiny-0123456789abcdef_bg.wasm", "tiny-fedcba9876543210.js"];
  const folder = staging(moduleImporting(LONG), glue, names, { "index.html": PAGE(names[1], sri(Buffer.from(glue)), names[0]) });
  try {
    const run = shrink(folder);
    assert.equal(run.status, 0, run.stderr);
    const files = readdirSync(folder).sort();
    assert.equal(files.length, 3, files.join(" "));
    assert.ok(!files.includes(names[0]) && !files.includes(names[1]), files.join(" "));
    const page = readFileSync(join(folder, "index.html"), "utf8");
    for (const file of files.filter((file) => file !== "index.html")) {
      const bytes = readFileSync(join(folder, file));
      const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
      assert.match(file, new RegExp(`^tiny-${hash}(_bg\\.wasm|\\.js)$`));
      assert.ok(page.includes(`/${file}`), page);
      if (file.endsWith(".js")) assert.ok(page.includes(`integrity="${sri(bytes)}"`), page);
    }
    assert.ok(!page.includes(sri(Buffer.from(glue))), page);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a comment goes, and nothing after it up to another comment goes with it", () => {
  assert.equal(withoutComments("<!-- a --> <p>kept</p>\n<!-- b -->\n<p>also</p>\n"), " <p>kept</p>\n<p>also</p>\n");
  assert.equal(withoutComments("<p>x</p><!-- a\n b --><p>y</p>"), "<p>x</p><p>y</p>");
  assert.equal(withoutComments("<script>'<!-- -->'</script>\n\n<!-- c -->\n"), "<script>'<!-- -->'</script>\n");
  assert.equal(withoutComments("<p>unclosed <!-- comment</p>\n"), "<p>unclosed <!-- comment</p>\n");
  // A comment that mentions a script is a comment: the script after it stays.
  assert.equal(
    withoutComments("<!-- boot.js <script> drives it --><p>A</p>\n<script src=\"/boot.js\"></script>\n<!-- b -->\n"),
    "<p>A</p>\n<script src=\"/boot.js\"></script>\n",
  );
  // Lines ended by CR LF keep both.
  assert.equal(withoutComments("<p>a</p>\r\n  <!-- c -->\r\n\r\n<p>b</p>\r\n"), "<p>a</p>\r\n<p>b</p>\r\n");
});

test("the page loses its comments, and what stands between them and its scripts' text stay as written", () => {
  const glue = `function imports() { return { ${LONG}: function () { return 1; } }; }\nexport { imports as default };\n`;
  const names = ["tiny-0123456789abcdef_bg.wasm", "tiny-fedcba9876543210.js"];
  const script = `<script type="module">/* <!-- a script's text is hashed by the server --> */</script>`;
  const page =
    `<head>\n  <!-- why the next line is there,\n       over two lines -->\n  <meta name="a" content="b">\n` +
    `  <!-- one --> <p>between</p> <!-- two -->\n  ${script}\n</head>\n` + PAGE(names[1], sri(Buffer.from(glue)), names[0]);
  const folder = staging(moduleImporting(LONG), glue, names, { "index.html": page });
  try {
    const run = shrink(folder);
    assert.equal(run.status, 0, run.stderr);
    const written = readFileSync(join(folder, "index.html"), "utf8");
    assert.ok(written.startsWith(`<head>\n  <meta name="a" content="b">\n   <p>between</p> \n  ${script}\n</head>\n`), written);
    assert.ok(!written.replace(script, "").includes("<!--"), written);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a page that names a changed file without the integrity Trunk wrote for it stops the build", () => {
  const glue = `function imports() { return { ${LONG}: function () { return 1; } }; }\n`;
  const names = ["tiny-0123456789abcdef_bg.wasm", "tiny-fedcba9876543210.js"];
  const folder = staging(moduleImporting(LONG), glue, names, { "index.html": PAGE(names[1], sri(Buffer.from("other")), names[0]) });
  try {
    const run = shrink(folder);
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stderr, /index\.html names tiny-fedcba9876543210\.js without the integrity Trunk wrote for it/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

/**
 * A module of five functions that return 1, 2, 3, 4 and 7, exported as `e0` to `e4` in that order:
 * the first and third alike (a run of `i32.const 7; drop`), the second and fourth alike
 * (a run of `i64.const 7; drop`), the first the largest, and the fifth adding 4 to what the
 * third returns.
 */
function moduleOfLikes() {
  const run = (op, times) => Array.from({ length: times }, () => [op, 7, 0x1a]).flat();
  const body = (instructions) => {
    const code = [0, ...instructions, 0x0b];
    return [...writeLeb(code.length), ...code];
  };
  const bodies = [
    body([...run(0x41, 41), 0x41, 1]),
    body([...run(0x42, 40), 0x41, 2]),
    body([...run(0x41, 40), 0x41, 3]),
    body([...run(0x42, 40), 0x41, 4]),
    body([0x10, 2, 0x41, 4, 0x6a]),
  ];
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]),
    ...section(3, [5, 0, 0, 0, 0, 0]),
    ...section(7, [5, ...[0, 1, 2, 3, 4].flatMap((f) => [...name(`e${f}`), 0, f])]),
    ...section(10, [5, ...bodies.flat()]),
  ]);
}

test("functions are put next to the ones most like them, and every call and export still finds its own", async () => {
  const before = moduleOfLikes();
  assert.deepEqual(likenessOrder(functionBodies(before).bodies), [0, 2, 1, 3, 4]);
  const after = orderByLikeness(before, []);
  // The third function (returning 3) now comes second, next to the first, which it is like;
  // the fifth's call to it and the exports follow it there.
  const returned = functionBodies(after).bodies.map((body) => body[body.length - 2]);
  assert.deepEqual(returned.slice(0, 4), [1, 3, 2, 4]);
  const { instance } = await WebAssembly.instantiate(after);
  assert.deepEqual([0, 1, 2, 3, 4].map((f) => instance.exports[`e${f}`]()), [1, 2, 3, 4, 7]);
});

test("the hook puts each module's functions in the order of their likeness", () => {
  const folder = staging(moduleOfLikes(), "function imports() { return {}; }\n");
  try {
    const run = shrink(folder);
    assert.equal(run.status, 0, run.stderr);
    const { bodies } = functionBodies(readFileSync(join(folder, "tiny_bg.wasm")));
    assert.deepEqual(bodies.slice(0, 4).map((body) => body[body.length - 2]), [1, 3, 2, 4]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
