//! Signed referrals on the command line, against a running server: `keygen` makes a
//! signing key with every keyring, the directory publishes it, `seal --sign-with` signs,
//! and `open` says who signed on standard error, by name when given the directory. A
//! packet one agency signed in another's name is refused; an unsigned one says so; a
//! keyring without a signing key cannot sign.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{Scratch, Server, confidant, refused, s};
use confidant_core::keys::{AgencyKeyPair, KdfParams, KeyFile, Keyring, Passphrase, PublicKey};
use confidant_core::signing::SigningPublicKey;

const PASSPHRASE: &str = "police unit amber lantern quarry";

fn ok(output: &Output) -> (String, String) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

struct Made {
    key: std::path::PathBuf,
    jwk: std::path::PathBuf,
    sign_jwk: std::path::PathBuf,
}

fn keygen(scratch: &Scratch, name: &str, pass: &Path) -> Made {
    let out = scratch.path(name);
    let (said, _) = ok(&confidant(
        &["keygen", "--out", s(&out), "--passphrase-file", s(pass)],
        "",
    ));
    let made = Made {
        key: scratch.path(&format!("{name}.key")),
        jwk: scratch.path(&format!("{name}.jwk")),
        sign_jwk: scratch.path(&format!("{name}.sign.jwk")),
    };
    let signing = signing(&made);
    assert!(
        said.contains(&format!(
            "signing key fingerprint: {}",
            signing.fingerprint()
        )),
        "{said}"
    );
    made
}

fn signing(made: &Made) -> SigningPublicKey {
    SigningPublicKey::from_jwk_json(&std::fs::read_to_string(&made.sign_jwk).unwrap()).unwrap()
}

fn kid(made: &Made) -> String {
    PublicKey::from_jwk_json(&std::fs::read_to_string(&made.jwk).unwrap())
        .unwrap()
        .kid()
        .to_owned()
}

fn add(data: &Path, name: &str, kind: &str, made: &Made, with_signing: bool) {
    let mut args = vec![
        "agency",
        "add",
        "--data",
        s(data),
        "--name",
        name,
        "--kind",
        kind,
        "--key",
        s(&made.jwk),
    ];
    if with_signing {
        args.extend(["--signing-key", s(&made.sign_jwk)]);
    }
    ok(&confidant(&args, ""));
}

fn payload(sender_kid: &str, text: &str) -> String {
    serde_json::json!({ "sender": { "kid": sender_kid }, "text": text }).to_string()
}

#[test]
fn a_signed_referral_names_its_sender_and_a_forged_one_is_refused() {
    let scratch = Scratch::new("signing");
    let data = scratch.path("data");
    let pass = scratch.write("pass", &format!("{PASSPHRASE}\n"));
    let police = keygen(&scratch, "police", &pass);
    let shelter = keygen(&scratch, "shelter", &pass);
    let clinic = keygen(&scratch, "clinic", &pass);
    // The police unit registers without its signing key, and publishes it afterwards.
    add(&data, "Police unit", "police", &police, false);
    add(&data, "Shelter North", "shelter", &shelter, true);
    add(&data, "Clinic", "health", &clinic, true);
    let (said, _) = ok(&confidant(
        &[
            "agency",
            "signing-key",
            "--data",
            s(&data),
            &format!("--kid={}", kid(&police)),
            "--key",
            s(&police.sign_jwk),
        ],
        "",
    ));
    assert!(said.contains(&signing(&police).fingerprint()), "{said}");

    let server = Server::start(&data, &[]);
    let directory = common::request(server.address, "GET", "/api/v1/directory", &[], b"")
        .unwrap()
        .json();
    let published: Vec<&str> = directory["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["signing_jwk"]["kid"].as_str().unwrap())
        .collect();
    assert_eq!(published.len(), 3);
    assert!(published.contains(&signing(&police).kid()));
    let directory_file = scratch.write("directory.json", &directory.to_string());

    // Signed by the police unit, for the shelter and the clinic.
    let sent = payload(&kid(&police), "canary-signed-3315");
    let (packet, _) = ok(&confidant(
        &[
            "seal",
            "--to",
            s(&shelter.jwk),
            "--to",
            s(&clinic.jwk),
            "--form",
            "referral@2",
            "--sign-with",
            s(&police.key),
            "--sign-passphrase-file",
            s(&pass),
        ],
        &sent,
    ));
    assert!(!packet.contains("canary-signed-3315"));
    let open_as = |reader: &Made, packet: &str, with_directory: bool| {
        let mut args = vec![
            "open",
            "--key",
            s(&reader.key),
            "--passphrase-file",
            s(&pass),
        ];
        if with_directory {
            args.extend(["--directory", s(&directory_file)]);
        }
        confidant(&args, packet)
    };
    let open = |packet: &str, with_directory: bool| open_as(&shelter, packet, with_directory);
    let (opened, said) = ok(&open(&packet, false));
    assert_eq!(opened.trim_end(), sent);
    let line = said
        .lines()
        .find(|line| line.starts_with("signed by "))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        line.starts_with(&format!("signed by {}", signing(&police).kid())),
        "{line}"
    );
    assert!(line.contains(&signing(&police).fingerprint()), "{line}");
    let (_, said) = ok(&open(&packet, true));
    assert!(said.contains(": Police unit (police)"), "{said}");

    // The clinic, which could read the police's referral, writes one in the police's name
    // and signs it with its own key: refused once the directory says whose key that is.
    let (forged, _) = ok(&confidant(
        &[
            "seal",
            "--to",
            s(&shelter.jwk),
            "--sign-with",
            s(&clinic.key),
            "--sign-passphrase-file",
            s(&pass),
        ],
        &payload(&kid(&police), "canary-forged-5120"),
    ));
    let error = refused(&open(&forged, true));
    assert!(
        error.contains("signed by Clinic, but it says it comes from Police unit"),
        "{error}"
    );
    assert!(!error.contains("canary-forged-5120"), "{error}");

    // Unsigned: opened, and said to be unverified.
    let (unsigned, _) = ok(&confidant(
        &["seal", "--to", s(&shelter.jwk)],
        &payload(&kid(&police), "unsigned"),
    ));
    let (_, said) = ok(&open(&unsigned, true));
    assert!(
        said.lines()
            .any(|line| line == "not signed: the sender is not verified"),
        "{said}"
    );

    // The shelter's signed answer: its line names the shelter once the directory has
    // verified the signature, and never calls the answer unverified.
    use confidant_core::acknowledgment::{AckState, Acknowledgment};
    let answer = Acknowledgment {
        referral: "AAECAwQFBgcICQoLDA0ODw".into(),
        state: AckState::Accepted,
        reason: None,
        note: "canary-note-bed-free".into(),
        from: PublicKey::from_jwk_json(&std::fs::read_to_string(&shelter.jwk).unwrap()).unwrap(),
        at_unix_seconds: 1_764_460_934,
    };
    let (signed_answer, _) = ok(&confidant(
        &[
            "seal",
            "--to",
            s(&police.jwk),
            "--form",
            "acknowledgment@1",
            "--sign-with",
            s(&shelter.key),
            "--sign-passphrase-file",
            s(&pass),
        ],
        &answer.to_payload().unwrap(),
    ));
    let open_answer = |with_directory: bool| {
        let (_, said) = ok(&open_as(&police, &signed_answer, with_directory));
        said.lines()
            .find(|line| line.starts_with("answer to referral "))
            .unwrap_or_else(|| panic!("{said}"))
            .to_owned()
    };
    let named = open_answer(true);
    assert!(
        named.ends_with("accepted; answered by Shelter North, whose signature is verified above"),
        "{named}"
    );
    let unnamed = open_answer(false);
    assert!(unnamed.contains("signed by the key above"), "{unnamed}");
    assert!(!unnamed.contains("not verified"), "{unnamed}");
    assert!(!named.contains("canary") && !unnamed.contains("canary"));
}

#[test]
fn a_keyring_without_a_signing_key_cannot_sign_until_rotated() {
    let scratch = Scratch::new("signing-old-ring");
    let pass = scratch.write("pass", &format!("{PASSPHRASE}\n"));
    let shelter = keygen(&scratch, "shelter", &pass);
    // A ring made before agencies signed.
    let old = Keyring::new(AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap());
    let old_key = scratch.write(
        "old.key",
        &KeyFile::seal_ring(
            &old,
            &Passphrase::new(PASSPHRASE.into()),
            KdfParams::MINIMUM,
            &mut getrandom::SysRng,
        )
        .unwrap(),
    );
    let seal = || {
        confidant(
            &[
                "seal",
                "--to",
                s(&shelter.jwk),
                "--sign-with",
                s(&old_key),
                "--sign-passphrase-file",
                s(&pass),
            ],
            "{}",
        )
    };
    let error = refused(&seal());
    assert!(error.contains("has no signing key"), "{error}");
    let (said, _) = ok(&confidant(
        &[
            "keygen",
            "--rotate",
            s(&old_key),
            "--passphrase-file",
            s(&pass),
        ],
        "",
    ));
    assert!(said.contains("added one"), "{said}");
    assert!(scratch.path("old.sign.jwk").exists());
    ok(&seal());
}

#[test]
fn a_rotation_comes_with_the_signing_keys_endorsement_which_the_directory_publishes() {
    use confidant_core::agency::{Directory, Pins, Trust};
    let scratch = Scratch::new("signing-endorse");
    let data = scratch.path("data");
    let pass = scratch.write("pass", &format!("{PASSPHRASE}\n"));
    let police = keygen(&scratch, "police", &pass);
    let shelter = keygen(&scratch, "shelter", &pass);
    add(&data, "Police unit", "police", &police, true);
    add(&data, "Shelter North", "shelter", &shelter, true);
    let first_kid = kid(&police);
    let directory = |server: &Server| {
        let text = common::request(server.address, "GET", "/api/v1/directory", &[], b"")
            .unwrap()
            .json()
            .to_string();
        Directory::parse(&text).unwrap()
    };
    let server = Server::start(&data, &[]);
    let mut pins = Pins::default();
    pins.check_all(&directory(&server).entries);

    let (said, _) = ok(&confidant(
        &[
            "keygen",
            "--rotate",
            s(&police.key),
            "--passphrase-file",
            s(&pass),
        ],
        "",
    ));
    let endorsement = scratch.path("police.endorsement");
    assert!(said.contains("--endorsement"), "{said}");
    // Another agency's endorsement, or none for this key, is refused by the operator's tool.
    let (_, _) = ok(&confidant(
        &[
            "keygen",
            "--rotate",
            s(&shelter.key),
            "--passphrase-file",
            s(&pass),
        ],
        "",
    ));
    let rotate = |endorsement: &Path| {
        confidant(
            &[
                "agency",
                "rotate",
                "--data",
                s(&data),
                &format!("--kid={first_kid}"),
                "--key",
                s(&police.jwk),
                "--endorsement",
                s(endorsement),
            ],
            "",
        )
    };
    let error = refused(&rotate(&scratch.path("shelter.endorsement")));
    assert!(
        error.contains("is not an endorsement of this key"),
        "{error}"
    );
    let (said, _) = ok(&rotate(&endorsement));
    assert!(
        said.contains("endorsed by the agency's signing key"),
        "{said}"
    );

    // The directory publishes it, and a browser's pins accept the rotation at once.
    let listed = directory(&server);
    let entry = listed
        .entries
        .iter()
        .find(|entry| entry.name == "Police unit")
        .unwrap();
    assert_eq!(entry.kid(), kid(&police));
    assert!(entry.endorsed);
    assert!(matches!(pins.trust(entry), Trust::Vouched { .. }));
}
