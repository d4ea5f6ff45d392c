//! `confidant inbox` as an agency's intake script runs it: against the real server, it
//! lists, fetches one packet, fetches every new one into a folder (twice, the second time
//! nothing), and marks one kept. Against a hostile stand-in, it refuses what a server
//! must not be able to do to the folder or the credential: an id that climbs out of the
//! folder, a packet swapped for another, an answer that never ends or stops halfway, a
//! body far too large, a redirect elsewhere. Each refusal is one clear line, and leaves
//! nothing written.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Scratch, Server, register_agency, sealed_packet, upload};

fn inbox(server: &str, credential_file: &Path, extra: &[&str]) -> Output {
    Command::new(common::BIN)
        .args(["inbox", "--server", server, "--credential-file"])
        .arg(credential_file)
        .args(extra)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one line a failed command printed, after checking it failed.
fn refusal(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "it succeeded: {}",
        text(&output.stdout)
    );
    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    lines[0].to_owned()
}

fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_agency_lists_fetches_and_marks_kept_from_its_inbox() {
    let scratch = Scratch::new("inbox-cli");
    let data = scratch.path("data");
    let agency = register_agency(&scratch, &data, "Shelter North");
    let server = Server::start(&data, &[]);
    let packets: Vec<String> = (0..2)
        .map(|n| sealed_packet(&[&agency.keys.public], &format!("canary-{n}"), 2_000))
        .collect();
    for packet in &packets {
        assert!(upload(server.address, packet).unwrap().status < 300);
    }
    let url = format!("http://{}", server.address);
    let credential = scratch.write("credential", &format!("{}\n", agency.credential));

    let listed = inbox(&url, &credential, &[]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let listed = text(&listed.stdout);
    let ids: Vec<&str> = listed
        .lines()
        .map(|line| line.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{listed}");
    for line in listed.lines() {
        let columns: Vec<&str> = line.split('\t').collect();
        assert_eq!(columns.len(), 5, "{line}");
        assert_eq!(columns[1].len(), 9, "the reference: {line}");
        assert!(columns[2].ends_with('Z'), "received, in UTC: {line}");
        assert_eq!(columns[4], "new");
    }

    // One packet to standard output: exactly what was uploaded.
    let one = inbox(&url, &credential, &["--fetch", ids[0]]);
    assert!(one.status.success(), "{}", text(&one.stderr));
    let fetched = text(&one.stdout);
    assert!(packets.iter().any(|packet| packet.trim() == fetched.trim()));

    // Every new packet into a folder; run again, nothing more is fetched.
    let folder = scratch.path("intake");
    std::fs::create_dir_all(&folder).unwrap();
    let first = inbox(
        &url,
        &credential,
        &["--fetch-all", folder.to_str().unwrap()],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(text(&first.stdout).lines().count(), 2);
    let mut expected: Vec<String> = ids.iter().map(|id| format!("{id}.jwe")).collect();
    expected.sort();
    assert_eq!(files_in(&folder), expected);
    let again = inbox(
        &url,
        &credential,
        &["--fetch-all", folder.to_str().unwrap()],
    );
    assert!(again.status.success());
    assert_eq!(text(&again.stdout), "");
    assert!(text(&again.stderr).contains("0 packet(s) fetched, 2 already"));

    // Kept: the listing says so.
    let kept = inbox(&url, &credential, &["--ack", ids[1]]);
    assert!(kept.status.success(), "{}", text(&kept.stderr));
    let listed = text(&inbox(&url, &credential, &[]).stdout);
    let state = |id: &str| {
        listed
            .lines()
            .find(|line| line.starts_with(id))
            .and_then(|line| line.rsplit('\t').next())
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        (state(ids[0]), state(ids[1])),
        ("new".into(), "kept".into())
    );

    // A wrong credential, a packet not there, an id that is none: each says so, and the
    // credential is never printed.
    let wrong = scratch.write("wrong", "cfd1_not-the-credential\n");
    let line = refusal(&inbox(&url, &wrong, &[]));
    assert!(
        line.contains("did not accept this inbox credential"),
        "{line}"
    );
    assert!(!line.contains("cfd1_"));
    let gone = "AAAAAAAAAAAAAAAAAAAAAA";
    let line = refusal(&inbox(&url, &credential, &["--fetch", gone]));
    assert!(line.contains("no such packet in your inbox"), "{line}");
    let line = refusal(&inbox(&url, &credential, &["--fetch", "../etc/passwd"]));
    assert!(line.contains("not a packet id"), "{line}");
    let line = refusal(&inbox("http://confidant.example.org", &credential, &[]));
    assert!(line.contains("must start with https://"), "{line}");
}

/// What the stand-in answers each request with, by path; it records the requests.
type Answer = Box<dyn Fn(&str, &mut TcpStream) + Send + Sync>;

/// A server that answers as told: the hostile one the command must survive.
struct StandIn {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let (seen, answer) = (seen.clone(), answer.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
                    seen.lock().unwrap().push(head);
                    answer(&path, &mut stream);
                });
            }
        });
        Self { address, requests }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

fn respond(stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream.write_all(body);
}

fn listing(ids: &[&str]) -> Vec<u8> {
    let packets: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"packet_id": id, "size": 10, "received": 1, "acknowledged": null}))
        .collect();
    serde_json::json!({ "packets": packets })
        .to_string()
        .into_bytes()
}

#[test]
fn a_hostile_server_cannot_write_outside_the_folder_swap_packets_or_hold_the_command() {
    let scratch = Scratch::new("inbox-hostile");
    let credential = scratch.write("credential", "cfd1_the-credential\n");
    let folder = scratch.path("intake");
    std::fs::create_dir_all(&folder).unwrap();
    let keys = confidant_core::keys::AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let real = sealed_packet(&[&keys.public], "canary", 100);
    let real_id = common::packet_id(&real);
    let other_id = "AAAAAAAAAAAAAAAAAAAAAA".to_owned();
    let fetch_all = |server: &StandIn| {
        inbox(
            &server.url(),
            &credential,
            &["--fetch-all", folder.to_str().unwrap()],
        )
    };

    // An id that climbs out of the folder: refused before anything is fetched.
    let climbing = StandIn::start(Box::new(|_, stream| {
        respond(stream, "200 OK", "", &listing(&["../../escaped"]));
    }));
    let line = refusal(&fetch_all(&climbing));
    assert!(line.contains("not a packet id"), "{line}");
    assert_eq!(climbing.requests.lock().unwrap().len(), 1);
    assert!(!scratch.path("escaped.jwe").exists());

    // A packet served under another packet's id.
    let swapping = {
        let (real, listed) = (real.clone(), other_id.clone());
        StandIn::start(Box::new(move |path, stream| {
            if path == "/api/v1/inbox" {
                respond(stream, "200 OK", "", &listing(&[&listed]));
            } else {
                respond(stream, "200 OK", "", real.as_bytes());
            }
        }))
    };
    let line = refusal(&fetch_all(&swapping));
    assert!(
        line.contains(&format!("the server sent packet {real_id}")),
        "{line}"
    );

    // Not a packet at all.
    let garbage = {
        let listed = real_id.clone();
        StandIn::start(Box::new(move |path, stream| {
            if path == "/api/v1/inbox" {
                respond(stream, "200 OK", "", &listing(&[&listed]));
            } else {
                respond(stream, "200 OK", "", b"{\"not\": \"a packet\"}");
            }
        }))
    };
    let line = refusal(&fetch_all(&garbage));
    assert!(line.contains("not a packet"), "{line}");

    // A connection that drops halfway through the packet.
    let dropping = {
        let (real, listed) = (real.clone(), real_id.clone());
        StandIn::start(Box::new(move |path, stream| {
            if path == "/api/v1/inbox" {
                respond(stream, "200 OK", "", &listing(&[&listed]));
            } else {
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
                    real.len()
                );
                let _ = stream.write_all(&real.as_bytes()[..real.len() / 2]);
            }
        }))
    };
    let line = refusal(&fetch_all(&dropping));
    assert!(line.contains("connection to the server failed"), "{line}");

    // A listing far larger than any inbox's, sent as fast as it goes.
    let flooding = StandIn::start(Box::new(|_, stream| {
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-length: 100000000\r\n\r\n"
        );
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..100 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    }));
    let line = refusal(&fetch_all(&flooding));
    assert!(line.contains("larger than 8388608 bytes"), "{line}");

    // An answer that trickles a byte a second: the timeout ends it.
    let trickling = StandIn::start(Box::new(|_, stream| {
        let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n");
        for _ in 0..1000 {
            if stream.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }));
    let started = Instant::now();
    let line = refusal(&inbox(
        &trickling.url(),
        &credential,
        &["--fetch-all", folder.to_str().unwrap(), "--timeout", "2"],
    ));
    assert!(line.contains("did not answer in time"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(20));

    // A redirect to another server: not followed, so the credential goes nowhere else.
    let elsewhere = StandIn::start(Box::new(|_, stream| respond(stream, "200 OK", "", b"{}")));
    let redirecting = {
        let target = format!("{}/api/v1/inbox", elsewhere.url());
        StandIn::start(Box::new(move |_, stream| {
            respond(stream, "302 Found", &format!("location: {target}\r\n"), b"");
        }))
    };
    let line = refusal(&fetch_all(&redirecting));
    assert!(line.contains("redirects elsewhere"), "{line}");
    assert!(elsewhere.requests.lock().unwrap().is_empty());
    assert!(redirecting.requests.lock().unwrap()[0].contains("cfd1_the-credential"));

    // Through all of it, nothing was written, whole or partial.
    assert_eq!(files_in(&folder), Vec::<String>::new());
}
