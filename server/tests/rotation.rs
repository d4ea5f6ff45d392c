//! An agency's key and credential replaced on a running deployment, as an operator does
//! it with the real `confidant` process: `agency rotate` keeps the agency's name, kind,
//! credential and waiting packets, the directory publishes the new key, and a packet
//! still sealed to the former key is delivered; `agency credential` revokes the former
//! credential and keeps every packet. A rotation onto another agency's key, or of an
//! agency that does not exist, is refused and changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{Scratch, Server, authorized, register_agency, request, sealed_packet, upload};
use confidant_core::keys::AgencyKeyPair;

fn agency_command(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(common::BIN)
        .arg("agency")
        .arg(args[0])
        .args(["--data", data.to_str().unwrap()])
        .args(&args[1..])
        .output()
        .unwrap()
}

fn inbox_ids(server: &Server, credential: &str) -> Result<Vec<String>, u16> {
    let response = request(
        server.address,
        "GET",
        "/api/v1/inbox",
        &[("authorization", &authorized(credential))],
        b"",
    )
    .unwrap();
    if response.status != 200 {
        return Err(response.status);
    }
    let mut ids: Vec<String> = response.json()["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|packet| packet["packet_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    Ok(ids)
}

fn directory_kids(server: &Server) -> Vec<String> {
    let response = request(server.address, "GET", "/api/v1/directory", &[], b"").unwrap();
    response.json()["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|agency| agency["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_rotated_agency_keeps_its_credential_and_waiting_packets_and_receives_under_both_keys() {
    let scratch = Scratch::new("rotation");
    let data = scratch.path("data");
    let shelter = register_agency(&scratch, &data, "Shelter North");
    let police = register_agency(&scratch, &data, "Police unit");
    let old_kid = shelter.keys.public.kid().to_owned();
    let server = Server::start(&data, &[]);
    for n in 0..3 {
        let packet = sealed_packet(&[&shelter.keys.public], &format!("canary-{n}"), 500);
        assert!(upload(server.address, &packet).unwrap().status < 300);
    }
    let before = inbox_ids(&server, &shelter.credential).unwrap();
    assert_eq!(before.len(), 3);

    // The agency's next key.
    let next = AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let next_jwk = scratch.write("next.jwk", &next.public.to_jwk_json());
    let rotated = agency_command(
        &data,
        &[
            "rotate",
            &format!("--kid={}", &old_kid),
            "--key",
            next_jwk.to_str().unwrap(),
        ],
    );
    let said = String::from_utf8_lossy(&rotated.stdout);
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert!(said.contains("3 waiting packet(s)"), "{said}");
    assert!(said.contains(&next.public.fingerprint()), "{said}");

    // The same credential lists the same packets; the directory publishes the new key
    // only, under the same name.
    assert_eq!(inbox_ids(&server, &shelter.credential).unwrap(), before);
    let kids = directory_kids(&server);
    assert!(kids.contains(&next.public.kid().to_owned()));
    assert!(!kids.contains(&old_kid));
    let listed = String::from_utf8_lossy(&agency_command(&data, &["list"]).stdout).into_owned();
    assert!(
        listed.contains(&format!("{}\tngo\t", next.public.kid())),
        "{listed}"
    );
    assert!(listed.contains("Shelter North"));

    // A referral sealed to the former key (an outbox that was offline) is still
    // delivered, and one sealed to the new key arrives beside it; a packet naming both
    // arrives once.
    let late = sealed_packet(&[&shelter.keys.public], "late", 500);
    let new = sealed_packet(&[&next.public], "new", 500);
    let both = sealed_packet(&[&shelter.keys.public, &next.public], "both", 500);
    for packet in [&late, &new, &both] {
        assert!(upload(server.address, packet).unwrap().status < 300);
    }
    let after = inbox_ids(&server, &shelter.credential).unwrap();
    assert_eq!(after.len(), 6, "{after:?}");
    for packet in [&late, &new, &both] {
        assert!(after.contains(&common::packet_id(packet)));
    }

    // A new credential: the former one is refused, the new one lists every packet.
    let reissued = agency_command(&data, &["credential", "--kid", next.public.kid()]);
    assert!(reissued.status.success());
    let reissued = String::from_utf8_lossy(&reissued.stdout).into_owned();
    let credential = reissued
        .lines()
        .find_map(|line| line.strip_prefix("credential (shown once; give it to the agency): "))
        .unwrap();
    assert_eq!(inbox_ids(&server, &shelter.credential), Err(401));
    assert_eq!(inbox_ids(&server, credential).unwrap(), after);

    // Refused, and nothing changes: onto the police's key, onto the former key, of an
    // agency that is not there, and the credential of an unknown key id.
    let police_jwk = scratch.write("police-again.jwk", &police.keys.public.to_jwk_json());
    let old_jwk = scratch.write("old.jwk", &shelter.keys.public.to_jwk_json());
    for (key, from) in [
        (&police_jwk, next.public.kid()),
        (&old_jwk, next.public.kid()),
    ] {
        let refused = agency_command(
            &data,
            &[
                "rotate",
                &format!("--kid={}", from),
                "--key",
                key.to_str().unwrap(),
            ],
        );
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("already registered"));
    }
    let refused = agency_command(
        &data,
        &[
            "rotate",
            &format!("--kid={}", &old_kid),
            "--key",
            next_jwk.to_str().unwrap(),
        ],
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains(&format!("no agency with key id {old_kid}"))
    );
    let refused = agency_command(&data, &["credential", "--kid", &old_kid]);
    assert!(!refused.status.success());
    assert_eq!(inbox_ids(&server, credential).unwrap(), after);
    assert_eq!(
        inbox_ids(&server, &police.credential).unwrap(),
        Vec::<String>::new()
    );

    // Removing the agency removes its former key too: nothing more is accepted for it.
    let removed = agency_command(&data, &["remove", "--kid", next.public.kid()]);
    assert!(removed.status.success());
    let late_again = sealed_packet(&[&shelter.keys.public], "after removal", 500);
    assert_eq!(upload(server.address, &late_again).unwrap().status, 422);
}
