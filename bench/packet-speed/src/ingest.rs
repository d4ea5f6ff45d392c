//! Ingest throughput of `confidant serve`: 20 concurrent clients upload sealed packets
//! of 10 KB and of 1 MB over loopback, next to bare SQLite inserts of the same bodies
//! with the same durability (WAL, `synchronous=FULL`, one commit per packet), measured
//! in the same run. Run by `scripts/bench.sh`; `CONFIDANT_BIN` names the server binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use confidant_core::keys::AgencyKeyPair;
use confidant_core::packet::{FormRef, Packet, Recipient, seal_packet};

const CLIENTS: usize = 20;

pub fn run() {
    let bin =
        std::env::var("CONFIDANT_BIN").unwrap_or_else(|_| "target/native/confidant".to_owned());
    let scratch = std::env::temp_dir().join(format!("confidant-ingest-{}", std::process::id()));
    say(
        "Ingest into confidant serve (20 concurrent clients, loopback) against bare SQLite inserts",
    );
    for (name, size, count) in [("10 KB", 10_000, 2_000), ("1 MB", 1_000_000, 150)] {
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).expect("a scratch folder");
        let agency = AgencyKeyPair::generate(&mut getrandom::SysRng).expect("randomness");
        let packets = seal_packets(&agency, size, count);
        let server_rate = server_ingest(&bin, &scratch, &agency, &packets);
        let bare_rate = bare_sqlite_inserts(&scratch.join("bare.sqlite3"), &packets);
        say(&format!(
            "{name:>6} packets: server {server_rate:>8.1} packets/s, bare SQLite {bare_rate:>8.1} inserts/s, ratio {:.2} (target at least 0.5)",
            server_rate / bare_rate
        ));
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

#[allow(clippy::print_stdout)]
fn say(line: &str) {
    println!("{line}");
}

fn seal_packets(agency: &AgencyKeyPair, size: usize, count: usize) -> Vec<(String, String)> {
    let form = FormRef {
        id: "referral".into(),
        version: "1".into(),
    };
    // Base64 makes the packet a third larger than its padded payload.
    let filler = "x".repeat(size * 3 / 4 - 200);
    (0..count)
        .map(|n| {
            let payload = serde_json::json!({ "n": n, "filler": filler }).to_string();
            let packet = seal_packet(
                &payload,
                &form,
                0,
                &[Recipient::Agency(agency.public.clone())],
                &mut getrandom::SysRng,
            )
            .expect("seals");
            let id = Packet::parse(&packet)
                .expect("parses")
                .meta()
                .packet_id()
                .to_owned();
            (id, packet)
        })
        .collect()
}

fn server_ingest(
    bin: &str,
    scratch: &Path,
    agency: &AgencyKeyPair,
    packets: &[(String, String)],
) -> f64 {
    let data = scratch.join("data");
    let dist = scratch.join("dist");
    std::fs::create_dir_all(&dist).expect("a dist folder");
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html>").expect("a page");
    let jwk = scratch.join("agency.jwk");
    std::fs::write(&jwk, agency.public.to_jwk_json()).expect("the key");
    let added = Command::new(bin)
        .args([
            "agency", "add", "--name", "Bench", "--kind", "ngo", "--data",
        ])
        .arg(&data)
        .arg("--key")
        .arg(&jwk)
        .output()
        .expect("confidant runs");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let mut server = Command::new(bin)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-limit",
            "0",
            "--data",
        ])
        .arg(&data)
        .arg("--static")
        .arg(&dist)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server says where it listens");
    let address: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|address| address.parse().ok())
        .expect("an address");

    let queue = Arc::new(Mutex::new(
        packets
            .iter()
            .map(|(_, packet)| packet.clone())
            .collect::<Vec<_>>(),
    ));
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let queue = queue.clone();
            std::thread::spawn(move || {
                loop {
                    let Some(packet) = queue.lock().expect("the queue").pop() else {
                        return;
                    };
                    assert_eq!(post_packet(address, &packet), 201);
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client finished");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let _ = server.kill();
    let _ = server.wait();
    packets.len() as f64 / elapsed
}

/// Uploads one packet over a fresh connection and returns the status code.
fn post_packet(address: SocketAddr, packet: &str) -> u16 {
    let mut stream = TcpStream::connect(address).expect("connects");
    let head = format!(
        "POST /api/v1/packets HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\
         content-type: application/jose+json\r\ncontent-length: {}\r\n\r\n",
        packet.len()
    );
    stream.write_all(head.as_bytes()).expect("sends");
    stream.write_all(packet.as_bytes()).expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// The reference: the same bodies into a table keyed by packet id, one durable commit
/// each, with the server's durability settings.
fn bare_sqlite_inserts(path: &Path, packets: &[(String, String)]) -> f64 {
    let connection = rusqlite::Connection::open(path).expect("opens");
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    connection
        .pragma_update(None, "synchronous", "FULL")
        .expect("full");
    connection
        .execute_batch("CREATE TABLE packets (id TEXT PRIMARY KEY, body BLOB NOT NULL) STRICT")
        .expect("a table");
    let start = Instant::now();
    for (id, packet) in packets {
        connection
            .execute(
                "INSERT INTO packets (id, body) VALUES (?1, ?2)",
                rusqlite::params![id, packet.as_bytes()],
            )
            .expect("inserts");
    }
    packets.len() as f64 / start.elapsed().as_secs_f64()
}
