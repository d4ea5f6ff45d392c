//! The one place the app talks to the network.
//!
//! Only the app's own origin is ever asked (the Content-Security-Policy allows nothing
//! else), and nothing sent from here is plaintext personal data: it fetches form
//! definitions, the interface's language files, the agency directory and, with an
//! agency's credential, its inbox of sealed packets; the only bodies it posts are sealed
//! packets.

use std::fmt;

use confidant_core::agency::Directory;
use confidant_core::packet::UPLOAD_REFUSAL_KINDS;

/// A request that did not bring back what was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkError {
    /// No answer at all: offline, or the server is down.
    Unreachable,
    /// The server answered with this status.
    Status(u16),
    /// The answer is not what was asked for.
    Unreadable,
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable => f.write_str("the server could not be reached"),
            Self::Status(status) => write!(f, "the server answered {status}"),
            Self::Unreadable => f.write_str("the server's answer could not be read"),
        }
    }
}

/// What a partner's frame is for (`GET /api/v1/embed/ID`): the origin that frames it,
/// its form, and the key ids of the agencies the deployment fixed for it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct EmbedConfig {
    pub partner: String,
    pub origin: String,
    /// The partner's name, shown to the visitor beside its origin.
    pub name: String,
    /// Whether the partner asked to be told, with nothing else, that something was sent.
    pub completed: bool,
    pub form: String,
    pub recipients: Vec<String>,
}

/// Reads what the partner `id` (base64url, checked by the caller) is for.
pub async fn embed_config(id: &str) -> Result<EmbedConfig, NetworkError> {
    let text = fetch_text(&format!("/api/v1/embed/{id}")).await?;
    serde_json::from_str(&text).map_err(|_| NetworkError::Unreadable)
}

/// GETs a path of the app's own origin and returns the body as text.
pub async fn fetch_text(path: &str) -> Result<String, NetworkError> {
    text_of(gloo::net::http::Request::get(path)).await
}

/// The interface's words in a language other than English (`www/lang/TAG.txt`), which the
/// browser refuses unless its SHA-384 is `integrity`.
pub async fn language_file(tag: &str, integrity: &str) -> Result<String, NetworkError> {
    text_of(gloo::net::http::Request::get(&format!("/lang/{tag}.txt")).integrity(integrity)).await
}

/// Sends a GET and returns the body of a successful answer as text.
async fn text_of(request: gloo::net::http::RequestBuilder) -> Result<String, NetworkError> {
    let response = request
        .send()
        .await
        .map_err(|_| NetworkError::Unreachable)?;
    if !response.ok() {
        return Err(NetworkError::Status(response.status()));
    }
    response.text().await.map_err(|_| NetworkError::Unreachable)
}

/// The server's directory of agencies, read without trusting it
/// (`confidant_core::agency::Directory`): each entry's key id and fingerprint are computed
/// from its key, and entries that disagree with their key are refused, with the reason.
pub async fn directory() -> Result<Directory, NetworkError> {
    let text = fetch_text("/api/v1/directory").await?;
    Directory::parse(&text).map_err(|_| NetworkError::Unreadable)
}

/// What became of an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upload {
    /// The server has the packet (now, or from an earlier try).
    Stored,
    /// The server will never take this packet (a 4xx other than 408 and 429); the kind
    /// it gave.
    Refused(String),
    /// Try again later: no answer, a server error, or too many requests.
    Retry(String),
}

/// POSTs a sealed packet to the server. Safe to repeat: the server answers a packet it
/// already holds with the same receipt.
pub async fn upload(packet: &str) -> Upload {
    let request = gloo::net::http::Request::post("/api/v1/packets")
        .header("Content-Type", "application/jose+json")
        .body(packet.to_owned());
    let response = match request {
        Ok(request) => request.send().await,
        Err(_) => return Upload::Refused("request".to_owned()),
    };
    let Ok(response) = response else {
        return Upload::Retry("unreachable".to_owned());
    };
    match response.status() {
        200 | 201 => Upload::Stored,
        status @ (408 | 429 | 500..=599) => Upload::Retry(format!("status_{status}")),
        status => {
            let body = response.text().await.unwrap_or_default();
            Upload::Refused(refusal_kind(status, &body))
        }
    }
}

/// The kind of a refusal to keep with the packet: the server's `error` member when it is
/// one of Confidant's own kinds ([`UPLOAD_REFUSAL_KINDS`]), else `status_NNN`. The kind is
/// kept in the browser's storage beside the packet, so no text of the server's choosing,
/// of any length or wording, is ever kept.
fn refusal_kind(status: u16, body: &str) -> String {
    // Read as a `Value`, whose reader the app's module has for other reasons: a derived
    // reader for this one member made that module 0.9 KB larger brotli.
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|body| {
            let kind = body.get("error")?.as_str()?;
            UPLOAD_REFUSAL_KINDS
                .contains(&kind)
                .then(|| kind.to_owned())
        })
        .unwrap_or_else(|| format!("status_{status}"))
}

/// A packet waiting in the agency's inbox, as the server lists it: only what the server
/// knows of a sealed packet.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct Waiting {
    pub packet_id: String,
    pub size: u64,
    /// When the server received it, in seconds since the epoch.
    pub received: u64,
    /// When the agency acknowledged it, if it has.
    pub acknowledged: Option<u64>,
}

#[derive(serde::Deserialize)]
struct InboxList {
    packets: Vec<Waiting>,
}

/// Sends an inbox request with the agency's credential. The credential goes in a header,
/// never in the address.
async fn with_credential(
    request: gloo::net::http::RequestBuilder,
    credential: &str,
) -> Result<gloo::net::http::Response, NetworkError> {
    let response = request
        .header("Authorization", &format!("Bearer {credential}"))
        .send()
        .await
        .map_err(|_| NetworkError::Unreachable)?;
    if !response.ok() {
        return Err(NetworkError::Status(response.status()));
    }
    Ok(response)
}

/// The packets waiting for the agency whose credential this is.
pub async fn inbox(credential: &str) -> Result<Vec<Waiting>, NetworkError> {
    let response =
        with_credential(gloo::net::http::Request::get("/api/v1/inbox"), credential).await?;
    let text = response
        .text()
        .await
        .map_err(|_| NetworkError::Unreachable)?;
    serde_json::from_str::<InboxList>(&text)
        .map(|list| list.packets)
        .map_err(|_| NetworkError::Unreadable)
}

/// Packet ids are URL-safe base64: an id of any other spelling is never put in a path.
fn is_packet_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// One sealed packet of the agency's inbox, as text.
pub async fn inbox_packet(credential: &str, packet_id: &str) -> Result<String, NetworkError> {
    if !is_packet_id(packet_id) {
        return Err(NetworkError::Unreadable);
    }
    let request = gloo::net::http::Request::get(&format!("/api/v1/inbox/{packet_id}"));
    let response = with_credential(request, credential).await?;
    response.text().await.map_err(|_| NetworkError::Unreachable)
}

/// Tells the server the agency has the packet (kept or printed): its deletion clock
/// starts (`docs/server.md`).
pub async fn acknowledge(credential: &str, packet_id: &str) -> Result<(), NetworkError> {
    if !is_packet_id(packet_id) {
        return Err(NetworkError::Unreadable);
    }
    let request = gloo::net::http::Request::post(&format!("/api/v1/inbox/{packet_id}/ack"));
    with_credential(request, credential).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::refusal_kind;

    #[test]
    fn a_refusal_keeps_the_servers_kind_only_when_it_is_one_of_confidants() {
        assert_eq!(
            refusal_kind(
                422,
                r#"{"error":"unknown_recipient","message":"recipient `x`"}"#
            ),
            "unknown_recipient"
        );
        assert_eq!(refusal_kind(413, r#"{"error":"too_large"}"#), "too_large");
        // Text a hostile server chose, or no kind at all, is kept as the status.
        let long = format!(r#"{{"error":"{}"}}"#, "a".repeat(5000));
        for body in [
            long.as_str(),
            r#"{"error":"delivered_to_the_police"}"#,
            r#"{"error":"Delivered to the police"}"#,
            r#"{"error":"unknown_recipient "}"#,
            r#"{"error":""}"#,
            r#"{"error":7}"#,
            r#"{"kind":"unknown_recipient"}"#,
            "not json",
            "",
        ] {
            assert_eq!(refusal_kind(400, body), "status_400", "{body}");
        }
    }
}
