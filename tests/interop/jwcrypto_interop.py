#!/usr/bin/env python3
"""Packets are standard JWE: a second independent implementation, PyPI `jwcrypto`, opens
what `confidant seal` writes and refuses it tampered, and `confidant open` opens General
JWE that jwcrypto writes for several recipients (agency keys and a passphrase). Signed
packets too: jwcrypto verifies the EdDSA JWS inside what `confidant seal --sign-with`
writes, and `confidant open` verifies a signed packet jwcrypto wrote.

Run with the venv that scripts/setup.sh makes:
    CONFIDANT_BIN=target/debug/confidant .venv-interop/bin/python tests/interop/jwcrypto_interop.py
Plain unittest (no pytest); exits non-zero on any failure.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from jwcrypto import jwa, jwe, jwk, jws
from jwcrypto.common import base64url_decode, base64url_encode

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("CONFIDANT_BIN") or os.path.join(ROOT, "target", "debug", "confidant")
PAYLOAD = {"name": "canary-Dara-51c0", "answers": {"q1": "yes", "note": "canary-ünïcode-✓"}}
SHARED = "read aloud over the phone"
P2C_MIN, P2C_MAX = 210_000, 1_000_000  # docs/packet.md: the p2c Confidant accepts

# jwcrypto refuses any PBES2 count above `jwa.default_max_pbkdf2_iterations` (16384 in
# 1.6.1), on wrapping and unwrapping alike, so out of the box it can neither open nor
# write a Confidant passphrase recipient (p2c 210,000 and up). The knob is a module
# global read at each use; raise it to Confidant's own ceiling, as an agency would.
jwa.default_max_pbkdf2_iterations = P2C_MAX

DIR = None


def setUpModule():
    global DIR
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        raise RuntimeError(f"CONFIDANT_BIN is not an executable: {BIN}")
    DIR = tempfile.mkdtemp(prefix="confidant-jwcrypto-")


def tearDownModule():
    if DIR:
        shutil.rmtree(DIR, ignore_errors=True)


def path(name):
    return os.path.join(DIR, name)


def write(name, text):
    with open(path(name), "w", encoding="utf-8") as f:
        f.write(text)
    return path(name)


def run(args, stdin=""):
    return subprocess.run([BIN, *args], input=stdin.encode("utf-8"), capture_output=True, timeout=120)


def confidant(args, stdin=""):
    result = run(args, stdin)
    if result.returncode != 0:
        raise AssertionError(
            f"confidant {' '.join(args)} exited {result.returncode}: {result.stderr.decode(errors='replace').strip()}"
        )
    return result.stdout.decode("utf-8")


def b64json(value):
    return json.loads(base64url_decode(value))


def jwcrypto_agency(name):
    """An agency key pair made by jwcrypto, published the way docs/keyfile.md requires:
    exactly kty, crv, x, kid (= RFC 7638 thumbprint, computed by jwcrypto), use, alg."""
    key = jwk.JWK.generate(kty="OKP", crv="X25519")
    public = key.export_public(as_dict=True)
    public = {
        "kty": public["kty"], "crv": public["crv"], "x": public["x"],
        "kid": key.thumbprint(), "use": "enc", "alg": "ECDH-ES+A256KW",
    }
    return {"private": key, "jwk": public, "path": write(f"{name}.jwk", json.dumps(public))}


def confidant_agency(name):
    """An agency key made by `confidant keygen` (key file under a passphrase from a file)."""
    passphrase = write(f"{name}.pass", f"{name} keeps its copper lantern by the harbour\n")
    confidant(["keygen", "--out", path(name), "--passphrase-file", passphrase])
    with open(path(f"{name}.jwk"), encoding="utf-8") as f:
        public = json.load(f)
    with open(path(f"{name}.sign.jwk"), encoding="utf-8") as f:
        signing = json.load(f)
    return {"jwk": public, "path": path(f"{name}.jwk"), "key": path(f"{name}.key"), "passphrase": passphrase,
            "secret": f"{name} keeps its copper lantern by the harbour", "signing_jwk": signing,
            "signing_path": path(f"{name}.sign.jwk")}


def unlock_key_file(agency, signing=False):
    """The CLI has no way to export a secret key, so read the keyring as docs/keyfile.md
    specifies (version 2), with `cryptography` (jwcrypto's own backend): Argon2id ->
    AES-256-GCM with "confidant-agency-keyring", a zero byte and the key ids joined by ","
    (then another zero byte and the signing key's id) as additional data -> the 32-byte
    X25519 secrets in the order of `keys`, then the 32-byte Ed25519 seed; the current key
    (the first) as a jwcrypto private JWK, or with `signing` the signing key."""
    with open(agency["key"], encoding="utf-8") as f:
        keyfile = json.load(f)
    kdf, sealed = keyfile["kdf"], keyfile["encrypted_secret_keys"]
    assert (keyfile["format"], keyfile["version"], kdf["alg"], kdf["version"], sealed["alg"]) == (
        "confidant-agency-key", 2, "argon2id", 19, "A256GCM"), keyfile
    kek = Argon2id(salt=base64url_decode(kdf["salt"]), length=32, iterations=kdf["iterations"],
                   lanes=kdf["parallelism"], memory_cost=kdf["memory_kib"]).derive(
        agency["secret"].encode("utf-8"))
    keys = keyfile["keys"]
    aad = b"confidant-agency-keyring\0" + ",".join(key["kid"] for key in keys).encode("ascii")
    signing_key = keyfile.get("signing_key")
    if signing_key:
        aad += b"\0" + signing_key["kid"].encode("ascii")
    secrets = AESGCM(kek).decrypt(base64url_decode(sealed["iv"]), base64url_decode(sealed["ciphertext"]), aad)
    assert len(secrets) == 32 * len(keys) + (32 if signing_key else 0)
    if signing:
        private = jwk.JWK(kty="OKP", crv="Ed25519", x=signing_key["x"], d=base64url_encode(secrets[-32:]))
        assert private.thumbprint() == signing_key["kid"], "keyring seed does not match its signing key"
        return private
    public = keys[0]
    private = jwk.JWK(kty="OKP", crv="X25519", x=public["x"], d=base64url_encode(secrets[:32]))
    # jwcrypto checks nothing here; the thumbprint must name the same public key.
    assert private.thumbprint() == public["kid"], "keyring secret does not match its public key"
    return private


def jwcrypto_open(packet_text, key):
    token = jwe.JWE()
    token.deserialize(packet_text)
    token.decrypt(key)
    return token


def opened_payload(plaintext):
    text = plaintext.decode("utf-8")
    # Confidant pads with ASCII spaces to a size bucket (1 KiB at least); JSON ignores them.
    body = text.rstrip(" ")
    return json.loads(body), len(plaintext)


def meta_for(recipients, form_id="referral"):
    return {
        "format_version": 1,
        "form_id": form_id,
        "form_version": "1",
        "packet_id": base64url_encode(os.urandom(16)),
        "created": int(time.time()),
        "recipients": recipients,
    }


class JwcryptoOpensConfidant(unittest.TestCase):
    def test_jwcrypto_opens_packet_sealed_for_two_agencies_and_a_passphrase(self):
        police = jwcrypto_agency("police")
        shelter = confidant_agency("shelter")
        self.assertEqual(jwk.JWK(**shelter["jwk"]).thumbprint(), shelter["jwk"]["kid"],
                         "confidant's kid is not jwcrypto's RFC 7638 thumbprint")
        shelter["private"] = unlock_key_file(shelter)
        shared = write("shared.pass", SHARED + "\n")
        packet_text = confidant(
            ["seal", "--to", police["path"], "--to", shelter["path"],
             "--passphrase-file", shared, "--form", "referral@1"],
            json.dumps(PAYLOAD),
        )
        self.assertNotIn("canary", packet_text)
        packet = json.loads(packet_text)
        self.assertEqual(set(packet), {"protected", "recipients", "aad", "iv", "ciphertext", "tag"})
        kids = [police["jwk"]["kid"], shelter["jwk"]["kid"], "passphrase:1"]

        for agency in (police, shelter):
            token = jwcrypto_open(packet_text, agency["private"])
            payload, padded = opened_payload(token.payload)
            self.assertEqual(payload, PAYLOAD)
            self.assertEqual(padded, 1024, "a small payload is padded to the 1 KiB bucket")
            self.assertEqual(json.loads(token.objects["protected"]), {"enc": "A256GCM"})
            # The authenticated metadata names the recipients in order.
            meta = json.loads(token.objects["aad"])
            self.assertEqual((meta["format_version"], meta["form_id"], meta["form_version"]),
                             (1, "referral", "1"))
            self.assertEqual(meta["recipients"], kids)
            self.assertEqual([h["kid"] for h in token.jose_header], kids)

        token = jwcrypto_open(packet_text, jwk.JWK.from_password(SHARED))
        self.assertEqual(opened_payload(token.payload)[0], PAYLOAD)
        p2c = token.jose_header[2]["p2c"]
        self.assertTrue(P2C_MIN <= p2c <= P2C_MAX, p2c)

        for wrong in (jwk.JWK.from_password("wrong"), jwcrypto_agency("stranger")["private"]):
            with self.assertRaises(jwe.InvalidJWEData):
                jwcrypto_open(packet_text, wrong)

    def test_jwcrypto_refuses_a_tampered_packet(self):
        police = jwcrypto_agency("police-t")
        shared = write("shared-t.pass", SHARED + "\n")
        packet_text = confidant(["seal", "--to", police["path"], "--passphrase-file", shared,
                                 "--form", "referral@1"], json.dumps(PAYLOAD))
        keys = {"agency": police["private"], "passphrase": jwk.JWK.from_password(SHARED)}
        for key in keys.values():  # the untampered packet opens with both keys
            self.assertEqual(opened_payload(jwcrypto_open(packet_text, key).payload)[0], PAYLOAD)

        def flip(value):
            raw = bytearray(base64url_decode(value))
            raw[len(raw) // 2] ^= 0x01
            return base64url_encode(bytes(raw))

        def edited_aad(p):
            meta = b64json(p["aad"])
            meta["form_id"] = "other-form"
            p["aad"] = base64url_encode(json.dumps(meta, separators=(",", ":")).encode())

        def other_epk(p):
            p["recipients"][0]["header"]["epk"]["x"] = jwcrypto_agency("epk")["jwk"]["x"]

        edits = {
            "ciphertext": lambda p: p.update(ciphertext=flip(p["ciphertext"])),
            "tag": lambda p: p.update(tag=flip(p["tag"])),
            "iv": lambda p: p.update(iv=flip(p["iv"])),
            "aad": edited_aad,
            # The same header as other text: GCM authenticates it as text.
            "protected": lambda p: p.update(protected=base64url_encode(b'{"enc": "A256GCM"}')),
            "agency encrypted_key": lambda p: p["recipients"][0].update(
                encrypted_key=flip(p["recipients"][0]["encrypted_key"])),
            "agency epk": other_epk,
            "passphrase p2s": lambda p: p["recipients"][1]["header"].update(
                p2s=flip(p["recipients"][1]["header"]["p2s"])),
        }
        # Shared members lock out every recipient; a recipient's own header or wrapped key
        # locks out that recipient (docs/packet.md, "What tampering can do").
        locked_out = {"agency encrypted_key": ["agency"], "agency epk": ["agency"],
                      "passphrase p2s": ["passphrase"]}
        for what, edit in edits.items():
            tampered = json.loads(packet_text)
            edit(tampered)
            tampered_text = json.dumps(tampered)
            self.assertTrue(tampered_text != json.dumps(json.loads(packet_text)), f"editing {what} changed nothing")
            for name in locked_out.get(what, keys):
                with self.subTest(tampered=what, key=name):
                    with self.assertRaises(jwe.InvalidJWEData, msg=f"jwcrypto opened a packet with a tampered {what}"):
                        jwcrypto_open(tampered_text, keys[name])
            for name in set(keys) - set(locked_out.get(what, keys)):
                with self.subTest(untouched=what, key=name):
                    self.assertEqual(opened_payload(jwcrypto_open(tampered_text, keys[name]).payload)[0], PAYLOAD)


class ConfidantOpensJwcrypto(unittest.TestCase):
    def encrypt(self, meta, agencies, passphrase, p2c=P2C_MIN, plaintext=None):
        """General JWE from jwcrypto, shaped as docs/packet.md requires: protected header
        {"enc":"A256GCM"} only, metadata in `aad`, alg and kid in each recipient header."""
        if plaintext is None:
            plaintext = json.dumps(PAYLOAD).encode("utf-8")
        token = jwe.JWE(plaintext, protected={"enc": "A256GCM"},
                        aad=json.dumps(meta, separators=(",", ":")).encode("utf-8"), flattened=False)
        for agency in agencies:
            token.add_recipient(jwk.JWK(**agency["jwk"]),
                                header={"alg": "ECDH-ES+A256KW", "kid": agency["jwk"]["kid"]})
        header = {"alg": "PBES2-HS512+A256KW", "kid": "passphrase:1"}
        if p2c is not None:
            header["p2c"] = p2c
        token.add_recipient(jwk.JWK.from_password(passphrase), header=header)
        return token.serialize()

    def test_confidant_opens_general_jwe_written_by_jwcrypto(self):
        police = confidant_agency("police-b")
        shelter = confidant_agency("shelter-b")
        passphrase = "a passphrase chosen by the sender"
        meta = meta_for([police["jwk"]["kid"], shelter["jwk"]["kid"], "passphrase:1"])
        packet_text = self.encrypt(meta, [police, shelter], passphrase)
        packet = json.loads(packet_text)
        self.assertEqual(set(packet), {"protected", "recipients", "aad", "iv", "ciphertext", "tag"})
        self.assertEqual(len(packet["recipients"]), 3)

        for agency in (police, shelter):
            opened = confidant(["open", "--key", agency["key"], "--passphrase-file", agency["passphrase"]],
                               packet_text)
            self.assertEqual(json.loads(opened), PAYLOAD)
        opened = confidant(["open", "--passphrase-file", write("jwcrypto.pass", passphrase + "\n")], packet_text)
        self.assertEqual(json.loads(opened), PAYLOAD)

        # And it refuses jwcrypto's packet once tampered, with the one opaque error.
        tampered = dict(packet)
        raw = bytearray(base64url_decode(packet["ciphertext"]))
        raw[0] ^= 0x01
        tampered["ciphertext"] = base64url_encode(bytes(raw))
        result = run(["open", "--key", police["key"], "--passphrase-file", police["passphrase"]],
                     json.dumps(tampered))
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, b"")
        self.assertIn(b"could not open the packet with this key", result.stderr)

    def test_confidant_refuses_jwcrypto_default_p2c_with_a_clear_line(self):
        police = confidant_agency("police-c")
        # No p2c: jwcrypto writes its default, 8192, below Confidant's floor.
        packet_text = self.encrypt(meta_for(["passphrase:1"]), [], "pw", p2c=None, plaintext=b"{}")
        self.assertEqual(json.loads(packet_text)["recipients"][0]["header"]["p2c"], 8192)
        result = run(["open", "--key", police["key"], "--passphrase-file", police["passphrase"]], packet_text)
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, b"")
        stderr = result.stderr.decode(errors="replace").strip()
        self.assertEqual(len(stderr.splitlines()), 1, stderr)
        self.assertIn("p2c", stderr)


class SignedPackets(unittest.TestCase):
    """docs/packet.md, "Signed packets": the JWE's protected header says `cty` JOSE+JSON and
    its plaintext is a flattened JWS (EdDSA) whose protected header carries `kid`, `jwk`
    and `confidant_packet`, the JWE's `aad` member verbatim."""

    def test_jwcrypto_verifies_what_confidant_signed(self):
        police = confidant_agency("police-s")
        shelter = confidant_agency("shelter-s")
        shelter["private"] = unlock_key_file(shelter)
        packet_text = confidant(
            ["seal", "--to", shelter["path"], "--form", "referral@2",
             "--sign-with", police["key"], "--sign-passphrase-file", police["passphrase"]],
            json.dumps(PAYLOAD))
        packet = json.loads(packet_text)
        self.assertEqual(b64json(packet["protected"]), {"enc": "A256GCM", "cty": "JOSE+JSON"})
        token = jwcrypto_open(packet_text, shelter["private"])
        inner = token.payload.decode("utf-8").rstrip(" ")
        signed = jws.JWS()
        signed.deserialize(inner)
        signed.verify(jwk.JWK(**police["signing_jwk"]), alg="EdDSA")
        self.assertEqual(json.loads(signed.payload), PAYLOAD)
        header = signed.jose_header
        self.assertEqual(header["alg"], "EdDSA")
        self.assertEqual(header["kid"], police["signing_jwk"]["kid"])
        self.assertEqual(header["confidant_packet"], packet["aad"])
        # Another agency's signing key does not verify it.
        with self.assertRaises(jws.InvalidJWSSignature):
            signed.verify(jwk.JWK(**shelter["signing_jwk"]), alg="EdDSA")

    def test_confidant_verifies_what_jwcrypto_signed_and_refuses_it_changed(self):
        police = confidant_agency("police-v")
        shelter = confidant_agency("shelter-v")
        signing = unlock_key_file(police, signing=True)
        meta = meta_for([shelter["jwk"]["kid"]])
        aad = json.dumps(meta, separators=(",", ":")).encode("utf-8")

        def packet_with(payload, header_aad=None):
            signed = jws.JWS(json.dumps(payload).encode("utf-8"))
            signed.add_signature(signing, alg="EdDSA", protected=json.dumps({
                "alg": "EdDSA", "kid": police["signing_jwk"]["kid"], "jwk": police["signing_jwk"],
                "confidant_packet": header_aad or base64url_encode(aad)}))
            token = jwe.JWE(signed.serialize().encode("utf-8"),
                            protected={"enc": "A256GCM", "cty": "JOSE+JSON"}, aad=aad, flattened=False)
            token.add_recipient(jwk.JWK(**shelter["jwk"]),
                                header={"alg": "ECDH-ES+A256KW", "kid": shelter["jwk"]["kid"]})
            return token.serialize()

        open_args = ["open", "--key", shelter["key"], "--passphrase-file", shelter["passphrase"]]
        result = run(open_args, packet_with(PAYLOAD))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), PAYLOAD)
        self.assertIn(f"signed by {police['signing_jwk']['kid']}".encode("ascii"), result.stderr)

        # Signed for another packet (its metadata differs): refused, nothing written out.
        other = base64url_encode(json.dumps(meta_for(["someone-else"]), separators=(",", ":")).encode("utf-8"))
        result = run(open_args, packet_with(PAYLOAD, header_aad=other))
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, b"")
        self.assertIn(b"made for another packet", result.stderr)
        self.assertNotIn(b"canary", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
