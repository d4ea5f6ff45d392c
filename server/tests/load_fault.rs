//! A bounded load-and-fault run on loopback: 20 clients upload 5,000 packets at once;
//! then, in the middle of a second burst, the server is killed with SIGKILL and started
//! again. Every packet that was answered 201 must be in the store exactly once and
//! byte-identical, with no partial rows; and no byte of any payload (each carries a
//! canary) may be anywhere in the data folder.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use sha2::{Digest, Sha256};

const CLIENTS: usize = 20;
const FIRST_BURST: usize = 5_000;
const SECOND_BURST: usize = 2_000;
/// The second burst's server dies after this many of its packets were accepted.
const KILL_AFTER: usize = 500;

/// Uploads `packets` from `CLIENTS` threads; returns the ids answered 201 or 200. Stops a
/// client at its first connection failure (the server is gone).
fn burst(
    address: std::net::SocketAddr,
    packets: Vec<(String, String)>,
    accepted: Arc<AtomicUsize>,
) -> Vec<String> {
    let queue = Arc::new(Mutex::new(packets));
    let confirmed = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(300);
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let queue = queue.clone();
            let confirmed = confirmed.clone();
            let accepted = accepted.clone();
            std::thread::spawn(move || {
                while Instant::now() < deadline {
                    let Some((id, packet)) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    match upload(address, &packet) {
                        Ok(response) if response.status == 201 || response.status == 200 => {
                            confirmed.lock().unwrap().push(id);
                            accepted.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(response) => panic!(
                            "unexpected {}: {}",
                            response.status,
                            String::from_utf8_lossy(&response.body)
                        ),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    Arc::try_unwrap(confirmed).unwrap().into_inner().unwrap()
}

fn canary(n: usize) -> String {
    // "canary-" is seven base64url characters: the chance that ciphertext spells it by
    // accident somewhere in these packets is about one in a hundred thousand.
    format!("canary-{n:06}")
}

#[test]
fn every_confirmed_packet_survives_a_kill_exactly_once_and_nothing_is_readable() {
    let scratch = Scratch::new("load");
    let data = scratch.path("data");
    let shelter = register_agency(&scratch, &data, "Shelter");
    let police = register_agency(&scratch, &data, "Police");

    let packets: Vec<(String, String)> = (0..FIRST_BURST + SECOND_BURST)
        .map(|n| {
            let to = if n % 2 == 0 {
                vec![&shelter.keys.public]
            } else {
                vec![&shelter.keys.public, &police.keys.public]
            };
            let packet = sealed_packet(&to, &canary(n), 200 + n % 3000);
            (packet_id(&packet), packet)
        })
        .collect();
    let by_id: HashMap<String, String> = packets.iter().cloned().collect();
    let (first, second) = packets.split_at(FIRST_BURST);

    let mut server = Server::start(&data, &["--rate-limit", "0"]);
    let address = server.address;
    let confirmed_first = burst(address, first.to_vec(), Arc::new(AtomicUsize::new(0)));
    assert_eq!(confirmed_first.len(), FIRST_BURST);

    // The second burst, with the server killed part-way through.
    let accepted = Arc::new(AtomicUsize::new(0));
    let uploader = {
        let accepted = accepted.clone();
        let second = second.to_vec();
        std::thread::spawn(move || burst(address, second, accepted))
    };
    let started = Instant::now();
    while accepted.load(Ordering::SeqCst) < KILL_AFTER
        && started.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    server.kill();
    let confirmed_second = uploader.join().unwrap();
    assert!(
        confirmed_second.len() >= KILL_AFTER,
        "the kill came too late to test anything"
    );
    assert!(
        confirmed_second.len() < SECOND_BURST,
        "the burst ended before the kill"
    );

    // Back up on the same folder: every confirmed packet is there, once, unchanged.
    let server = Server::start(&data, &["--rate-limit", "0"]);
    let health = request(server.address, "GET", "/api/v1/health", &[], b"").unwrap();
    assert_eq!(health.status, 200);
    let connection = rusqlite::Connection::open(data.join("confidant.sqlite3")).unwrap();
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut rows: HashMap<String, (Vec<u8>, Vec<u8>, i64)> = HashMap::new();
    let mut statement = connection
        .prepare("SELECT id, body, sha256, size FROM packets")
        .unwrap();
    for row in statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
            ))
        })
        .unwrap()
    {
        let (id, body, sha256, size) = row.unwrap();
        assert!(
            rows.insert(id, (body, sha256, size)).is_none(),
            "a packet stored twice"
        );
    }
    for id in confirmed_first.iter().chain(&confirmed_second) {
        let (body, sha256, size) = rows
            .get(id)
            .unwrap_or_else(|| panic!("confirmed packet {id} is missing"));
        assert_eq!(body.as_slice(), by_id[id].as_bytes(), "packet {id} changed");
        assert_eq!(sha256.as_slice(), Sha256::digest(body).as_slice());
        assert_eq!(*size as usize, body.len());
    }
    // No partial rows: every stored packet is whole and delivered to each of its agencies.
    for (id, (body, _, _)) in &rows {
        assert_eq!(body.as_slice(), by_id[id].as_bytes());
        let deliveries: i64 = connection
            .query_row(
                "SELECT count(*) FROM deliveries WHERE packet_id = ?1",
                [id],
                |row| row.get(0),
            )
            .unwrap();
        let expected = confidant_core::packet::Packet::parse(&by_id[id])
            .unwrap()
            .recipients()
            .len() as i64;
        assert_eq!(deliveries, expected, "packet {id} has partial deliveries");
    }
    // Uploading the confirmed ones again changes nothing: the same receipts.
    for id in confirmed_second.iter().take(20) {
        assert_eq!(upload(server.address, &by_id[id]).unwrap().status, 200);
    }
    drop(statement);
    drop(connection);
    drop(server);

    // Not one canary, in any file of the data folder (database, WAL, shared memory).
    let mut files = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        if let Some(at) = bytes.windows(7).position(|window| window == b"canary-") {
            let context =
                String::from_utf8_lossy(&bytes[at.saturating_sub(60)..(at + 60).min(bytes.len())])
                    .into_owned();
            panic!(
                "a payload canary is readable in {}: {context:?}",
                path.display()
            );
        }
    }
    assert!(files >= 1);
}
