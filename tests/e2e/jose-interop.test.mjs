// Packets are standard JWE: an independent implementation (npm `jose`) opens what
// `confidant seal` writes, and `confidant open` opens General JWE that `jose` writes,
// for agency (X25519) and passphrase recipients.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as jose from "jose";

const BIN = process.env.CONFIDANT_BIN ?? "target/debug/confidant";
const PAYLOAD = { name: "canary-Dara-51c0", answers: { q1: "yes", note: "canary-ünïcode-✓" } };
const PBES2 = { keyManagementAlgorithms: ["PBES2-HS512+A256KW"], maxPBES2Count: 1_000_000 };

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "confidant-jose-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function confidant(args, input) {
  const result = spawnSync(BIN, args, { input, encoding: "utf8" });
  assert.equal(result.status, 0, `confidant ${args[0]} failed: ${result.stderr}`);
  return result.stdout;
}

function write(name, contents) {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** An agency key made by jose, published as Confidant expects (kid = thumbprint). */
async function joseAgency(name) {
  const { publicKey, privateKey } = await jose.generateKeyPair("ECDH-ES+A256KW", {
    crv: "X25519",
    extractable: true,
  });
  const jwk = await jose.exportJWK(publicKey);
  jwk.kid = await jose.calculateJwkThumbprint(jwk, "sha256");
  jwk.use = "enc";
  jwk.alg = "ECDH-ES+A256KW";
  return { privateKey, jwk, path: write(`${name}.jwk`, JSON.stringify(jwk)) };
}

/** An agency key made by `confidant keygen`. */
function confidantAgency(name) {
  const passphrase = write(`${name}.pass`, `passphrase of ${name}\n`);
  execFileSync(BIN, ["keygen", "--out", join(dir, name), "--passphrase-file", passphrase]);
  const jwk = JSON.parse(readFileSync(join(dir, `${name}.jwk`), "utf8"));
  return { jwk, key: join(dir, `${name}.key`), passphrase };
}

function openedPayload(plaintext) {
  // Confidant pads with spaces, which JSON ignores.
  return JSON.parse(new TextDecoder().decode(plaintext));
}

test("jose opens a packet sealed by confidant for two agencies and a passphrase", async () => {
  const police = await joseAgency("police");
  const shelter = await joseAgency("shelter");
  const shared = write("shared.pass", "read aloud over the phone\n");
  const packet = JSON.parse(
    confidant(
      ["seal", "--to", police.path, "--to", shelter.path, "--passphrase-file", shared, "--form", "referral@1"],
      JSON.stringify(PAYLOAD),
    ),
  );
  assert.ok(!JSON.stringify(packet).includes("canary"));

  for (const agency of [police, shelter]) {
    const opened = await jose.generalDecrypt(packet, agency.privateKey);
    assert.deepEqual(openedPayload(opened.plaintext), PAYLOAD);
    assert.deepEqual(opened.protectedHeader, { enc: "A256GCM" });
    assert.equal(opened.unprotectedHeader.kid, agency.jwk.kid);
    // The authenticated metadata names the recipients in order.
    const meta = JSON.parse(new TextDecoder().decode(opened.additionalAuthenticatedData));
    assert.equal(meta.form_id, "referral");
    assert.deepEqual(meta.recipients, [police.jwk.kid, shelter.jwk.kid, "passphrase:1"]);
  }
  const opened = await jose.generalDecrypt(packet, new TextEncoder().encode("read aloud over the phone"), PBES2);
  assert.deepEqual(openedPayload(opened.plaintext), PAYLOAD);
  assert.equal(opened.unprotectedHeader.p2c >= 210_000, true);

  await assert.rejects(jose.generalDecrypt(packet, new TextEncoder().encode("wrong"), PBES2));
});

test("confidant opens General JWE written by jose for several recipients", async () => {
  const police = confidantAgency("police-b");
  const shelter = confidantAgency("shelter-b");
  const passphrase = "a passphrase chosen by the sender";
  const meta = {
    format_version: 1,
    form_id: "referral",
    form_version: "1",
    packet_id: jose.base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    created: Math.floor(Date.now() / 1000),
    recipients: [police.jwk.kid, shelter.jwk.kid, "passphrase:1"],
  };
  const encryptor = new jose.GeneralEncrypt(new TextEncoder().encode(JSON.stringify(PAYLOAD)))
    .setProtectedHeader({ enc: "A256GCM" })
    .setAdditionalAuthenticatedData(new TextEncoder().encode(JSON.stringify(meta)));
  for (const agency of [police, shelter]) {
    encryptor
      .addRecipient(await jose.importJWK(agency.jwk, "ECDH-ES+A256KW"))
      .setUnprotectedHeader({ alg: "ECDH-ES+A256KW", kid: agency.jwk.kid });
  }
  encryptor
    .addRecipient(new TextEncoder().encode(passphrase))
    .setUnprotectedHeader({ alg: "PBES2-HS512+A256KW", kid: "passphrase:1" })
    .setKeyManagementParameters({ p2c: 210_000 });
  const packet = JSON.stringify(await encryptor.encrypt());

  for (const agency of [police, shelter]) {
    const opened = confidant(["open", "--key", agency.key, "--passphrase-file", agency.passphrase], packet);
    assert.deepEqual(JSON.parse(opened), PAYLOAD);
  }
  const opened = confidant(["open", "--passphrase-file", write("jose.pass", passphrase)], packet);
  assert.deepEqual(JSON.parse(opened), PAYLOAD);
});

test("confidant refuses jose output that breaks its rules, with a clear line", async () => {
  const police = confidantAgency("police-c");
  // A passphrase recipient with jose's default iteration count (below our floor).
  const weak = await new jose.GeneralEncrypt(new TextEncoder().encode("{}"))
    .setProtectedHeader({ enc: "A256GCM" })
    .setAdditionalAuthenticatedData(new TextEncoder().encode(JSON.stringify({
      format_version: 1, form_id: "f", form_version: "1",
      packet_id: "AAAAAAAAAAAAAAAAAAAAAA", created: 0, recipients: ["passphrase:1"],
    })))
    .addRecipient(new TextEncoder().encode("pw"))
    .setUnprotectedHeader({ alg: "PBES2-HS512+A256KW", kid: "passphrase:1" })
    .encrypt();
  const result = spawnSync(BIN, ["open", "--key", police.key, "--passphrase-file", police.passphrase], {
    input: JSON.stringify(weak),
    encoding: "utf8",
  });
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.trim().split("\n").length, 1);
  assert.match(result.stderr, /p2c/);
});
