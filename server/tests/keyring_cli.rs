//! An agency's keyring through its life on the command line, against a running server:
//! made with `keygen`, rotated with `keygen --rotate` and published with `agency rotate`,
//! opening packets sealed to either key with one `open`; the former key retired only once
//! nothing in the inbox needs it (checked in the store with `--data` and through the
//! server with `--inbox`); and a version 1 key file that still opens, and becomes a
//! keyring when rotated, its original kept.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{Scratch, Server, confidant, ok, refused, s};
use confidant::store::{SqliteStore, Store};
use confidant_core::keys::{AgencyKeyPair, KdfParams, KeyFile, Passphrase, PublicKey};

const PASSPHRASE: &str = "shelter north violet meadow harbour";

fn public(jwk: &Path) -> PublicKey {
    PublicKey::from_jwk_json(&std::fs::read_to_string(jwk).unwrap()).unwrap()
}

fn seal(jwk: &Path, payload: &str) -> String {
    ok(&confidant(
        &["seal", "--to", s(jwk), "--form", "referral@1"],
        payload,
    ))
}

fn upload(server: &Server, packet: &str) -> String {
    let response = common::upload(server.address, packet).unwrap();
    assert!(response.status < 300, "{}", response.status);
    common::packet_id(packet)
}

#[test]
fn a_keyring_rotates_opens_both_generations_and_retires_a_key_only_when_nothing_needs_it() {
    let scratch = Scratch::new("keyring");
    let data = scratch.path("data");
    let pass = scratch.write("pass", &format!("{PASSPHRASE}\n"));
    let out = scratch.path("shelter");
    ok(&confidant(
        &["keygen", "--out", s(&out), "--passphrase-file", s(&pass)],
        "",
    ));
    let key = scratch.path("shelter.key");
    let jwk = scratch.path("shelter.jwk");
    assert_eq!(
        KeyFile::version(&std::fs::read_to_string(&key).unwrap()).unwrap(),
        2
    );
    let first = public(&jwk);
    let registered = ok(&confidant(
        &[
            "agency",
            "add",
            "--data",
            s(&data),
            "--name",
            "Shelter North",
            "--kind",
            "shelter",
            "--key",
            s(&jwk),
        ],
        "",
    ));
    let credential = registered
        .lines()
        .find_map(|line| line.strip_prefix("credential (shown once; give it to the agency): "))
        .unwrap();
    let credential_file = scratch.write("credential", credential);
    let server = Server::start(&data, &[]);
    let url = format!("http://{}", server.address);
    let old_id = upload(&server, &seal(&jwk, r#"{"sealed":"to the first key"}"#));

    // Rotated: a new current key in the ring, published under the same agency.
    let rotated = ok(&confidant(
        &["keygen", "--rotate", s(&key), "--passphrase-file", s(&pass)],
        "",
    ));
    let second = public(&jwk);
    assert_ne!(first, second);
    assert!(rotated.contains(&second.fingerprint()), "{rotated}");
    assert_eq!(
        KeyFile::public_keys(&std::fs::read_to_string(&key).unwrap()).unwrap(),
        [second.clone(), first.clone()]
    );
    ok(&confidant(
        &[
            "agency",
            "rotate",
            "--data",
            s(&data),
            &format!("--kid={}", first.kid()),
            "--key",
            s(&jwk),
        ],
        "",
    ));
    upload(&server, &seal(&jwk, r#"{"sealed":"to the second key"}"#));

    // One open with the ring opens both generations.
    let fetched = ok(&confidant(
        &[
            "inbox",
            "--server",
            &url,
            "--credential-file",
            s(&credential_file),
            "--fetch-all",
            s(&scratch.0),
        ],
        "",
    ));
    let paths: Vec<&str> = fetched.lines().collect();
    assert_eq!(paths.len(), 2);
    let mut opened: Vec<String> = paths
        .iter()
        .map(|path| {
            ok(&confidant(
                &["open", "--key", s(&key), "--passphrase-file", s(&pass)],
                &std::fs::read_to_string(path).unwrap(),
            ))
            .trim()
            .to_owned()
        })
        .collect();
    opened.sort();
    assert_eq!(
        opened,
        [
            r#"{"sealed":"to the first key"}"#,
            r#"{"sealed":"to the second key"}"#
        ]
    );

    // The first key is refused retirement while its packet is in the inbox, read either
    // in the store or through the server; acknowledged is not enough: it must be gone.
    let retire_first = format!("--retire={}", first.kid());
    let retire = |place: &[&str]| {
        let mut args = vec![
            "keygen",
            &retire_first,
            "--key",
            s(&key),
            "--passphrase-file",
            s(&pass),
        ];
        args.extend_from_slice(place);
        confidant(&args, "")
    };
    let reference = confidant_core::packet::reference_code(&old_id).unwrap();
    let by_store = ["--data", s(&data)];
    let by_server = [
        "--inbox",
        url.as_str(),
        "--credential-file",
        s(&credential_file),
    ];
    for place in [&by_store[..], &by_server[..]] {
        let said = refused(&retire(place));
        assert!(
            said.contains(&format!("packet {reference} is still in the inbox")),
            "{said}"
        );
    }
    ok(&confidant(
        &[
            "inbox",
            "--server",
            &url,
            "--credential-file",
            s(&credential_file),
            "--ack",
            &old_id,
        ],
        "",
    ));
    refused(&retire(&by_server));
    // Expired (as the server's expiry does once the acknowledged retention has passed).
    let store = SqliteStore::open(&data).unwrap();
    assert_eq!(store.expire(i64::MAX as u64, 0).unwrap(), 1);
    let said = ok(&retire(&by_server));
    assert!(said.contains("1 packet(s) checked"), "{said}");
    assert_eq!(
        KeyFile::public_keys(&std::fs::read_to_string(&key).unwrap()).unwrap(),
        std::slice::from_ref(&second)
    );
    // The current key is never retired.
    let said = refused(&confidant(
        &[
            "keygen",
            &format!("--retire={}", second.kid()),
            "--key",
            s(&key),
            "--passphrase-file",
            s(&pass),
            "--data",
            s(&data),
        ],
        "",
    ));
    assert!(said.contains("this is the current key"), "{said}");
}

#[test]
fn a_version_1_key_file_still_opens_and_becomes_a_keyring_when_rotated() {
    let scratch = Scratch::new("keyfile-v1");
    let pass = scratch.write("pass", &format!("{PASSPHRASE}\n"));
    let pair = AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let v1 = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &Passphrase::new(PASSPHRASE.into()),
        KdfParams::MINIMUM,
        &mut getrandom::SysRng,
    )
    .unwrap();
    let key = scratch.write("old.key", &v1);
    let jwk = scratch.write("old.jwk", &pair.public.to_jwk_json());
    let packet = seal(&jwk, r#"{"from":"before keyrings"}"#);
    let open = || {
        ok(&confidant(
            &["open", "--key", s(&key), "--passphrase-file", s(&pass)],
            &packet,
        ))
    };
    assert_eq!(open().trim(), r#"{"from":"before keyrings"}"#);

    ok(&confidant(
        &["keygen", "--rotate", s(&key), "--passphrase-file", s(&pass)],
        "",
    ));
    assert_eq!(
        std::fs::read_to_string(scratch.path("old.key.v1")).unwrap(),
        v1
    );
    let ring = std::fs::read_to_string(&key).unwrap();
    assert_eq!(KeyFile::version(&ring).unwrap(), 2);
    assert_eq!(KeyFile::public_keys(&ring).unwrap()[1], pair.public);
    assert_eq!(open().trim(), r#"{"from":"before keyrings"}"#);
    // A wrong passphrase changes nothing.
    let wrong = scratch.write("wrong", "not the passphrase\n");
    refused(&confidant(
        &[
            "keygen",
            "--rotate",
            s(&key),
            "--passphrase-file",
            s(&wrong),
        ],
        "",
    ));
    assert_eq!(std::fs::read_to_string(&key).unwrap(), ring);
}
