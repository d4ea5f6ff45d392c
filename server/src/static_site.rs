//! The built app (Trunk's `dist/`), held in memory and served with strict headers, cached
//! as long as each file's name allows, and compressed ahead of time.
//!
//! The files are read once at start-up: the app is small, and a running server then does
//! no file-system work per request and cannot be made to read outside the folder. The
//! Content-Security-Policy is derived from the page itself: Trunk writes one small inline
//! module script that starts the app, and instead of allowing inline scripts in general
//! (`unsafe-inline`), the policy allows exactly that script by its SHA-256 hash.
//!
//! Caching follows Trunk's names. A file whose name carries its content hash can never
//! change under that name, so browsers may keep it for a year without asking again;
//! every other file (the page, the forms, the workers, which must keep fixed names) is
//! revalidated on each use by its `ETag`, which costs a round trip but no body.
//!
//! Compression happens once, at build time (`scripts/compress-dist.mjs` writes `FILE.br`
//! and `FILE.gz` beside each file), with settings too slow to spend per request. Those
//! variants belong to their file: they are never URLs of their own, and each is checked
//! at start-up to decompress to exactly its file, so a file edited after the build cannot
//! be served stale to the browsers that accept compression.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use base64ct::{Base64, Encoding};
use sha2::{Digest, Sha256};

/// A content coding of a precompressed variant, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentCoding {
    Brotli,
    Gzip,
}

impl ContentCoding {
    const ALL: [Self; 2] = [Self::Brotli, Self::Gzip];

    /// The coding's name in `Accept-Encoding` and `Content-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }

    /// What `scripts/compress-dist.mjs` appends to a file's name for this variant.
    fn file_suffix(self) -> &'static str {
        match self {
            Self::Brotli => ".br",
            Self::Gzip => ".gz",
        }
    }

    /// Whether `name`, as written in `Accept-Encoding`, means this coding (RFC 9110 asks
    /// that `x-gzip` be taken as `gzip`).
    fn is_named(self, name: &str) -> bool {
        match self {
            Self::Brotli => name.eq_ignore_ascii_case("br"),
            Self::Gzip => name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip"),
        }
    }

    /// Decompresses `compressed`, reading at most `limit` bytes of output.
    fn decompress(self, compressed: &[u8], limit: u64) -> std::io::Result<Vec<u8>> {
        let mut output = Vec::new();
        match self {
            Self::Brotli => brotli_decompressor::Decompressor::new(compressed, 4096)
                .take(limit)
                .read_to_end(&mut output)?,
            Self::Gzip => flate2::read::GzDecoder::new(compressed)
                .take(limit)
                .read_to_end(&mut output)?,
        };
        Ok(output)
    }
}

/// One way of sending a file: as built, or one of its precompressed variants.
#[derive(Debug)]
pub struct Representation {
    /// Shared, so that sending the file copies no bytes.
    pub body: Bytes,
    /// `None` for the file as built.
    pub coding: Option<ContentCoding>,
    /// A strong validator: the file's hash, and the coding, since a compressed variant is
    /// other bytes than the file.
    pub etag: String,
}

/// One file of the app, ready to send.
#[derive(Debug)]
pub struct Asset {
    pub content_type: &'static str,
    /// Trunk names the file after its content hash, so it never changes under one name.
    pub immutable: bool,
    original: Representation,
    /// Its precompressed variants, best first.
    compressed: Vec<Representation>,
}

impl Asset {
    /// Whether the answer depends on the request's `Accept-Encoding`.
    pub fn has_variants(&self) -> bool {
        !self.compressed.is_empty()
    }

    /// The representation to send to a request whose `Accept-Encoding` header lines are
    /// `accept_encoding`: the variant the request rates highest, `br` before `gzip` at
    /// equal rating, and the file as built when no variant is acceptable (also when the
    /// request sent no `Accept-Encoding`).
    pub fn negotiate(&self, accept_encoding: &[&str]) -> &Representation {
        let mut best: Option<(u16, &Representation)> = None;
        for variant in &self.compressed {
            let Some(coding) = variant.coding else {
                continue;
            };
            let quality = quality(accept_encoding, coding);
            if quality > 0 && best.is_none_or(|(best_quality, _)| quality > best_quality) {
                best = Some((quality, variant));
            }
        }
        best.map_or(&self.original, |(_, variant)| variant)
    }
}

/// How much a request's `Accept-Encoding` wants `coding`, in thousandths (0 refuses it).
/// An entry naming the coding counts over `*`; a coding not named at all, without `*`,
/// is not acceptable. A quality that is not a valid `q` value refuses.
fn quality(accept_encoding: &[&str], coding: ContentCoding) -> u16 {
    let mut named: Option<u16> = None;
    let mut any: Option<u16> = None;
    for entry in accept_encoding.iter().flat_map(|line| line.split(',')) {
        let mut parts = entry.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let quality = parts
            .find_map(|parameter| {
                let (key, value) = parameter.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("q")
                    .then(|| parse_quality(value.trim()).unwrap_or(0))
            })
            .unwrap_or(1000);
        if coding.is_named(name) {
            named = Some(named.map_or(quality, |seen| seen.max(quality)));
        } else if name == "*" {
            any = Some(any.map_or(quality, |seen| seen.max(quality)));
        }
    }
    named.or(any).unwrap_or(0)
}

/// A `q` value (RFC 9110 §12.4.2: `0` to `1` with at most three decimals) in thousandths.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Whether an `If-None-Match` header line names `etag` (or is `*`). The comparison is
/// the weak one RFC 9110 prescribes for `If-None-Match`: `W/"x"` matches `"x"`.
pub fn if_none_match(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// Whether a request's `If-None-Match` lines (`request`, its headers) name `etag`: what it
/// holds is current, and a `304 Not Modified` answers it.
pub fn asks_unchanged(request: &axum::http::HeaderMap, etag: &str) -> bool {
    request
        .get_all(axum::http::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|line| if_none_match(line, etag))
}

/// The whole app, by URL path (`/index.html`, `/confidant-web-1f2e….js`, …).
#[derive(Debug)]
pub struct StaticSite {
    assets: HashMap<String, Asset>,
    inline_script_hashes: Vec<String>,
}

impl StaticSite {
    /// Reads every file under `root`. Fails if there is no `index.html`: serving a
    /// half-built app would only confuse the people who open it. Fails as well if a
    /// precompressed variant is not its file compressed.
    pub fn load(root: &Path) -> Result<Self, String> {
        let mut files = BTreeMap::new();
        read_folder(root, root, &mut files)?;
        let found: Vec<(String, ContentCoding, String)> = files
            .keys()
            .filter_map(|name| {
                let (coding, original) = variant_of(name, &files)?;
                Some((name.clone(), coding, original.to_owned()))
            })
            .collect();
        let mut variants: HashMap<String, Vec<(ContentCoding, Vec<u8>)>> = HashMap::new();
        for (name, coding, original) in found {
            if let Some(compressed) = files.remove(&name) {
                variants
                    .entry(original)
                    .or_default()
                    .push((coding, compressed));
            }
        }
        let mut assets = HashMap::new();
        for (name, body) in files {
            let compressed = variants.remove(&name).unwrap_or_default();
            let asset = asset(&name, body, compressed)?;
            assets.insert(format!("/{name}"), asset);
        }
        let index = assets.get("/index.html").ok_or_else(|| {
            format!(
                "no index.html in `{}`; build the app first (scripts/serve.sh does)",
                root.display()
            )
        })?;
        let page = String::from_utf8_lossy(&index.original.body);
        let inline_script_hashes = inline_scripts(&page)
            .map(|script| {
                format!(
                    "'sha256-{}'",
                    Base64::encode_string(&Sha256::digest(script))
                )
            })
            .collect();
        Ok(Self {
            assets,
            inline_script_hashes,
        })
    }

    /// The asset at a request path; `/` is the page itself.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        let path = if path == "/" { "/index.html" } else { path };
        self.assets.get(path)
    }

    /// The page's Content-Security-Policy. `frame_ancestors` are the origins allowed to
    /// frame it (the embed route's partner); with none, no site may.
    pub fn content_security_policy(&self, frame_ancestors: &[String]) -> String {
        let mut scripts = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
        scripts.extend(self.inline_script_hashes.iter().cloned());
        let ancestors = if frame_ancestors.is_empty() {
            "'none'".to_owned()
        } else {
            frame_ancestors.join(" ")
        };
        [
            "default-src 'none'".to_owned(),
            format!("script-src {}", scripts.join(" ")),
            "style-src 'self'".to_owned(),
            "img-src 'self' data:".to_owned(),
            "font-src 'self'".to_owned(),
            "connect-src 'self'".to_owned(),
            "manifest-src 'self'".to_owned(),
            "base-uri 'none'".to_owned(),
            "form-action 'none'".to_owned(),
            "object-src 'none'".to_owned(),
            format!("frame-ancestors {ancestors}"),
            "require-trusted-types-for 'script'".to_owned(),
        ]
        .join("; ")
    }
}

/// Every file under `folder`, by its path relative to `root` with `/` between parts.
fn read_folder(
    root: &Path,
    folder: &Path,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| format!("cannot read `{}`: {error}", folder.display()))?;
    for entry in entries {
        let path: PathBuf = entry
            .map_err(|error| format!("cannot read `{}`: {error}", folder.display()))?
            .path();
        if path.is_dir() {
            read_folder(root, &path, files)?;
            continue;
        }
        let body = std::fs::read(&path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let name = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.insert(name, body);
    }
    Ok(())
}

/// The coding and the file of a precompressed variant (`app.js.br` of `app.js`), if
/// `name` is one. A `.gz` without its file beside it is a file of its own.
fn variant_of<'a>(
    name: &'a str,
    files: &BTreeMap<String, Vec<u8>>,
) -> Option<(ContentCoding, &'a str)> {
    ContentCoding::ALL.into_iter().find_map(|coding| {
        let original = name.strip_suffix(coding.file_suffix())?;
        files.contains_key(original).then_some((coding, original))
    })
}

/// The first 128 bits of a body's SHA-256, in hex: what its validators are made of.
fn content_hash(body: &[u8]) -> String {
    Sha256::digest(body)[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A strong validator for `body` as sent without a content coding.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", content_hash(body))
}

fn asset(
    name: &str,
    body: Vec<u8>,
    mut compressed: Vec<(ContentCoding, Vec<u8>)>,
) -> Result<Asset, String> {
    let hash = content_hash(&body);
    compressed.sort_by_key(|(coding, _)| ContentCoding::ALL.iter().position(|c| c == coding));
    let compressed = compressed
        .into_iter()
        .map(|(coding, variant)| {
            let limit = body.len() as u64 + 1;
            let matches = coding
                .decompress(&variant, limit)
                .is_ok_and(|decompressed| decompressed == body);
            if !matches {
                return Err(format!(
                    "`{name}{}` is not `{name}` compressed; rebuild the app or remove it",
                    coding.file_suffix()
                ));
            }
            Ok(Representation {
                body: Bytes::from(variant),
                coding: Some(coding),
                etag: format!("\"{hash}-{}\"", coding.token()),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Asset {
        content_type: content_type(name),
        immutable: looks_hashed(name),
        original: Representation {
            body: Bytes::from(body),
            coding: None,
            etag: format!("\"{hash}\""),
        },
        compressed,
    })
}

/// The text of every `<script>` element with no `src`, as the browser hashes it.
fn inline_scripts(page: &str) -> impl Iterator<Item = &str> {
    let mut rest = page;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find("<script")?;
            let after_tag = &rest[start..];
            let open_end = after_tag.find('>')?;
            let attributes = &after_tag[..open_end];
            let body_start = &after_tag[open_end + 1..];
            let close = body_start.find("</script>")?;
            let body = &body_start[..close];
            rest = &body_start[close..];
            if !attributes.contains("src=") && !body.is_empty() {
                return Some(body);
            }
        }
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Whether Trunk named the file after its content. Trunk writes its outputs at the top of
/// `dist/` as `NAME-HASH.EXT` (stylesheets, scripts, copied files: the hash zero-padded
/// to 16 digits), and for each Rust app `NAME-HASH.js`, `NAME-HASH_bg.wasm` and, with a
/// loader shim, `NAME-HASH_loader.js`, where the hash is a 64-bit SeaHash written without
/// padding (so 14 or 15 digits happen). Hence any length from 8 to 32 lowercase hex
/// digits. Anything in a subfolder was copied by `copy-dir`, which keeps names as they
/// are, so `forms/case-deadbeef.json` is not hashed; nor is `derive-worker.js`, since
/// `worker` is not hex: Trunk never hashes a worker's files, whose names the loader must
/// know.
fn looks_hashed(name: &str) -> bool {
    if name.contains('/') {
        return false;
    }
    let Some((stem, tail)) = name.rsplit_once('-') else {
        return false;
    };
    let hash_end = tail.find(['.', '_']).unwrap_or(tail.len());
    let (hash, suffix) = tail.split_at(hash_end);
    let extension = suffix.strip_prefix('.').is_some_and(|extension| {
        !extension.is_empty()
            && extension
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.')
    });
    !stem.is_empty()
        && (8..=32).contains(&hash.len())
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (extension || suffix == "_bg.wasm" || suffix == "_loader.js")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_inline_scripts() {
        let page = r#"<script src="/boot-1.js" integrity="x"></script>
            <script type="module">import init from '/a.js';init();</script>"#;
        assert_eq!(
            inline_scripts(page).collect::<Vec<_>>(),
            vec!["import init from '/a.js';init();"]
        );
    }

    #[test]
    fn hashes_match_what_browsers_compute() {
        // The CSP3 example: `'sha256-…'` of `alert('Hello, world.');` in the spec's examples
        // is computed over the exact text between the tags.
        let digest = Base64::encode_string(&Sha256::digest("alert('Hello, world.');"));
        assert_eq!(digest, "qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=");
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        for name in [
            "confidant-web-1f2e3d4c5b6a7980_bg.wasm",
            "confidant-web-11a6a8a7e04e66_bg.wasm",
            "confidant-web-11a6a8a7e04e66.js",
            "style-0123456789abcdef.css",
            "boot-0123abcd.js",
            "app-0123456789abcdef0123.js",
            "app-0123456789abcdef0123_loader.js",
            "app-0123456789abcdef0123456789abcdef.js",
            "types-0123456789abcdef.d.ts",
            "jquery.min-0123456789abcdef.js",
        ] {
            assert!(looks_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "boot.js",
            "derive-worker.js",
            "derive-worker_bg.wasm",
            "derive-worker-loader.js",
            "group-agreement.json",
            "forms/case-deadbeef.json",
            "app-0123abc.js",
            "app-0123456789abcdef0123456789abcdef0.js",
            "app-0123456789ABCDEF.js",
            "app-0123456789abcdef_other.js",
            "app-0123456789abcdef",
            "app-0123456789abcdef.",
            "-0123456789abcdef.js",
        ] {
            assert!(!looks_hashed(name), "{name}");
        }
    }

    #[test]
    fn reads_q_values_strictly() {
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("0.001"), Some(1));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.0001"), None);
        assert_eq!(parse_quality("-0"), None);
        assert_eq!(parse_quality("abc"), None);
        assert_eq!(parse_quality(""), None);
    }

    fn rated(header: &str, coding: ContentCoding) -> u16 {
        quality(&[header], coding)
    }

    #[test]
    fn reads_accept_encoding() {
        use ContentCoding::{Brotli, Gzip};
        assert_eq!(rated("gzip, deflate, br, zstd", Brotli), 1000);
        assert_eq!(rated("br;q=0, gzip", Brotli), 0);
        assert_eq!(rated("br;q=0, gzip", Gzip), 1000);
        assert_eq!(rated("BR ; Q=0.5", Brotli), 500);
        assert_eq!(rated("*", Brotli), 1000);
        assert_eq!(rated("*;q=0.2, br;q=0", Brotli), 0);
        assert_eq!(rated("*;q=0.2, br;q=0", Gzip), 200);
        assert_eq!(rated("x-gzip", Gzip), 1000);
        assert_eq!(rated("identity", Brotli), 0);
        assert_eq!(rated("", Gzip), 0);
        assert_eq!(rated("br;q=2", Brotli), 0);
        assert_eq!(quality(&["gzip", "br"], Brotli), 1000);
    }

    fn asset_with_variants() -> Asset {
        Asset {
            content_type: "text/plain; charset=utf-8",
            immutable: false,
            original: Representation {
                body: Bytes::from_static(b"text"),
                coding: None,
                etag: "\"h\"".to_owned(),
            },
            compressed: vec![
                Representation {
                    body: Bytes::from_static(b"b"),
                    coding: Some(ContentCoding::Brotli),
                    etag: "\"h-br\"".to_owned(),
                },
                Representation {
                    body: Bytes::from_static(b"g"),
                    coding: Some(ContentCoding::Gzip),
                    etag: "\"h-gzip\"".to_owned(),
                },
            ],
        }
    }

    #[test]
    fn negotiates_the_best_acceptable_variant() {
        let asset = asset_with_variants();
        let chosen = |header: &str| asset.negotiate(&[header]).coding;
        assert_eq!(chosen("gzip, deflate, br"), Some(ContentCoding::Brotli));
        assert_eq!(chosen("br;q=0, gzip"), Some(ContentCoding::Gzip));
        assert_eq!(chosen("gzip;q=1, br;q=0.5"), Some(ContentCoding::Gzip));
        assert_eq!(chosen("*"), Some(ContentCoding::Brotli));
        assert_eq!(chosen("identity"), None);
        assert_eq!(chosen("br;q=0, gzip;q=0"), None);
        assert_eq!(asset.negotiate(&[]).coding, None);
    }

    #[test]
    fn matches_if_none_match_weakly() {
        assert!(if_none_match("\"h\"", "\"h\""));
        assert!(if_none_match("W/\"h\"", "\"h\""));
        assert!(if_none_match("\"x\", \"h\"", "\"h\""));
        assert!(if_none_match("*", "\"h\""));
        assert!(!if_none_match("\"h\"", "\"h-br\""));
        assert!(!if_none_match("h", "\"h\""));
        assert!(!if_none_match("", "\"h\""));
    }
}
