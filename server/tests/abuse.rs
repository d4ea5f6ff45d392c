//! `confidant serve` under abuse, as a real process on loopback: a 25 MB flood of empty
//! recipients, hundreds of connections that trickle their headers or bodies, requests
//! that must be refused before their bodies are read, forged client addresses, quotas,
//! and hostile text in what the server answers.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;

const JOSE: &str = "application/jose+json";

fn connect(address: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&address, Duration::from_secs(10)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

/// Reads from `stream` until it has a response head, the server closes it, or `timeout`
/// passes. Returns what was read, and whether the server closed the connection.
fn read_for(stream: &mut TcpStream, timeout: Duration) -> (String, bool) {
    let deadline = Instant::now() + timeout;
    let mut raw = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (String::from_utf8_lossy(&raw).into_owned(), false);
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buffer) {
            Ok(0) => return (String::from_utf8_lossy(&raw).into_owned(), true),
            Ok(n) => {
                raw.extend_from_slice(&buffer[..n]);
                if raw.windows(4).any(|window| window == b"\r\n\r\n") {
                    return (String::from_utf8_lossy(&raw).into_owned(), false);
                }
            }
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return (String::from_utf8_lossy(&raw).into_owned(), false);
            }
            // Reset by the server: closed.
            Err(_) => return (String::from_utf8_lossy(&raw).into_owned(), true),
        }
    }
}

/// The head of an upload of `length` bytes, without its body.
fn upload_head(length: usize, extra: &str) -> String {
    format!(
        "POST /api/v1/packets HTTP/1.1\r\nhost: test\r\ncontent-type: {JOSE}\r\n\
         content-length: {length}\r\n{extra}\r\n"
    )
}

fn status_of(head: &str) -> Option<u16> {
    head.lines().next()?.split_whitespace().nth(1)?.parse().ok()
}

/// The server's peak resident memory (`VmHWM`), in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    let kilobytes: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|number| number.parse().ok())
        .unwrap();
    kilobytes * 1024
}

#[test]
fn a_flood_of_empty_recipients_is_refused_in_bounded_memory() {
    let scratch = Scratch::new("flood");
    let data = scratch.path("data");
    register_agency(&scratch, &data, "Police");
    let server = Server::start(
        &data,
        &["--max-packet-bytes", "26000000", "--rate-limit", "0"],
    );
    let head = r#"{"protected":"eyJlbmMiOiJBMjU2R0NNIn0","aad":"eyJ2IjoxfQ","recipients":["#;
    let count = (25_000_000 - head.len()) / 3;
    let mut body = String::with_capacity(25_000_100);
    body.push_str(head);
    for _ in 1..count {
        body.push_str("{},");
    }
    body.push_str("{}]}");
    assert!(body.len() > 24_000_000 && body.len() < 26_000_000);

    let response = upload(server.address, &body).unwrap();
    let peak = peak_memory(server.child.id());
    assert!(
        (400..500).contains(&response.status),
        "{}: {}",
        response.status,
        String::from_utf8_lossy(&response.body)
    );
    eprintln!("flood: the server's VmHWM is {} MiB", peak >> 20);
    assert!(
        peak < 256 << 20,
        "the server's peak memory was {peak} bytes"
    );
}

#[test]
fn slow_connections_do_not_hold_up_an_upload_and_are_cut_off_in_time() {
    let scratch = Scratch::new("slow");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let server = Server::start(
        &data,
        &[
            "--header-timeout-secs",
            "2",
            "--body-timeout-secs",
            "4",
            "--rate-limit",
            "0",
            // Above the 20 trickling bodies, so that they are read and cut off by the
            // body timeout rather than refused for want of a slot.
            "--max-concurrent-uploads",
            "32",
        ],
    );
    let address = server.address;
    let head = upload_head(100_000, "");

    // 200 connections that send their headers one byte a second, and 20 that send their
    // headers whole and then their bodies one byte a second.
    let mut header_tricklers: Vec<(TcpStream, Instant)> = (0..200)
        .map(|_| {
            let mut stream = connect(address);
            let opened = Instant::now();
            stream.write_all(&head.as_bytes()[..1]).unwrap();
            (stream, opened)
        })
        .collect();
    let mut body_tricklers: Vec<(TcpStream, Instant)> = (0..20)
        .map(|_| {
            let mut stream = connect(address);
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(b"{").unwrap();
            (stream, Instant::now())
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let trickler = {
        let mut headers: Vec<TcpStream> = header_tricklers
            .iter()
            .map(|(stream, _)| stream.try_clone().unwrap())
            .collect();
        let mut bodies: Vec<TcpStream> = body_tricklers
            .iter()
            .map(|(stream, _)| stream.try_clone().unwrap())
            .collect();
        let stop = stop.clone();
        let head = head.clone();
        std::thread::spawn(move || {
            let mut sent = 1;
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_secs(1));
                for stream in &mut headers {
                    // Never the last byte: the head is never finished.
                    let _ = stream.write_all(&head.as_bytes()[sent..sent + 1]);
                }
                for stream in &mut bodies {
                    let _ = stream.write_all(b" ");
                }
                sent = (sent + 1).min(head.len() - 2);
            }
        })
    };

    // Meanwhile, a real packet goes through at once.
    let packet = sealed_packet(&[&police.keys.public], "canary-slow", 1_000);
    let started = Instant::now();
    let response = upload(address, &packet).unwrap();
    let took = started.elapsed();
    assert_eq!(response.status, 201);
    eprintln!("slow connections: a normal upload took {took:?}");
    assert!(
        took < Duration::from_secs(1),
        "a normal upload took {took:?}"
    );

    // Every unfinished head is cut off at the header timeout (2 s), trickle or not.
    for (stream, opened) in &mut header_tricklers {
        let (answer, closed) = read_for(stream, Duration::from_secs(10));
        let after = opened.elapsed();
        assert!(
            closed || answer.starts_with("HTTP/1.1 408"),
            "still open after {after:?}: {answer:?}"
        );
        assert!(
            after >= Duration::from_millis(1_500) && after < Duration::from_secs(6),
            "closed after {after:?}"
        );
    }
    // Every trickling body is answered 408 at the body timeout (4 s).
    for (stream, opened) in &mut body_tricklers {
        let (answer, _) = read_for(stream, Duration::from_secs(10));
        let after = opened.elapsed();
        assert_eq!(status_of(&answer), Some(408), "{answer:?} after {after:?}");
        assert!(answer.contains("\r\n\r\n") || answer.contains("connection: close"));
        assert!(
            after >= Duration::from_secs(3) && after < Duration::from_secs(8),
            "answered after {after:?}"
        );
    }
    stop.store(true, Ordering::SeqCst);
    trickler.join().unwrap();
    assert_eq!(row_counts(&data).1, 1);
}

#[test]
fn an_idle_connection_is_closed_at_the_header_timeout() {
    let scratch = Scratch::new("idle");
    let data = scratch.path("data");
    let server = Server::start(&data, &["--header-timeout-secs", "2"]);
    let mut stream = connect(server.address);
    let opened = Instant::now();
    let (answer, closed) = read_for(&mut stream, Duration::from_secs(10));
    let after = opened.elapsed();
    assert!(closed || answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(
        after >= Duration::from_millis(1_500) && after < Duration::from_secs(6),
        "closed after {after:?}"
    );
}

#[test]
fn beyond_the_connection_cap_new_connections_wait_their_turn() {
    let scratch = Scratch::new("cap");
    let data = scratch.path("data");
    let server = Server::start(
        &data,
        &["--max-connections", "2", "--header-timeout-secs", "60"],
    );
    let holders: Vec<TcpStream> = (0..2).map(|_| connect(server.address)).collect();
    // Both holders are being served once a request on one of them is answered.
    let mut first = holders.into_iter();
    let mut holder = first.next().unwrap();
    let other = first.next().unwrap();
    holder
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nhost: test\r\n\r\n")
        .unwrap();
    let (answer, _) = read_for(&mut holder, Duration::from_secs(10));
    assert_eq!(status_of(&answer), Some(200));

    // A third connection is taken into the listen queue by the kernel, but not served.
    let mut waiting = connect(server.address);
    waiting
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n")
        .unwrap();
    let (answer, closed) = read_for(&mut waiting, Duration::from_secs(1));
    assert!(answer.is_empty() && !closed, "{answer:?}");

    // As soon as one holder leaves, it is.
    drop(other);
    let (answer, _) = read_for(&mut waiting, Duration::from_secs(10));
    assert_eq!(status_of(&answer), Some(200), "{answer:?}");
}

#[test]
fn refusals_that_need_no_body_come_before_the_body_is_read() {
    let scratch = Scratch::new("early");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let server = Server::start(
        &data,
        &[
            "--rate-limit",
            "2",
            "--max-packet-bytes",
            "100000",
            "--body-timeout-secs",
            "60",
        ],
    );
    // Each head below promises a body it never sends: an answer that comes at all came
    // before the body was read.
    let ask = |head: String| {
        let mut stream = connect(server.address);
        stream.write_all(head.as_bytes()).unwrap();
        let (answer, _) = read_for(&mut stream, Duration::from_secs(10));
        answer
    };
    let answer = ask(upload_head(200_000, ""));
    assert_eq!(status_of(&answer), Some(413), "{answer:?}");
    let answer = ask(
        "POST /api/v1/packets HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n\
         content-length: 5000\r\n\r\n"
            .to_owned(),
    );
    assert_eq!(status_of(&answer), Some(415), "{answer:?}");
    // The two requests above used up the rate; the third is refused unread.
    let answer = ask(upload_head(50_000, ""));
    assert_eq!(status_of(&answer), Some(429), "{answer:?}");
    assert!(answer.to_ascii_lowercase().contains("retry-after: 60"));
    let packet = sealed_packet(&[&police.keys.public], "canary-early", 10);
    assert_eq!(upload(server.address, &packet).unwrap().status, 429);
    assert_eq!(row_counts(&data).1, 0);
}

#[test]
fn uploads_beyond_the_cap_get_503_before_their_bodies_are_read() {
    let scratch = Scratch::new("slots");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let server = Server::start(
        &data,
        &["--max-concurrent-uploads", "1", "--rate-limit", "0"],
    );
    // The first upload holds the only slot: the server asks for its body (100 Continue)
    // only once it has the slot and starts reading.
    let mut first = connect(server.address);
    first
        .write_all(upload_head(1_000, "expect: 100-continue\r\n").as_bytes())
        .unwrap();
    let (answer, _) = read_for(&mut first, Duration::from_secs(10));
    assert_eq!(status_of(&answer), Some(100), "{answer:?}");

    // A second one, whose body never comes, is refused once it has waited a moment for
    // the slot (two seconds), unread.
    let mut second = connect(server.address);
    second.write_all(upload_head(1_000, "").as_bytes()).unwrap();
    let (answer, _) = read_for(&mut second, Duration::from_secs(10));
    assert_eq!(status_of(&answer), Some(503), "{answer:?}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 5"),
        "{answer:?}"
    );

    // The first finishes (its body is not JSON), and the slot is free again.
    first.write_all(&[b'x'; 1_000]).unwrap();
    let (answer, _) = read_for(&mut first, Duration::from_secs(10));
    assert_eq!(status_of(&answer), Some(400), "{answer:?}");
    let packet = sealed_packet(&[&police.keys.public], "canary-slots", 10);
    assert_eq!(upload(server.address, &packet).unwrap().status, 201);
}

#[test]
fn a_forged_forwarded_for_does_not_escape_the_rate_limit() {
    let scratch = Scratch::new("forged");
    let data = scratch.path("data");
    let inbox_status = |address: SocketAddr, forwarded: &str| {
        // The inbox is rate-limited before it asks for a credential.
        request(
            address,
            "GET",
            "/api/v1/inbox",
            &[("x-forwarded-for", forwarded)],
            b"",
        )
        .unwrap()
        .status
    };
    {
        let server = Server::start(&data, &["--rate-limit", "3"]);
        let statuses: Vec<u16> = (0..5)
            .map(|i| inbox_status(server.address, &format!("203.0.113.{i}")))
            .collect();
        assert_eq!(statuses, [401, 401, 401, 429, 429]);
    }
    // Behind a trusted proxy, the address it appended is the client.
    let server = Server::start(
        &data,
        &["--rate-limit", "3", "--trusted-proxy", "127.0.0.1"],
    );
    let statuses: Vec<u16> = (0..4)
        .map(|i| inbox_status(server.address, &format!("198.51.100.{i}, 203.0.113.7")))
        .collect();
    assert_eq!(statuses, [401, 401, 401, 429]);
    assert_eq!(inbox_status(server.address, "203.0.113.8"), 401);
    // A header the proxy could not have written counts as the proxy itself.
    let statuses: Vec<u16> = (0..4)
        .map(|_| inbox_status(server.address, "not an address"))
        .collect();
    assert_eq!(statuses, [401, 401, 401, 429]);
}

#[test]
fn every_answer_carries_strict_transport_security() {
    let scratch = Scratch::new("hsts");
    let data = scratch.path("data");
    let server = Server::start(&data, &["--rate-limit", "1"]);
    let answers = [
        request(server.address, "GET", "/", &[], b"").unwrap(),
        request(server.address, "GET", "/no-such-file", &[], b"").unwrap(),
        request(server.address, "GET", "/api/v1/health", &[], b"").unwrap(),
        request(server.address, "GET", "/api/v1/inbox", &[], b"").unwrap(),
        request(
            server.address,
            "POST",
            "/api/v1/packets",
            &[("content-type", "text/plain")],
            b"x",
        )
        .unwrap(),
    ];
    let statuses: Vec<u16> = answers.iter().map(|answer| answer.status).collect();
    assert_eq!(statuses, [200, 404, 200, 401, 429]);
    for answer in &answers {
        assert_eq!(
            answer.header("strict-transport-security"),
            Some("max-age=63072000; includeSubDomains"),
            "{}",
            answer.status
        );
    }
}

#[test]
fn hostile_text_in_a_packet_comes_back_escaped_and_short() {
    let scratch = Scratch::new("hostile");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let server = Server::start(&data, &["--rate-limit", "0"]);
    let hostile = format!("ki\nd\u{1b}[31m\u{202e}{}", "A".repeat(10_000));
    let packet: serde_json::Value =
        serde_json::from_str(&sealed_packet(&[&police.keys.public], "canary-kid", 10)).unwrap();
    let mut bad_kid = packet.clone();
    bad_kid["recipients"][0]["header"]["kid"] = hostile.clone().into();
    let mut bad_member = packet.clone();
    bad_member["recipients"][0]["header"][hostile.as_str()] = 1.into();
    let mut bad_top = packet;
    bad_top[hostile.as_str()] = 1.into();
    for body in [bad_kid, bad_member, bad_top] {
        let response = upload(server.address, &body.to_string()).unwrap();
        assert_eq!(response.status, 422);
        let message = response.json()["message"].as_str().unwrap().to_owned();
        assert!(message.chars().count() <= 200, "{message}");
        for raw in ['\n', '\u{1b}', '\u{202e}'] {
            assert!(!message.contains(raw), "{message:?}");
        }
        assert!(
            message
                .chars()
                .all(|c| c == ' ' || c.is_ascii_graphic() || c == '…'),
            "{message:?}"
        );
    }
}

#[test]
fn a_quota_refuses_with_507_and_keeps_what_is_stored() {
    let scratch = Scratch::new("quota");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let shelter = register_agency(&scratch, &data, "Shelter");
    let packets: Vec<String> = (0..3)
        .map(|i| {
            sealed_packet(
                &[&police.keys.public, &shelter.keys.public],
                &format!("canary-quota-{i}"),
                100,
            )
        })
        .collect();
    let largest = packets.iter().map(String::len).max().unwrap();
    // Room for two packets, not three.
    let quota = 2 * largest + largest / 2;
    let quota_text = quota.to_string();
    let server = Server::start(&data, &["--rate-limit", "0", "--quota-bytes", &quota_text]);
    assert_eq!(upload(server.address, &packets[0]).unwrap().status, 201);
    assert_eq!(upload(server.address, &packets[1]).unwrap().status, 201);
    let refused = upload(server.address, &packets[2]).unwrap();
    assert_eq!(refused.status, 507);
    assert_eq!(refused.json()["error"], "quota");
    assert!(!refused.json()["message"].as_str().unwrap().is_empty());
    assert_eq!(row_counts(&data), (2, 2, 4));
    // What is stored is intact, and a retry of it is still answered.
    assert_eq!(upload(server.address, &packets[0]).unwrap().status, 200);

    // Once the police have acknowledged one, the shelter is still full: still refused.
    let ack = |agency: &TestAgency, packet: &str| {
        request(
            server.address,
            "POST",
            &format!("/api/v1/inbox/{}/ack", packet_id(packet)),
            &[("authorization", &authorized(&agency.credential))],
            b"",
        )
        .unwrap()
        .status
    };
    assert_eq!(ack(&police, &packets[0]), 204);
    assert_eq!(upload(server.address, &packets[2]).unwrap().status, 507);
    // Once the shelter has too, there is room.
    assert_eq!(ack(&shelter, &packets[0]), 204);
    assert_eq!(upload(server.address, &packets[2]).unwrap().status, 201);
}

#[test]
fn concurrent_uploads_cannot_overshoot_a_quota() {
    use confidant::store::{SqliteStore, Store};
    let scratch = Scratch::new("quota-race");
    let data = scratch.path("data");
    let police = register_agency(&scratch, &data, "Police");
    let packets: Vec<String> = (0..24)
        .map(|i| sealed_packet(&[&police.keys.public], &format!("canary-race-{i}"), 100))
        .collect();
    let largest = packets.iter().map(String::len).max().unwrap();
    let quota = 5 * largest;
    let quota_text = quota.to_string();
    let server = Server::start(
        &data,
        &[
            "--rate-limit",
            "0",
            "--quota-bytes",
            &quota_text,
            "--max-concurrent-uploads",
            "64",
        ],
    );
    let address = server.address;
    let threads: Vec<_> = packets
        .into_iter()
        .map(|packet| std::thread::spawn(move || upload(address, &packet).unwrap().status))
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(
        statuses
            .iter()
            .all(|status| *status == 201 || *status == 507),
        "{statuses:?}"
    );
    let accepted = statuses.iter().filter(|status| **status == 201).count();
    assert!(accepted >= 5, "{statuses:?}");
    drop(server);
    let store = SqliteStore::open(&data).unwrap();
    let kid = police.keys.public.kid().to_owned();
    let waiting = store.waiting_bytes(&kid).unwrap();
    assert!(
        waiting <= quota as u64,
        "{waiting} bytes wait, over {quota}"
    );
    assert_eq!(store.inbox(&kid).unwrap().len(), accepted);
}

#[test]
fn agency_add_refuses_unsafe_and_look_alike_names() {
    let scratch = Scratch::new("names");
    let data = scratch.path("data");
    register_agency(&scratch, &data, "Police unit");
    let add = |name: &str| {
        let keys = confidant_core::keys::AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
        let jwk = scratch.write(&format!("{}.jwk", name.len()), &keys.public.to_jwk_json());
        Command::new(BIN)
            .args(["agency", "add", "--data", data.to_str().unwrap()])
            .args(["--name", name, "--kind", "police", "--key"])
            .arg(&jwk)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    for (name, says) in [
        ("PoIice unit", "looks like"),
        ("P\u{3bf}lice unit", "mixes scripts"),
        ("Police\u{200b}unit", "U+200B"),
        ("\u{202e}Police unit", "U+202E"),
        ("Police unit ", "starts or ends with a space"),
    ] {
        let output = add(name);
        assert!(!output.status.success(), "{name:?} was accepted");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{name:?}: {stderr}");
        assert!(
            stderr
                .chars()
                .all(|c| c == '\n' || c == ' ' || c.is_ascii_graphic()),
            "{stderr:?}"
        );
    }
    for name in [
        "Unité de police",
        "وحدة الشرطة",
        "Protección de la infancia",
    ] {
        let output = add(name);
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(row_counts(&data).0, 4);
}

#[test]
fn a_stopping_server_does_not_wait_for_idle_connections() {
    let scratch = Scratch::new("stop");
    let data = scratch.path("data");
    let dist = scratch.path("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html><title>t</title>").unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .arg("--static")
        .arg(&dist)
        .args(["--header-timeout-secs", "60"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let address: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    let _idle = connect(address);
    let mut served = connect(address);
    served
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nhost: test\r\n\r\n")
        .unwrap();
    let (answer, _) = read_for(&mut served, Duration::from_secs(10));
    assert_eq!(status_of(&answer), Some(200));

    let asked = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "{:?}",
        asked.elapsed()
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "Confidant has stopped\n");
}
