//! What the server's integration tests share: scratch folders, the real `confidant`
//! process, a minimal HTTP/1.1 client over loopback, and sealed test packets.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use confidant_core::keys::{AgencyKeyPair, PublicKey};
use confidant_core::packet::{FormRef, Recipient, seal_packet};

pub const BIN: &str = env!("CARGO_BIN_EXE_confidant");

/// A scratch folder of this test process, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "confidant-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An agency: its keys, and the credential the server issued.
pub struct TestAgency {
    pub keys: AgencyKeyPair,
    pub credential: String,
}

/// Registers a fresh agency in the store at `data` with `confidant agency add`.
pub fn register_agency(scratch: &Scratch, data: &Path, name: &str) -> TestAgency {
    let keys = AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let jwk = scratch.path(&format!("{name}.jwk"));
    std::fs::write(&jwk, keys.public.to_jwk_json()).unwrap();
    let output = Command::new(BIN)
        .args([
            "agency",
            "add",
            "--data",
            data.to_str().unwrap(),
            "--name",
            name,
            "--kind",
            "ngo",
            "--key",
        ])
        .arg(&jwk)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let credential = stdout
        .lines()
        .find_map(|line| line.strip_prefix("credential (shown once; give it to the agency): "))
        .unwrap()
        .to_owned();
    TestAgency { keys, credential }
}

/// A running `confidant serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: SocketAddr,
}

impl Server {
    /// Serves a one-page app.
    pub fn start(data: &Path, extra: &[&str]) -> Self {
        let dist = std::env::temp_dir().join(format!("confidant-test-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<!DOCTYPE html><title>test</title>",
        )
        .unwrap();
        // The embedded form's page (scripts/write-embed-page.mjs).
        std::fs::write(
            dist.join("embed.html"),
            "<!DOCTYPE html><title>test embed</title>",
        )
        .unwrap();
        Self::serve(data, &dist, extra)
    }

    /// Serves the app built into `dist`.
    pub fn serve(data: &Path, dist: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--data",
                data.to_str().unwrap(),
                "--static",
            ])
            .arg(dist)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("the server said {line:?}"))
            .parse()
            .unwrap();
        Self { child, address }
    }

    /// Ends the process at once, as a crash or a power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A response: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not json: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(10))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // The server may answer from the head alone (413, 415, 429, 503) and close without
    // reading the body: its answer is still there to read.
    let written = stream.write_all(body);
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    if raw.is_empty() {
        written?;
        read?;
    }
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no complete response"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(name, value)| name == "transfer-encoding" && value == "chunked")
    {
        body = dechunk(&body);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let Some(end) = raw.windows(2).position(|window| window == b"\r\n") else {
            return body;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
}

pub fn upload(address: SocketAddr, packet: &str) -> std::io::Result<Response> {
    request(
        address,
        "POST",
        "/api/v1/packets",
        &[("content-type", "application/jose+json")],
        packet.as_bytes(),
    )
}

pub fn authorized(credential: &str) -> String {
    format!("Bearer {credential}")
}

/// A packet for `to` whose payload carries `canary`, padded to about `size` bytes.
pub fn sealed_packet(to: &[&PublicKey], canary: &str, size: usize) -> String {
    let payload = serde_json::json!({
        "person": { "name": canary, "notes": format!("{canary} {}", "x".repeat(size)) }
    })
    .to_string();
    let recipients: Vec<Recipient> = to
        .iter()
        .map(|key| Recipient::Agency((*key).clone()))
        .collect();
    let form = FormRef {
        id: "referral".into(),
        version: "1".into(),
    };
    seal_packet(
        &payload,
        &form,
        1_700_000_000,
        &recipients,
        &mut getrandom::SysRng,
    )
    .unwrap()
}

pub fn packet_id(packet: &str) -> String {
    confidant_core::packet::Packet::parse(packet)
        .unwrap()
        .meta()
        .packet_id()
        .to_owned()
}

/// Row counts of the store's tables, read straight from the database file.
pub fn row_counts(data: &Path) -> (i64, i64, i64) {
    let connection = rusqlite::Connection::open_with_flags(
        data.join("confidant.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let count = |table: &str| -> i64 {
        connection
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .unwrap()
    };
    (count("agencies"), count("packets"), count("deliveries"))
}

/// Runs `confidant` with `args` and `stdin`, and waits for it.
pub fn confidant(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command may fail before it reads its input; a closed pipe is then expected.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// The standard output of a command that must have succeeded (else its standard error).
pub fn ok(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The standard error of a command that must have failed (else its standard output).
pub fn refused(output: &std::process::Output) -> String {
    assert!(
        !output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A path as the command line takes it.
pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}
