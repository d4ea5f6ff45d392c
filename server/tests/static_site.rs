//! How `confidant serve` sends the built app, as a real process on loopback serving a
//! synthetic `dist/` that the real build hook (`scripts/compress-dist.mjs`, run with
//! Node) has compressed: which files browsers may keep for a year, which they revalidate
//! by `ETag`, and which encoding each request gets.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Files named the way Trunk names what it hashes, with hashes of 8, 14, 16 and 20
/// digits (a real build wrote the 14-digit one).
const HASHED: [&str; 5] = [
    "boot-0123abcd.js",
    "confidant-web-11a6a8a7e04e66.js",
    "confidant-web-11a6a8a7e04e66_bg.wasm",
    "style-0123456789abcdef.css",
    "app-0123456789abcdef0123.js",
];

/// Files whose names never change: the page, the workers and their loaders, forms (one
/// whose name happens to end in hex), and a name with too short a hash.
const UNHASHED: [&str; 9] = [
    "index.html",
    "derive-worker-loader.js",
    "derive-worker.js",
    "derive-worker_bg.wasm",
    "strength-worker.js",
    "forms/group-agreement.json",
    "forms/case-deadbeef.json",
    "report-abc.js",
    "notes.txt",
];

/// Too small for compression to pay: the hook writes no variant of it.
const TINY: &str = "tiny.txt";

/// Contents that compress well, different for each file.
fn contents(name: &str) -> Vec<u8> {
    (0..200)
        .map(|line| format!("{name}: line {line} of a file that compresses well\n"))
        .collect::<String>()
        .into_bytes()
}

/// A built app in a scratch folder, compressed by the real hook, and a server for it.
struct Served {
    dist: Scratch,
    _data: Scratch,
    server: Server,
}

impl Served {
    fn start() -> Self {
        let dist = Scratch::new("static-dist");
        std::fs::create_dir_all(dist.path("forms")).unwrap();
        for name in HASHED.iter().chain(&UNHASHED) {
            std::fs::write(dist.path(name), contents(name)).unwrap();
        }
        std::fs::write(dist.path(TINY), "ok").unwrap();
        compress(&dist.0);
        let data = Scratch::new("static-data");
        let server = Server::serve(&data.0, &dist.0, &[]);
        Self {
            dist,
            _data: data,
            server,
        }
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(self.server.address, "GET", path, headers, b"").unwrap()
    }
}

/// Runs `scripts/compress-dist.mjs` on `dist` as Trunk would.
fn compress(dist: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/compress-dist.mjs");
    let output = Command::new("node")
        .arg(script)
        .env("TRUNK_STAGING_DIR", dist)
        .output()
        .expect("node runs scripts/compress-dist.mjs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn brotli_decompress(body: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    brotli_decompressor::Decompressor::new(body, 4096)
        .read_to_end(&mut output)
        .unwrap();
    output
}

fn gzip_decompress(body: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut output)
        .unwrap();
    output
}

fn url(name: &str) -> String {
    format!("/{name}")
}

#[test]
fn hashed_names_are_immutable_at_every_hash_length() {
    let served = Served::start();
    for name in HASHED {
        let response = served.get(&url(name), &[]);
        assert_eq!(response.status, 200, "{name}");
        assert_eq!(
            response.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{name}"
        );
        assert_eq!(response.body, contents(name), "{name}");
    }
}

#[test]
fn other_files_are_revalidated_by_their_etag() {
    let served = Served::start();
    for name in UNHASHED.iter().chain(&[TINY]) {
        let response = served.get(&url(name), &[]);
        assert_eq!(response.status, 200, "{name}");
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{name}");
        let etag = response.header("etag").unwrap().to_owned();
        assert!(
            etag.len() > 2 && etag.starts_with('"') && etag.ends_with('"'),
            "{name}: a strong etag, got {etag}"
        );

        let again = served.get(&url(name), &[("if-none-match", &etag)]);
        assert_eq!(again.status, 304, "{name}");
        assert!(again.body.is_empty(), "{name}");
        assert_eq!(again.header("etag"), Some(etag.as_str()), "{name}");
        assert_eq!(again.header("cache-control"), Some("no-cache"), "{name}");

        // Weak comparison, as If-None-Match asks; and a list naming it.
        let weak = served.get(&url(name), &[("if-none-match", &format!("W/{etag}"))]);
        assert_eq!(weak.status, 304, "{name}");
        let listed = served.get(
            &url(name),
            &[("if-none-match", &format!("\"old\", {etag}"))],
        );
        assert_eq!(listed.status, 304, "{name}");

        let changed = served.get(&url(name), &[("if-none-match", "\"something-else\"")]);
        assert_eq!(changed.status, 200, "{name}");
        assert_eq!(changed.body, response.body, "{name}");
    }
    // The page at `/` is index.html, with the same validator.
    let page = served.get("/", &[]);
    let index = served.get("/index.html", &[]);
    assert_eq!(page.header("etag"), index.header("etag"));
    assert_eq!(page.body, index.body);
}

/// What an answer varies by: its encoding, and for a script, whether it runs in a page
/// (its policy, below).
fn varies_by(name: &str) -> &'static str {
    if name.ends_with(".js") {
        "accept-encoding, sec-fetch-dest"
    } else {
        "accept-encoding"
    }
}

#[test]
fn the_encoding_follows_accept_encoding() {
    let served = Served::start();
    for name in HASHED.iter().chain(&UNHASHED) {
        let original = contents(name);
        let answer = |accept: Option<&str>| {
            let headers: Vec<(&str, &str)> = accept
                .map(|value| ("accept-encoding", value))
                .into_iter()
                .collect();
            let response = served.get(&url(name), &headers);
            assert_eq!(response.status, 200, "{name}");
            assert_eq!(
                response.header("vary"),
                Some(varies_by(name)),
                "{name} with {accept:?}"
            );
            assert_eq!(
                response.header("content-length"),
                Some(response.body.len().to_string().as_str()),
                "{name} with {accept:?}"
            );
            response
        };

        let brotli = answer(Some("br"));
        assert_eq!(brotli.header("content-encoding"), Some("br"), "{name}");
        assert!(brotli.body.len() < original.len(), "{name}");
        assert_eq!(brotli_decompress(&brotli.body), original, "{name}");
        assert_eq!(
            brotli.body,
            std::fs::read(served.dist.path(&format!("{name}.br"))).unwrap()
        );

        let gzip = answer(Some("gzip"));
        assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{name}");
        assert_eq!(gzip_decompress(&gzip.body), original, "{name}");

        // What browsers send, and a refusal of br.
        let browser = answer(Some("gzip, deflate, br, zstd"));
        assert_eq!(browser.header("content-encoding"), Some("br"), "{name}");
        let refused = answer(Some("br;q=0, gzip"));
        assert_eq!(refused.header("content-encoding"), Some("gzip"), "{name}");
        let any = answer(Some("*"));
        assert_eq!(any.header("content-encoding"), Some("br"), "{name}");

        for accept in [None, Some("identity"), Some("br;q=0, gzip;q=0"), Some("")] {
            let plain = answer(accept);
            assert_eq!(
                plain.header("content-encoding"),
                None,
                "{name} with {accept:?}"
            );
            assert_eq!(plain.body, original, "{name} with {accept:?}");
        }

        // Each representation has its own validator, and only its own revalidates.
        let etags = [&brotli, &gzip, &answer(None)]
            .map(|response| response.header("etag").unwrap().to_owned());
        assert_ne!(etags[0], etags[1], "{name}");
        assert_ne!(etags[0], etags[2], "{name}");
        assert_ne!(etags[1], etags[2], "{name}");
        let stale = served.get(
            &url(name),
            &[("accept-encoding", "br"), ("if-none-match", &etags[2])],
        );
        assert_eq!(stale.status, 200, "{name}");
        let fresh = served.get(
            &url(name),
            &[("accept-encoding", "br"), ("if-none-match", &etags[0])],
        );
        assert_eq!(fresh.status, 304, "{name}");
        assert_eq!(fresh.header("vary"), Some(varies_by(name)), "{name}");
    }
}

#[test]
fn a_file_not_worth_compressing_is_sent_as_it_is() {
    let served = Served::start();
    assert!(!served.dist.path(&format!("{TINY}.br")).exists());
    assert!(!served.dist.path(&format!("{TINY}.gz")).exists());
    let response = served.get(&url(TINY), &[("accept-encoding", "br, gzip")]);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-encoding"), None);
    assert_eq!(response.header("vary"), None);
    assert_eq!(response.body, b"ok");
}

#[test]
fn compressed_variants_are_not_urls() {
    let served = Served::start();
    for path in [
        "/app-0123456789abcdef0123.js.br",
        "/app-0123456789abcdef0123.js.gz",
        "/index.html.br",
        "/forms/group-agreement.json.gz",
    ] {
        assert!(served.dist.path(&path[1..]).exists(), "{path} was written");
        let response = served.get(path, &[("accept-encoding", "br, gzip")]);
        assert_eq!(response.status, 404, "{path}");
    }
}

#[test]
fn head_answers_as_get_without_the_body() {
    let served = Served::start();
    let name = "confidant-web-11a6a8a7e04e66_bg.wasm";
    let get = served.get(&url(name), &[("accept-encoding", "br")]);
    let head = request(
        served.server.address,
        "HEAD",
        &url(name),
        &[("accept-encoding", "br")],
        b"",
    )
    .unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for header in [
        "content-encoding",
        "content-length",
        "etag",
        "vary",
        "cache-control",
    ] {
        assert_eq!(head.header(header), get.header(header), "{header}");
    }
}

#[test]
fn a_variant_that_is_not_its_file_compressed_stops_the_start() {
    let dist = Scratch::new("static-stale");
    std::fs::write(dist.path("index.html"), contents("index.html")).unwrap();
    compress(&dist.0);
    // Edited after the build: its variants are now another page.
    std::fs::write(dist.path("index.html"), contents("index.html (edited)")).unwrap();
    let data = Scratch::new("static-stale-data");
    let (success, stderr) = serve_until_exit(&data.0, &dist.0);
    assert!(!success);
    assert!(
        stderr.contains("`index.html.br` is not `index.html` compressed"),
        "{stderr}"
    );
}

/// Runs `confidant serve` expecting it to refuse to start; its status and its errors.
fn serve_until_exit(data: &Path, dist: &Path) -> (bool, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .arg("--static")
        .arg(dist)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server started despite the stale variant");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.success(), stderr)
}

/// The policy of an answer that is neither a page nor a script.
const SHORT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The headers that bind only a document, or the worker a script starts.
const DOCUMENT_ONLY: [&str; 2] = ["permissions-policy", "cross-origin-opener-policy"];

#[test]
fn a_page_or_script_gets_the_whole_policy_and_anything_else_one_that_runs_nothing() {
    let served = Served::start();
    let page = served.get("/", &[]);
    let whole = page.header("content-security-policy").unwrap().to_owned();
    assert!(whole.contains("script-src"), "{whole}");
    // A script's policy is the policy of the worker it starts.
    for path in ["/", "/index.html", "/boot-0123abcd.js", "/derive-worker.js"] {
        let answer = served.get(path, &[]);
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some(whole.as_str()),
            "{path}"
        );
        for name in DOCUMENT_ONLY {
            assert!(answer.header(name).is_some(), "{path} has no {name}");
        }
    }
    // Fetched to start a worker, to be kept by the service worker, or by a browser sent to
    // its address, a script gets the whole policy too; so does a request that does not
    // say what it is for, or says it twice.
    for dest in [
        &[("sec-fetch-dest", "worker")][..],
        &[("sec-fetch-dest", "serviceworker")],
        &[("sec-fetch-dest", "sharedworker")],
        &[("sec-fetch-dest", "empty")],
        &[("sec-fetch-dest", "document")],
        &[("sec-fetch-dest", "Script")],
        &[("sec-fetch-dest", "script"), ("sec-fetch-dest", "worker")],
    ] {
        for path in ["/boot-0123abcd.js", "/derive-worker.js"] {
            let answer = served.get(path, dest);
            assert_eq!(
                answer.header("content-security-policy"),
                Some(whole.as_str()),
                "{path} {dest:?}"
            );
            assert!(answer.header("permissions-policy").is_some(), "{path}");
        }
    }
    // Run in a page (or by a worker already running), a script is governed by the policy
    // of what runs it: its own would bind nothing, and it gets the short one, as does its
    // 304. Caches keep the two answers apart.
    for path in ["/boot-0123abcd.js", "/derive-worker.js"] {
        let script = [("sec-fetch-dest", "script")];
        let answer = served.get(path, &script);
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some(SHORT_POLICY),
            "{path}"
        );
        for name in DOCUMENT_ONLY {
            assert_eq!(answer.header(name), None, "{path} has {name}");
        }
        assert!(
            answer
                .header("vary")
                .is_some_and(|vary| vary.contains("sec-fetch-dest")),
            "{path}: {:?}",
            answer.header("vary")
        );
        let etag = answer.header("etag").unwrap().to_owned();
        let unchanged = served.get(path, &[script[0], ("if-none-match", etag.as_str())]);
        assert_eq!(unchanged.status, 304, "{path}");
        assert_eq!(
            unchanged.header("content-security-policy"),
            Some(SHORT_POLICY),
            "{path}"
        );
    }
    // Sent straight to one of these, a browser runs nothing, loads nothing and frames it
    // nowhere.
    let others = [
        "/confidant-web-11a6a8a7e04e66_bg.wasm",
        "/style-0123456789abcdef.css",
        "/forms/group-agreement.json",
        "/notes.txt",
        "/no-such-file",
        "/api/v1/health",
    ];
    for path in others {
        let answer = served.get(path, &[]);
        assert_eq!(
            answer.header("content-security-policy"),
            Some(SHORT_POLICY),
            "{path}"
        );
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            answer.header("cross-origin-resource-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert!(
            answer.header("strict-transport-security").is_some(),
            "{path}"
        );
        for name in DOCUMENT_ONLY {
            assert_eq!(answer.header(name), None, "{path} has {name}");
        }
    }
    // A 304 has no type, and its headers replace those of the copy the browser kept: a
    // page's carries the whole policy, a file's the short one, each as its 200 did.
    for (path, policy, document) in [
        ("/", whole.as_str(), true),
        ("/boot-0123abcd.js", whole.as_str(), true),
        ("/forms/group-agreement.json", SHORT_POLICY, false),
        ("/style-0123456789abcdef.css", SHORT_POLICY, false),
    ] {
        let first = served.get(path, &[]);
        let etag = first.header("etag").unwrap().to_owned();
        let unchanged = served.get(path, &[("if-none-match", etag.as_str())]);
        assert_eq!(unchanged.status, 304, "{path}");
        assert_eq!(
            unchanged.header("content-security-policy"),
            Some(policy),
            "{path}"
        );
        for name in DOCUMENT_ONLY {
            assert_eq!(unchanged.header(name).is_some(), document, "{path}: {name}");
            assert_eq!(unchanged.header(name), first.header(name), "{path}: {name}");
        }
    }
}
