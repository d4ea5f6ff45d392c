//! `confidant serve`'s store, as a real process on loopback: the directory, every answer
//! to an upload, the inbox and its proof, and that a refused request changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use confidant_core::keys::AgencyKeyPair;

#[test]
fn uploads_are_stored_once_and_refusals_change_nothing() {
    let scratch = Scratch::new("api");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let shelter = register_agency(&scratch, &data, "Shelter");
    let server = Server::start(
        &data,
        &["--max-packet-bytes", "200000", "--rate-limit", "0"],
    );
    let address = server.address;

    // The directory lists both, with their keys and fingerprints.
    let directory = request(address, "GET", "/api/v1/directory", &[], b"").unwrap();
    assert_eq!(directory.status, 200);
    let agencies = directory.json()["agencies"].as_array().unwrap().clone();
    assert_eq!(agencies.len(), 2);
    let fingerprints: Vec<&str> = agencies
        .iter()
        .map(|a| a["fingerprint"].as_str().unwrap())
        .collect();
    assert!(fingerprints.contains(&police.keys.public.fingerprint().as_str()));
    assert_eq!(agencies[0]["jwk"]["kty"], "OKP");

    // Accepted: 201 with a receipt; the same packet again: the same receipt, stored once.
    let packet = sealed_packet(
        &[&police.keys.public, &shelter.keys.public],
        "canary-Ana-1",
        100,
    );
    let first = upload(address, &packet).unwrap();
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.json()["packet_id"], packet_id(&packet));
    let again = upload(address, &packet).unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), first.json());
    assert_eq!(row_counts(&data), (2, 1, 2));

    let stranger = AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let other = sealed_packet(&[&police.keys.public], "canary-Ana-2", 100);
    let mut tampered: serde_json::Value = serde_json::from_str(&other).unwrap();
    tampered["iv"] = "!!not-base64!!".into();
    let mut unsupported: serde_json::Value = serde_json::from_str(&other).unwrap();
    unsupported["recipients"][0]["header"]["alg"] = "RSA1_5".into();
    // The same packet id as the stored packet, with other bytes.
    let mut conflicting: serde_json::Value = serde_json::from_str(&packet).unwrap();
    let ciphertext = conflicting["ciphertext"].as_str().unwrap().to_owned();
    let flipped = if ciphertext.starts_with('A') {
        "B"
    } else {
        "A"
    };
    conflicting["ciphertext"] = format!("{flipped}{}", &ciphertext[1..]).into();
    let only_passphrase = {
        use confidant_core::keys::Passphrase;
        use confidant_core::packet::{FormRef, Recipient, seal_packet};
        let form = FormRef {
            id: "f".into(),
            version: "1".into(),
        };
        seal_packet(
            "{}",
            &form,
            0,
            &[Recipient::Passphrase(Passphrase::new("pw".into()))],
            &mut getrandom::SysRng,
        )
        .unwrap()
    };

    let jose = "application/jose+json";
    let refusals: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "plain JSON",
            "application/json",
            other.clone().into_bytes(),
            415,
            "unsupported_media_type",
        ),
        (
            "a form",
            "application/x-www-form-urlencoded",
            b"name=canary-Ana-3".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "binary",
            "application/octet-stream",
            vec![0, 159, 146, 150, 255],
            415,
            "unsupported_media_type",
        ),
        (
            "binary as a packet",
            jose,
            vec![0, 159, 146, 150, 255],
            400,
            "not_json",
        ),
        (
            "a JSON object",
            jose,
            br#"{"name":"canary-Ana-4"}"#.to_vec(),
            422,
            "not_a_packet",
        ),
        (
            "malformed base64",
            jose,
            tampered.to_string().into_bytes(),
            422,
            "not_a_packet",
        ),
        (
            "an unsupported algorithm",
            jose,
            unsupported.to_string().into_bytes(),
            422,
            "not_a_packet",
        ),
        (
            "an unknown recipient",
            jose,
            sealed_packet(&[&stranger.public], "canary-Ana-5", 100).into_bytes(),
            422,
            "unknown_recipient",
        ),
        (
            "only a passphrase",
            jose,
            only_passphrase.into_bytes(),
            422,
            "no_agency_recipient",
        ),
        (
            "too large",
            jose,
            sealed_packet(&[&police.keys.public], "canary-Ana-6", 300_000).into_bytes(),
            413,
            "too_large",
        ),
        (
            "a packet id taken",
            jose,
            conflicting.to_string().into_bytes(),
            409,
            "conflict",
        ),
    ];
    for (what, content_type, body, status, kind) in refusals {
        let response = request(
            address,
            "POST",
            "/api/v1/packets",
            &[("content-type", content_type)],
            &body,
        )
        .unwrap();
        assert_eq!(
            response.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&response.body)
        );
        assert_eq!(response.json()["error"], kind, "{what}");
        // A browser keeps a refused packet's kind only when it is in this list.
        assert!(
            confidant_core::packet::UPLOAD_REFUSAL_KINDS.contains(&kind),
            "{what}: `{kind}` is not in UPLOAD_REFUSAL_KINDS"
        );
        assert!(
            !response.json()["message"].as_str().unwrap().is_empty(),
            "{what}"
        );
        assert_eq!(row_counts(&data), (2, 1, 2), "{what} changed the database");
    }
}

#[test]
fn only_the_agency_reads_and_acknowledges_its_inbox() {
    let scratch = Scratch::new("inbox");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let shelter = register_agency(&scratch, &data, "Shelter");
    let server = Server::start(&data, &["--rate-limit", "0"]);
    let address = server.address;
    let for_police = sealed_packet(&[&police.keys.public], "canary-Bo-1", 100);
    let for_both = sealed_packet(
        &[&police.keys.public, &shelter.keys.public],
        "canary-Bo-2",
        100,
    );
    assert_eq!(upload(address, &for_police).unwrap().status, 201);
    assert_eq!(upload(address, &for_both).unwrap().status, 201);

    // No proof, a wrong proof, a malformed header: 401, and nothing listed.
    let police_auth = authorized(&police.credential);
    for headers in [
        vec![],
        vec![("authorization", "Bearer cfd1_not-a-credential")],
        vec![("authorization", police.credential.as_str())],
    ] {
        let response = request(address, "GET", "/api/v1/inbox", &headers, b"").unwrap();
        assert_eq!(response.status, 401);
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
        let response = request(
            address,
            "GET",
            &format!("/api/v1/inbox/{}", packet_id(&for_police)),
            &headers,
            b"",
        )
        .unwrap();
        assert_eq!(response.status, 401);
    }

    let inbox = request(
        address,
        "GET",
        "/api/v1/inbox",
        &[("authorization", &police_auth)],
        b"",
    )
    .unwrap();
    assert_eq!(inbox.status, 200);
    let listed: Vec<String> = inbox.json()["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["packet_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed.len(), 2);

    // The download is the packet, byte for byte, and it opens.
    let path = format!("/api/v1/inbox/{}", packet_id(&for_police));
    let download = request(
        address,
        "GET",
        &path,
        &[("authorization", &police_auth)],
        b"",
    )
    .unwrap();
    assert_eq!(download.status, 200);
    assert_eq!(
        download.header("content-type"),
        Some("application/jose+json")
    );
    assert_eq!(download.body, for_police.as_bytes());

    // The shelter sees only its own packet.
    let shelter_auth = authorized(&shelter.credential);
    let refused = request(
        address,
        "GET",
        &path,
        &[("authorization", &shelter_auth)],
        b"",
    )
    .unwrap();
    assert_eq!(refused.status, 404);
    let shelter_inbox = request(
        address,
        "GET",
        "/api/v1/inbox",
        &[("authorization", &shelter_auth)],
        b"",
    )
    .unwrap();
    assert_eq!(shelter_inbox.json()["packets"].as_array().unwrap().len(), 1);

    // Acknowledging marks it; acknowledging what is not yours is refused.
    let ack = format!("{path}/ack");
    assert_eq!(
        request(
            address,
            "POST",
            &ack,
            &[("authorization", &shelter_auth)],
            b""
        )
        .unwrap()
        .status,
        404
    );
    assert_eq!(
        request(
            address,
            "POST",
            &ack,
            &[("authorization", &police_auth)],
            b""
        )
        .unwrap()
        .status,
        204
    );
    let inbox = request(
        address,
        "GET",
        "/api/v1/inbox",
        &[("authorization", &police_auth)],
        b"",
    )
    .unwrap();
    let entry = inbox.json()["packets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["packet_id"] == packet_id(&for_police))
        .cloned()
        .unwrap();
    assert!(entry["acknowledged"].as_u64().is_some());
}

#[test]
fn too_many_requests_from_one_client_get_429() {
    let scratch = Scratch::new("rate");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let server = Server::start(&data, &["--rate-limit", "5"]);
    let statuses: Vec<u16> = (0..8)
        .map(|i| {
            let packet = sealed_packet(&[&police.keys.public], &format!("canary-rate-{i}"), 10);
            upload(server.address, &packet).unwrap().status
        })
        .collect();
    assert_eq!(&statuses[..5], &[201; 5]);
    assert!(
        statuses[5..].iter().all(|status| *status == 429),
        "{statuses:?}"
    );
    assert_eq!(row_counts(&data).1, 5);
}

#[test]
fn expiry_deletes_acknowledged_and_forgotten_packets() {
    use confidant::store::{SqliteStore, Store};
    let scratch = Scratch::new("expiry");
    let store = SqliteStore::open(&scratch.path("data")).unwrap();
    let agency = confidant::store::Agency {
        kid: "k".into(),
        name: "n".into(),
        kind: "ngo".into(),
        jwk: "{}".into(),
        fingerprint: "f".into(),
        signing_jwk: None,
        endorsement: None,
    };
    store.add_agency(&agency, &[1; 32], 0).unwrap();
    let kid = vec!["k".to_owned()];
    store
        .put_packet("acknowledged", &kid, b"a", 1_000, u64::MAX)
        .unwrap();
    store
        .put_packet("waiting", &kid, b"b", 1_000, u64::MAX)
        .unwrap();
    store
        .put_packet("recent", &kid, b"c", 5_000, u64::MAX)
        .unwrap();
    assert!(store.acknowledge("k", "acknowledged", 2_000).unwrap());

    // Acknowledged before 1,500: none; received before 900: none.
    assert_eq!(store.expire(1_500, 900).unwrap(), 0);
    // Acknowledged before 2,500: the acknowledged one goes.
    assert_eq!(store.expire(2_500, 900).unwrap(), 1);
    // Received before 3,000 and never acknowledged: the waiting one goes.
    assert_eq!(store.expire(2_500, 3_000).unwrap(), 1);
    let left: Vec<String> = store
        .inbox("k")
        .unwrap()
        .into_iter()
        .map(|entry| entry.packet_id)
        .collect();
    assert_eq!(left, vec!["recent".to_owned()]);
}

/// Every file of the data folder that contains `needle`.
fn files_containing(data: &std::path::Path, needle: &[u8]) -> Vec<String> {
    std::fs::read_dir(data)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let bytes = std::fs::read(path).unwrap();
            bytes.windows(needle.len()).any(|window| window == needle)
        })
        .map(|path| path.display().to_string())
        .collect()
}

/// A real packet whose ciphertext carries `canary` (base64url, a multiple of four
/// characters) in place of its first characters: the store only checks the structure.
fn packet_with_ciphertext_canary(to: &confidant_core::keys::PublicKey, canary: &str) -> String {
    assert_eq!(canary.len() % 4, 0);
    let mut packet: serde_json::Value =
        serde_json::from_str(&sealed_packet(&[to], "payload", 5_000)).unwrap();
    let ciphertext = packet["ciphertext"].as_str().unwrap().to_owned();
    packet["ciphertext"] = format!("{canary}{}", &ciphertext[canary.len()..]).into();
    packet.to_string()
}

#[test]
fn deleted_packets_leave_no_ciphertext_in_any_file_of_the_store() {
    use confidant::store::{SqliteStore, Store};
    use confidant::upload::{PACKET_MEDIA_TYPE, check_upload};
    let scratch = Scratch::new("wal");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let shelter = register_agency(&scratch, &data, "Shelter");
    let store = SqliteStore::open(&data).unwrap();
    let expiring = "EXPIRINGxCANARYxCIPHERTEXTx0001";
    let expiring = &expiring[..expiring.len() / 4 * 4];
    let removed = "REMOVEDxAGENCYxCANARYxCIPHERTEXT";
    let put = |to: &confidant_core::keys::PublicKey, canary: &str| {
        let packet = packet_with_ciphertext_canary(to, canary);
        let accepted = check_upload(
            Some(PACKET_MEDIA_TYPE),
            packet.as_bytes(),
            1 << 20,
            &mut |_| true,
        )
        .unwrap();
        store
            .put_packet(
                &accepted.packet_id,
                &accepted.agencies,
                packet.as_bytes(),
                1_000,
                u64::MAX,
            )
            .unwrap();
    };
    put(&police.keys.public, expiring);
    put(&shelter.keys.public, removed);
    // Stored: the canaries are on disk (in the write-ahead log, at least).
    assert!(!files_containing(&data, expiring.as_bytes()).is_empty());
    assert!(!files_containing(&data, removed.as_bytes()).is_empty());

    // Expired, with the store still open (closing it would checkpoint by itself).
    assert_eq!(store.expire(u64::MAX, 0).unwrap(), 0);
    let police_kid = police.keys.public.kid().to_owned();
    assert!(
        store
            .acknowledge(&police_kid, &packet_id_of(&store, &police_kid), 1_500)
            .unwrap()
    );
    assert_eq!(store.expire(2_000, 0).unwrap(), 1);
    assert_eq!(
        files_containing(&data, expiring.as_bytes()),
        Vec::<String>::new()
    );
    assert!(!files_containing(&data, removed.as_bytes()).is_empty());

    // Removing the shelter deletes the packet waiting only for it, just as thoroughly.
    assert!(store.remove_agency(shelter.keys.public.kid()).unwrap());
    assert_eq!(
        files_containing(&data, removed.as_bytes()),
        Vec::<String>::new()
    );
    drop(store);
}

fn packet_id_of(store: &confidant::store::SqliteStore, kid: &str) -> String {
    use confidant::store::Store;
    store.inbox(kid).unwrap()[0].packet_id.clone()
}

#[test]
fn the_bytes_waiting_follow_deliveries_and_an_older_store_is_counted_once() {
    use confidant::store::{SqliteStore, Store};
    let scratch = Scratch::new("waiting");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let shelter = register_agency(&scratch, &data, "Shelter");
    let (police_kid, shelter_kid) = (
        police.keys.public.kid().to_owned(),
        shelter.keys.public.kid().to_owned(),
    );
    fn put(
        store: &SqliteStore,
        canary: &str,
        to: &[&confidant_core::keys::PublicKey],
    ) -> (String, u64) {
        let packet = sealed_packet(to, canary, 100);
        let recipients: Vec<String> = to.iter().map(|key| key.kid().to_owned()).collect();
        store
            .put_packet(
                &packet_id(&packet),
                &recipients,
                packet.as_bytes(),
                1_000,
                u64::MAX,
            )
            .unwrap();
        (packet_id(&packet), packet.len() as u64)
    }
    let store = SqliteStore::open(&data).unwrap();
    let (both, both_size) = put(
        &store,
        "canary-both",
        &[&police.keys.public, &shelter.keys.public],
    );
    let (_, police_size) = put(&store, "canary-police", &[&police.keys.public]);
    assert_eq!(
        store.waiting_bytes(&police_kid).unwrap(),
        both_size + police_size
    );
    assert_eq!(store.waiting_bytes(&shelter_kid).unwrap(), both_size);
    // Acknowledged: no longer waiting, for that agency only.
    assert!(store.acknowledge(&police_kid, &both, 2_000).unwrap());
    assert_eq!(store.waiting_bytes(&police_kid).unwrap(), police_size);
    assert_eq!(store.waiting_bytes(&shelter_kid).unwrap(), both_size);
    // Expired unacknowledged: gone from the count.
    store.expire(0, 1_001).unwrap();
    assert_eq!(store.waiting_bytes(&police_kid).unwrap(), 0);
    assert_eq!(store.waiting_bytes(&shelter_kid).unwrap(), 0);
    drop(store);

    // A store written before deliveries carried their size: opened, it is counted once.
    let connection = rusqlite::Connection::open(data.join("confidant.sqlite3")).unwrap();
    connection
        .execute_batch(
            "DROP TRIGGER waiting_on_delivery; DROP TRIGGER waiting_on_acknowledgment;
             DROP TRIGGER waiting_on_removal; DROP TABLE waiting;
             ALTER TABLE deliveries DROP COLUMN size;",
        )
        .unwrap();
    drop(connection);
    let store = SqliteStore::open(&data).unwrap();
    let (_, size) = put(&store, "canary-after", &[&shelter.keys.public]);
    assert_eq!(store.waiting_bytes(&shelter_kid).unwrap(), size);
    drop(store);
    let connection = rusqlite::Connection::open(data.join("confidant.sqlite3")).unwrap();
    connection
        .execute_batch(
            "DROP TRIGGER waiting_on_delivery; DROP TRIGGER waiting_on_acknowledgment;
             DROP TRIGGER waiting_on_removal; DROP TABLE waiting;
             ALTER TABLE deliveries DROP COLUMN size;",
        )
        .unwrap();
    drop(connection);
    let store = SqliteStore::open(&data).unwrap();
    assert_eq!(store.waiting_bytes(&shelter_kid).unwrap(), size);
}

#[test]
fn a_store_made_before_agencies_signed_opens_and_takes_their_signing_keys() {
    use confidant::store::{DATABASE_FILE, SqliteStore, Store};
    let scratch = Scratch::new("migrate-signing");
    let data = scratch.path("data");
    std::fs::create_dir_all(&data).unwrap();
    let connection = rusqlite::Connection::open(data.join(DATABASE_FILE)).unwrap();
    connection
        .execute_batch(
            "CREATE TABLE agencies (kid TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                 jwk TEXT NOT NULL, fingerprint TEXT NOT NULL,
                 credential_hash BLOB NOT NULL UNIQUE, added INTEGER NOT NULL) STRICT;
             INSERT INTO agencies VALUES ('k', 'n', 'ngo', '{}', 'f', x'01', 0);",
        )
        .unwrap();
    drop(connection);
    let store = SqliteStore::open(&data).unwrap();
    let agencies = store.agencies().unwrap();
    assert_eq!(agencies.len(), 1);
    assert_eq!(agencies[0].signing_jwk, None);
    assert_eq!(agencies[0].endorsement, None);
    assert!(store.set_signing_key("k", r#"{"signing":1}"#).unwrap());
    assert!(!store.set_signing_key("nobody", r#"{"signing":1}"#).unwrap());
    assert_eq!(
        store.agencies().unwrap()[0].signing_jwk.as_deref(),
        Some(r#"{"signing":1}"#)
    );
}

#[test]
fn an_unchanged_directory_is_answered_304_and_a_changed_one_in_full() {
    let scratch = Scratch::new("directory-etag");
    let data = scratch.path("data");
    register_agency(&scratch, &data, "Police");
    let server = Server::start(&data, &["--rate-limit", "0"]);

    let first = request(server.address, "GET", "/api/v1/directory", &[], b"").unwrap();
    assert_eq!(first.status, 200);
    // Kept by the browser, and asked about each time.
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let etag = first.header("etag").expect("an ETag").to_owned();

    let again = [("if-none-match", etag.as_str())];
    let unchanged = request(server.address, "GET", "/api/v1/directory", &again, b"").unwrap();
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());
    assert_eq!(unchanged.header("etag"), Some(etag.as_str()));
    // A 304 carries a subresource's short policy, not the page's.
    assert_eq!(
        unchanged.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
    let weak = format!("\"other\", W/{etag}");
    let weakly = [("if-none-match", weak.as_str())];
    let unchanged = request(server.address, "GET", "/api/v1/directory", &weakly, b"").unwrap();
    assert_eq!(unchanged.status, 304);

    // Another agency: the same validator gets the new list in full.
    register_agency(&scratch, &data, "Shelter");
    let changed = request(server.address, "GET", "/api/v1/directory", &again, b"").unwrap();
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json()["agencies"].as_array().unwrap().len(), 2);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    let stale = [("if-none-match", "\"0123\"")];
    let other = request(server.address, "GET", "/api/v1/directory", &stale, b"").unwrap();
    assert_eq!(other.status, 200);
}
