// Reading and writing the parts of the WebAssembly binary format that the build's hooks
// and the bench need: LEB128 numbers, names, and where an import's description ends.
// https://webassembly.github.io/spec/core/binary/ is the reference.

/** The unsigned LEB128 number at `at`, and where it ends. */
export function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length) throw new Error("a number that runs past the end of the module");
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** `value` as unsigned LEB128. */
export function writeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

/** The name (a length, then UTF-8) at `at`, and where it ends. */
export function readName(bytes, at) {
  const [length, start] = readLeb(bytes, at);
  return [bytes.subarray(start, start + length).toString("utf8"), start + length];
}

/** `text` as a name. */
export function writeName(text) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([writeLeb(bytes.length), bytes]);
}

/**
 * Where the description of an import ends, from its kind at `at`: a function (0), a table
 * (1), a memory (2), a global (3) or a tag (4).
 */
export function importEnd(bytes, at) {
  const kind = bytes[at++];
  const limits = (from) => {
    const flags = bytes[from];
    let end = readLeb(bytes, from + 1)[1];
    if (flags & 1) end = readLeb(bytes, end)[1];
    return end;
  };
  switch (kind) {
    case 0:
      return readLeb(bytes, at)[1];
    case 1:
      return limits(at + 1);
    case 2:
      return limits(at);
    case 3:
      return at + 2;
    case 4:
      return readLeb(bytes, at + 1)[1];
    default:
      throw new Error(`an import of unknown kind ${kind}`);
  }
}

/**
 * The module's sections, each as its id, where it begins (`header`, its id byte), where its
 * content starts and where it ends, and for a custom section (id 0) its name.
 */
export function sections(module) {
  if (module.readUInt32LE(0) !== 0x6d736100) throw new Error("not a WebAssembly module");
  const found = [];
  let at = 8;
  while (at < module.length) {
    const id = module[at];
    const [size, start] = readLeb(module, at + 1);
    found.push({ id, header: at, start, end: start + size, name: id === 0 ? readName(module, start)[0] : undefined });
    at = start + size;
  }
  return found;
}

/** How many functions the module imports, and the body of each function it defines. */
export function functionBodies(module) {
  let imported = 0;
  const bodies = [];
  for (const { id, start, end } of sections(module)) {
    if (id !== 2 && id !== 10) continue;
    let [count, at] = readLeb(module, start);
    if (id === 2) {
      for (; count > 0; count--) {
        at = readName(module, readName(module, at)[1])[1];
        if (module[at] === 0) imported++;
        at = importEnd(module, at);
      }
    } else {
      for (; count > 0; count--) {
        const [size, body] = readLeb(module, at);
        bodies.push(module.subarray(body, body + size));
        at = body + size;
      }
      if (at !== end) throw new Error("the code section was not read to its end");
    }
  }
  return { imported, bodies };
}

/** The names the module's name section gives its functions, by function index. */
export function functionNames(module) {
  const names = new Map();
  for (const { id, start, end, name } of sections(module)) {
    if (id !== 0 || name !== "name") continue;
    let at = readName(module, start)[1];
    while (at < end) {
      const sub = module[at];
      const [size, content] = readLeb(module, at + 1);
      if (sub === 1) {
        let [count, p] = readLeb(module, content);
        for (; count > 0; count--) {
          const [index, q] = readLeb(module, p);
          const [text, r] = readName(module, q);
          names.set(index, text);
          p = r;
        }
      }
      at = content + size;
    }
  }
  return names;
}
