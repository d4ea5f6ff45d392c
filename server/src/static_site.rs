//! The built app (Trunk's `dist/`), held in memory and served with strict headers.
//!
//! The files are read once at start-up: the app is small, and a running server then does
//! no file-system work per request and cannot be made to read outside the folder. The
//! Content-Security-Policy is derived from the page itself: Trunk writes one small inline
//! module script that starts the app, and instead of allowing inline scripts in general
//! (`unsafe-inline`), the policy allows exactly that script by its SHA-256 hash.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use sha2::{Digest, Sha256};

/// One file of the app, ready to send.
#[derive(Debug)]
pub struct Asset {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// Trunk names assets after their content hash, so they never change under one name.
    pub immutable: bool,
}

/// The whole app, by URL path (`/index.html`, `/confidant-web-1f2e….js`, …).
#[derive(Debug)]
pub struct StaticSite {
    assets: HashMap<String, Asset>,
    inline_script_hashes: Vec<String>,
}

impl StaticSite {
    /// Reads every file under `root`. Fails if there is no `index.html`: serving a
    /// half-built app would only confuse the people who open it.
    pub fn load(root: &Path) -> Result<Self, String> {
        let mut assets = HashMap::new();
        read_folder(root, root, &mut assets)?;
        let index = assets.get("/index.html").ok_or_else(|| {
            format!(
                "no index.html in `{}`; build the app first (scripts/serve.sh does)",
                root.display()
            )
        })?;
        let page = String::from_utf8_lossy(&index.body);
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
    /// embed the app; with none, no site may frame it.
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

fn read_folder(
    root: &Path,
    folder: &Path,
    assets: &mut HashMap<String, Asset>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| format!("cannot read `{}`: {error}", folder.display()))?;
    for entry in entries {
        let path: PathBuf = entry
            .map_err(|error| format!("cannot read `{}`: {error}", folder.display()))?
            .path();
        if path.is_dir() {
            read_folder(root, &path, assets)?;
            continue;
        }
        let body = std::fs::read(&path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let url_path = format!(
            "/{}",
            relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        );
        let name = relative.to_string_lossy();
        assets.insert(
            url_path,
            Asset {
                content_type: content_type(&name),
                immutable: name != "index.html" && looks_hashed(&name),
                body,
            },
        );
    }
    Ok(())
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

/// Trunk's file hashes are 16 hexadecimal digits before the extension (`name-<hash>.js`,
/// `name-<hash>_bg.wasm`).
fn looks_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit('-')
        .next()
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
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
        assert!(looks_hashed("confidant-web-1f2e3d4c5b6a7980_bg.wasm"));
        assert!(looks_hashed("style-0123456789abcdef.css"));
        assert!(!looks_hashed("index.html"));
        assert!(!looks_hashed("boot.js"));
    }
}
