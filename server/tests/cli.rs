//! The agencies' commands, run as a real process: `confidant keygen`, `seal` and `open`.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Scratch, confidant};

use std::path::{Path, PathBuf};
use std::process::Output;

const PAYLOAD: &str =
    r#"{"name":"canary-Amal-9f2c","answers":{"q1":"yes","note":"canary-note-77d1"}}"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the command failed with exactly one line on standard error, and returns it.
fn failure(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected a failure, got {}",
        text(&output.stdout)
    );
    assert!(
        output.stdout.is_empty(),
        "a failure wrote to stdout: {}",
        text(&output.stdout)
    );
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    stderr.trim_end().to_owned()
}

fn success(output: &Output) -> String {
    assert!(output.status.success(), "failed: {}", text(&output.stderr));
    text(&output.stdout)
}

fn keygen(scratch: &Scratch, name: &str, passphrase: &str) -> (PathBuf, PathBuf, PathBuf) {
    let passphrase_file = scratch.write(&format!("{name}.pass"), &format!("{passphrase}\n"));
    let out = scratch.path(name);
    let printed = success(&confidant(
        &[
            "keygen",
            "--out",
            out.to_str().unwrap(),
            "--passphrase-file",
            passphrase_file.to_str().unwrap(),
        ],
        "",
    ));
    assert!(printed.contains("fingerprint: "), "{printed}");
    (
        scratch.path(&format!("{name}.key")),
        scratch.path(&format!("{name}.jwk")),
        passphrase_file,
    )
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn keygen_writes_a_private_key_file_and_a_public_jwk() {
    let scratch = Scratch::new("cli");
    let (key, jwk, pass) = keygen(&scratch, "shelter", "correct horse battery staple");

    let public =
        confidant_core::keys::PublicKey::from_jwk_json(&std::fs::read_to_string(&jwk).unwrap())
            .unwrap();
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(
        confidant_core::keys::KeyFile::public_key(&key_text).unwrap(),
        public
    );
    assert!(!key_text.contains("correct horse"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // The fingerprint printed is the key's.
    let again = confidant(
        &[
            "keygen",
            "--out",
            arg(&scratch.path("other")),
            "--passphrase-file",
            arg(&pass),
        ],
        "",
    );
    let printed = success(&again);
    let other = std::fs::read_to_string(scratch.path("other.jwk")).unwrap();
    let other = confidant_core::keys::PublicKey::from_jwk_json(&other).unwrap();
    assert!(
        printed.contains(&format!("fingerprint: {}", other.fingerprint())),
        "{printed}"
    );

    // An existing key pair is never overwritten.
    let error = failure(&confidant(
        &[
            "keygen",
            "--out",
            arg(&scratch.path("shelter")),
            "--passphrase-file",
            arg(&pass),
        ],
        "",
    ));
    assert!(error.contains("already exists"), "{error}");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), key_text);
}

#[test]
fn a_packet_sealed_to_two_agencies_and_a_passphrase_opens_for_each() {
    let scratch = Scratch::new("cli");
    let (police_key, police_jwk, police_pass) =
        keygen(&scratch, "police", "police unit copper lantern orbit");
    let (shelter_key, shelter_jwk, shelter_pass) =
        keygen(&scratch, "shelter", "shelter north violet meadow harbour");
    let shared = scratch.write("shared.pass", "a passphrase read aloud over the phone");

    let packet = success(&confidant(
        &[
            "seal",
            "--to",
            arg(&police_jwk),
            "--to",
            arg(&shelter_jwk),
            "--passphrase-file",
            arg(&shared),
            "--form",
            "referral@1",
        ],
        PAYLOAD,
    ));
    assert!(!packet.contains("canary"), "plaintext in the packet");
    let parsed = confidant_core::packet::Packet::parse(packet.trim()).unwrap();
    assert_eq!(parsed.meta().form_id(), "referral");
    assert_eq!(parsed.recipients().len(), 3);

    for (key, pass) in [(&police_key, &police_pass), (&shelter_key, &shelter_pass)] {
        let opened = success(&confidant(
            &["open", "--key", arg(key), "--passphrase-file", arg(pass)],
            &packet,
        ));
        assert_eq!(opened.trim_end(), PAYLOAD);
    }
    let output = confidant(&["open", "--passphrase-file", arg(&shared)], &packet);
    let opened = success(&output);
    assert_eq!(opened.trim_end(), PAYLOAD);
    // The packet's short reference, as the sender's outbox shows it, on standard error,
    // and that nobody vouches for its sender.
    let reference = confidant_core::packet::reference_code(parsed.meta().packet_id()).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        format!("reference {reference}\nnot signed: the sender is not verified")
    );
}

#[test]
fn an_answer_to_a_referral_opens_with_what_became_of_it_in_words() {
    use confidant_core::acknowledgment::{AckState, Acknowledgment, DeclineReason};
    let scratch = Scratch::new("cli-answer");
    let (police_key, police_jwk, police_pass) =
        keygen(&scratch, "police", "police unit copper lantern orbit");
    let shelter = confidant_core::keys::AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let referral = "AAECAwQFBgcICQoLDA0ODw";
    let answer = Acknowledgment {
        referral: referral.into(),
        state: AckState::Declined,
        reason: Some(DeclineReason::NoCapacity),
        note: "canary-note-no-bed".into(),
        from: shelter.public.clone(),
        at_unix_seconds: 1_764_460_934,
    };
    let payload = answer.to_payload().unwrap();
    let packet = success(&confidant(
        &[
            "seal",
            "--to",
            arg(&police_jwk),
            "--form",
            "acknowledgment@1",
        ],
        &payload,
    ));
    let output = confidant(
        &[
            "open",
            "--key",
            arg(&police_key),
            "--passphrase-file",
            arg(&police_pass),
        ],
        &packet,
    );
    assert_eq!(success(&output).trim_end(), payload.as_str());
    let said = text(&output.stderr);
    let line = said.lines().nth(2).unwrap();
    assert_eq!(
        line,
        format!(
            "answer to referral {}: declined (no capacity); stated by the key {} (not verified)",
            confidant_core::packet::reference_code(referral).unwrap(),
            shelter.public.fingerprint()
        )
    );
    // The note is the shelter's own words: in the payload, never in the line a log keeps.
    assert!(!said.contains("canary"));
}

#[test]
fn every_way_of_failing_to_open_reads_the_same() {
    let scratch = Scratch::new("cli");
    let (police_key, police_jwk, police_pass) =
        keygen(&scratch, "police", "police unit copper lantern orbit");
    let (other_key, _, other_pass) = keygen(&scratch, "other", "other agency quiet orchard ladder");
    let shared = scratch.write("shared.pass", "the right passphrase");
    let wrong = scratch.write("wrong.pass", "the wrong passphrase");
    let packet = success(&confidant(
        &[
            "seal",
            "--to",
            arg(&police_jwk),
            "--passphrase-file",
            arg(&shared),
        ],
        PAYLOAD,
    ));

    let opaque = "confidant: could not open the packet with this key";
    // Another agency's key.
    let error = failure(&confidant(
        &[
            "open",
            "--key",
            arg(&other_key),
            "--passphrase-file",
            arg(&other_pass),
        ],
        &packet,
    ));
    assert_eq!(error, opaque);
    // The wrong passphrase for the packet.
    let error = failure(&confidant(
        &["open", "--passphrase-file", arg(&wrong)],
        &packet,
    ));
    assert_eq!(error, opaque);
    // A tampered ciphertext.
    let mut value: serde_json::Value = serde_json::from_str(&packet).unwrap();
    let ciphertext = value["ciphertext"].as_str().unwrap().to_owned();
    let flipped = if ciphertext.starts_with('A') {
        "B"
    } else {
        "A"
    };
    value["ciphertext"] = serde_json::Value::String(format!("{flipped}{}", &ciphertext[1..]));
    let error = failure(&confidant(
        &[
            "open",
            "--key",
            arg(&police_key),
            "--passphrase-file",
            arg(&police_pass),
        ],
        &value.to_string(),
    ));
    assert_eq!(error, opaque);

    // The wrong passphrase for the key file is about the key file, not the packet.
    let error = failure(&confidant(
        &[
            "open",
            "--key",
            arg(&police_key),
            "--passphrase-file",
            arg(&wrong),
        ],
        &packet,
    ));
    assert!(error.starts_with("confidant: "), "{error}");
    assert_ne!(error, opaque);
}

#[test]
fn bad_input_gets_one_clear_line_and_never_an_echo() {
    let scratch = Scratch::new("cli");
    let (key, jwk, pass) = keygen(&scratch, "police", "police unit copper lantern orbit");

    let error = failure(&confidant(
        &["open", "--key", arg(&key), "--passphrase-file", arg(&pass)],
        "not json at all",
    ));
    assert!(error.contains("not a packet"), "{error}");

    let error = failure(&confidant(
        &["open", "--key", arg(&key), "--passphrase-file", arg(&pass)],
        r#"{"protected":"e30"}"#,
    ));
    assert!(error.contains("not a packet"), "{error}");

    let error = failure(&confidant(
        &["seal", "--to", arg(&jwk)],
        "canary-not-json-5e1b {",
    ));
    assert!(error.contains("not JSON"), "{error}");
    assert!(!error.contains("canary"), "{error}");

    let error = failure(&confidant(&["seal"], PAYLOAD));
    assert!(error.contains("at least one recipient"), "{error}");

    let error = failure(&confidant(&["seal", "--to", arg(&key)], PAYLOAD));
    assert!(error.starts_with("confidant: "), "{error}");

    let error = failure(&confidant(
        &["seal", "--to", arg(&jwk), "--form", "referral"],
        PAYLOAD,
    ));
    assert!(error.contains("ID@VERSION"), "{error}");

    // A passphrase typed on the command line is refused and not repeated.
    let error = failure(&confidant(
        &[
            "seal",
            "--to",
            arg(&jwk),
            "--passphrase",
            "canary-secret-31",
        ],
        PAYLOAD,
    ));
    assert!(!error.contains("canary"), "{error}");

    let empty = scratch.write("empty.pass", "\n");
    let error = failure(&confidant(
        &[
            "keygen",
            "--out",
            arg(&scratch.path("x")),
            "--passphrase-file",
            arg(&empty),
        ],
        "",
    ));
    assert!(error.contains("empty"), "{error}");
    assert!(!scratch.path("x.key").exists());

    // A weak passphrase is refused, with advice and without an echo, and writes nothing.
    for weak in ["x", "password123", "shelter2026", "confidant shelter"] {
        let file = scratch.write("weak.pass", &format!("{weak}\n"));
        let error = failure(&confidant(
            &[
                "keygen",
                "--out",
                arg(&scratch.path("shelter")),
                "--passphrase-file",
                arg(&file),
            ],
            "",
        ));
        assert!(error.contains("too easy to guess"), "{weak}: {error}");
        assert!(error.contains("four or more"), "{error}");
        assert!(!error.contains(weak), "{error}");
        assert!(!scratch.path("shelter.key").exists());
    }

    let error = failure(&confidant(&["frobnicate"], ""));
    assert!(error.contains("unknown command"), "{error}");
}

#[test]
fn a_key_id_that_begins_with_two_hyphens_is_read_after_a_space_too() {
    let scratch = Scratch::new("cli-hyphen-kid");
    let data = scratch.path("data");
    // One key id in 4,096 begins with `--`.
    let keys = std::iter::repeat_with(|| {
        confidant_core::keys::AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap()
    })
    .find(|keys| keys.public.kid().starts_with("--"))
    .unwrap();
    let kid = keys.public.kid();
    let jwk = scratch.write("hyphen.jwk", &keys.public.to_jwk_json());
    let d = data.to_str().unwrap();
    let added = confidant(
        &[
            "agency",
            "add",
            "--data",
            d,
            "--name",
            "Hyphen house",
            "--kind",
            "ngo",
            "--key",
            jwk.to_str().unwrap(),
        ],
        "",
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let credential = confidant(&["agency", "credential", "--kid", kid, "--data", d], "");
    assert!(credential.status.success(), "{}", text(&credential.stderr));
    let removed = confidant(&["agency", "remove", "--data", d, "--kid", kid], "");
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    assert!(text(&removed.stdout).contains(&format!("removed {kid}")));
}
