//! The HTML a partner's web person pastes to embed a form (`docs/embedding.md`): one
//! function, so that `confidant partner snippet` and the app's own page for the partner
//! give the very same text.

use base64ct::{Base64, Encoding};
use sha2::{Digest, Sha384};

/// Where the resizing script is served, on the deployment's origin.
pub const SCRIPT_PATH: &str = "/embed/v1.js";

/// The sandbox of a Confidant frame, token by token, and why each is there:
/// - `allow-scripts`: the app is WebAssembly and script;
/// - `allow-same-origin`: the frame keeps its own origin, the deployment's, so that it
///   reaches the API without CORS and its storage is its own (without it the origin is
///   opaque);
/// - `allow-forms`: the form's sections are HTML forms (CSP `form-action 'none'` still
///   stops any submission from leaving);
/// - `allow-downloads`: a sealed packet the frame could not deliver is offered as a file;
/// - `allow-popups` and `allow-popups-to-escape-sandbox`: the link that opens the form in
///   a full tab;
/// - `allow-top-navigation-by-user-activation`: the quick exit takes the whole tab away,
///   and only when the visitor presses it.
pub const SANDBOX: &str = "allow-scripts allow-same-origin allow-forms allow-downloads \
     allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation";

/// A partner's embedding of one form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedding<'a> {
    /// The deployment's public origin, without a trailing slash.
    pub url: &'a str,
    pub form: &'a str,
    pub partner: &'a str,
    /// The key ids of the agencies it sends to, which the frame's address pins.
    pub recipients: &'a [String],
    /// The frame's title, for screen readers.
    pub title: &'a str,
}

/// The `integrity` value of the resizing script whose bytes are `script` (SRI, SHA-384).
pub fn integrity(script: &[u8]) -> String {
    format!("sha384-{}", Base64::encode_string(&Sha384::digest(script)))
}

/// Text for an HTML attribute value in double quotes.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The snippet: the frame, whose address pins the recipients' key ids in its fragment
/// (never sent to any server), and the optional resizing script, whose bytes are
/// `script`, pinned by their hash.
pub fn snippet(embedding: &Embedding<'_>, script: &[u8]) -> String {
    let Embedding {
        url,
        form,
        partner,
        recipients,
        title,
    } = embedding;
    let src = format!(
        "{url}/embed/{form}?partner={partner}#pins={}",
        recipients.join(",")
    );
    format!(
        "<iframe src=\"{src}\" title=\"{title}\" data-confidant-embed\n  \
         sandbox=\"{SANDBOX}\"\n  \
         referrerpolicy=\"no-referrer\" allow=\"\" loading=\"lazy\"\n  \
         style=\"display:block;width:100%;height:640px;border:0\"></iframe>\n\
         <script src=\"{url}{SCRIPT_PATH}\" integrity=\"{integrity}\" crossorigin=\"anonymous\" async></script>",
        src = attribute(&src),
        title = attribute(title),
        url = attribute(url),
        integrity = integrity(script),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_escapes_what_it_quotes_and_pins_the_script() {
        let recipients = ["k1".to_owned(), "k2".to_owned()];
        let html = snippet(
            &Embedding {
                url: "https://confidant.example",
                form: "referral",
                partner: "AAAA",
                recipients: &recipients,
                title: "A \"form\" <b>",
            },
            b"script",
        );
        assert!(
            html.contains("title=\"A &quot;form&quot; &lt;b&gt;\""),
            "{html}"
        );
        assert!(
            html.contains("/embed/referral?partner=AAAA#pins=k1,k2"),
            "{html}"
        );
        assert!(html.contains(&integrity(b"script")), "{html}");
        assert!(html.contains(SANDBOX));
    }
}
