//! Deciding whether an uploaded body may be stored: it must be a well-formed packet,
//! by the very parser the browser opens packets with, addressed only to registered
//! agencies (passphrase recipients may come along, but at least one agency must be
//! there to receive it). No key is used and nothing is decrypted.
//!
//! A body of 25 MB of `{},` must cost the server no more memory than its own bytes: the
//! JSON check keeps nothing, and the packet parser refuses the first recipient over the
//! limit while it reads the list.
//!
//! The messages name what they refuse (a key id, the parser's reason), escaped and cut
//! short by [`crate::untrusted_text`]: the body is the client's, and so is every word of it.
//!
//! Pure, so that it is fuzzed on its own (`server/fuzz`, target `upload`).

use confidant_core::packet::Packet;
use serde::de::IgnoredAny;

use crate::untrusted_text::{MAX_MESSAGE_CHARS, shown, shown_value};

/// The media type of a packet: a JWE in the JSON serialization (RFC 7516 §9.2).
pub const PACKET_MEDIA_TYPE: &str = "application/jose+json";

/// A body the store may keep.
#[derive(Debug, PartialEq, Eq)]
pub struct AcceptedUpload {
    pub packet_id: String,
    /// The agencies it is for, in packet order.
    pub agencies: Vec<String>,
}

/// Why a body was refused; each maps to one HTTP status and a short message.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadRefusal {
    /// Not `application/jose+json`: 415.
    NotAPacketType,
    /// Over the size limit: 413.
    TooLarge,
    /// Not text, or not JSON: 400.
    NotJson,
    /// JSON, but not a packet Confidant accepts (the parser's reason): 422.
    NotAPacket(String),
    /// Addressed to a key that is not in the directory: 422.
    UnknownRecipient(String),
    /// Only passphrase recipients: no agency to deliver it to: 422.
    NoAgencyRecipient,
}

impl UploadRefusal {
    pub fn status(&self) -> u16 {
        match self {
            Self::NotAPacketType => 415,
            Self::TooLarge => 413,
            Self::NotJson => 400,
            Self::NotAPacket(_) | Self::UnknownRecipient(_) | Self::NoAgencyRecipient => 422,
        }
    }

    /// A machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotAPacketType => "unsupported_media_type",
            Self::TooLarge => "too_large",
            Self::NotJson => "not_json",
            Self::NotAPacket(_) => "not_a_packet",
            Self::UnknownRecipient(_) => "unknown_recipient",
            Self::NoAgencyRecipient => "no_agency_recipient",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::NotAPacketType => format!("send packets as {PACKET_MEDIA_TYPE}"),
            Self::TooLarge => "the packet is larger than this server accepts".to_owned(),
            Self::NotJson => "the body is not JSON text".to_owned(),
            Self::NotAPacket(reason) => {
                format!("not a packet: {}", shown(reason, MAX_MESSAGE_CHARS))
            }
            Self::UnknownRecipient(kid) => format!(
                "recipient `{}` is not in this server's directory",
                shown_value(kid)
            ),
            Self::NoAgencyRecipient => "the packet is not addressed to any agency".to_owned(),
        }
    }
}

/// Whether a `Content-Type` value names the packet media type (parameters aside).
pub fn is_packet_media_type(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(PACKET_MEDIA_TYPE))
}

/// Checks an upload. `is_agency` says whether a key id is in the directory.
pub fn check_upload(
    content_type: Option<&str>,
    body: &[u8],
    max_len: usize,
    is_agency: &mut dyn FnMut(&str) -> bool,
) -> Result<AcceptedUpload, UploadRefusal> {
    if !is_packet_media_type(content_type) {
        return Err(UploadRefusal::NotAPacketType);
    }
    if body.len() > max_len {
        return Err(UploadRefusal::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| UploadRefusal::NotJson)?;
    check_json_shape(text)?;
    let packet =
        Packet::parse(text).map_err(|error| UploadRefusal::NotAPacket(error.to_string()))?;
    let mut agencies = Vec::new();
    for recipient in packet.recipients() {
        if recipient.is_passphrase() {
            continue;
        }
        if !is_agency(recipient.kid()) {
            return Err(UploadRefusal::UnknownRecipient(recipient.kid().to_owned()));
        }
        agencies.push(recipient.kid().to_owned());
    }
    if agencies.is_empty() {
        return Err(UploadRefusal::NoAgencyRecipient);
    }
    Ok(AcceptedUpload {
        packet_id: packet.meta().packet_id().to_owned(),
        agencies,
    })
}

/// The body must be JSON text. Read without keeping anything of it (serde's `IgnoredAny`),
/// so that a flood costs no memory; the packet parser then bounds what it builds, stopping
/// at the first recipient over the limit (`docs/packet.md`).
fn check_json_shape(text: &str) -> Result<(), UploadRefusal> {
    serde_json::from_str::<IgnoredAny>(text)
        .map(|_| ())
        .map_err(|_| UploadRefusal::NotJson)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refuse(content_type: Option<&str>, body: &[u8]) -> UploadRefusal {
        match check_upload(content_type, body, 1024, &mut |_| true) {
            Err(refusal) => refusal,
            Ok(accepted) => panic!("accepted {accepted:?}"),
        }
    }

    #[test]
    fn every_refusal_kind_is_one_the_browser_keeps() {
        for refusal in [
            UploadRefusal::NotAPacketType,
            UploadRefusal::TooLarge,
            UploadRefusal::NotJson,
            UploadRefusal::NotAPacket(String::new()),
            UploadRefusal::UnknownRecipient(String::new()),
            UploadRefusal::NoAgencyRecipient,
        ] {
            assert!(
                confidant_core::packet::UPLOAD_REFUSAL_KINDS.contains(&refusal.kind()),
                "{}",
                refusal.kind()
            );
            assert!((400..500).contains(&refusal.status()));
        }
    }

    #[test]
    fn refuses_what_is_not_a_packet() {
        assert_eq!(
            refuse(Some("application/json"), b"{}"),
            UploadRefusal::NotAPacketType
        );
        assert_eq!(refuse(None, b"{}"), UploadRefusal::NotAPacketType);
        assert_eq!(
            refuse(Some("application/x-www-form-urlencoded"), b"name=x"),
            UploadRefusal::NotAPacketType
        );
        assert_eq!(
            refuse(Some(PACKET_MEDIA_TYPE), &[0xff, 0xfe]),
            UploadRefusal::NotJson
        );
        assert_eq!(
            refuse(Some(PACKET_MEDIA_TYPE), b"name=x"),
            UploadRefusal::NotJson
        );
        assert_eq!(
            refuse(Some(PACKET_MEDIA_TYPE), &[b' '; 1025]),
            UploadRefusal::TooLarge
        );
        assert!(matches!(
            refuse(
                Some("Application/JOSE+JSON; charset=utf-8"),
                br#"{"name":"x"}"#
            ),
            UploadRefusal::NotAPacket(_)
        ));
    }

    #[test]
    fn a_flood_of_recipients_is_refused_at_one_too_many() {
        use confidant_core::packet::MAX_RECIPIENTS;
        let packet = |count: usize| {
            let elements = vec!["{}"; count].join(",");
            format!(r#"{{"aad":"x","recipients":[{elements}]}}"#)
        };
        let check = |text: &str| {
            check_upload(
                Some(PACKET_MEDIA_TYPE),
                text.as_bytes(),
                1 << 20,
                &mut |_| true,
            )
        };
        // Within the bound, the parser gives its own reason.
        assert!(matches!(
            check(&packet(MAX_RECIPIENTS)),
            Err(UploadRefusal::NotAPacket(reason)) if !reason.contains("more than")
        ));
        assert!(matches!(
            check(&packet(MAX_RECIPIENTS + 1)),
            Err(UploadRefusal::NotAPacket(reason))
                if reason.contains(&format!("more than {MAX_RECIPIENTS} recipients"))
        ));
        assert_eq!(check("{\"recipients\":[1,"), Err(UploadRefusal::NotJson));
    }

    #[test]
    fn messages_escape_and_cut_what_came_from_the_request() {
        let hostile = format!("a\n\u{1b}[2J\u{202e}{}", "k".repeat(10_000));
        for refusal in [
            UploadRefusal::UnknownRecipient(hostile.clone()),
            UploadRefusal::NotAPacket(hostile.clone()),
        ] {
            let message = refusal.message();
            assert!(message.chars().count() < 250, "{message}");
            assert!(
                message
                    .chars()
                    .all(|c| c == ' ' || c.is_ascii_graphic() || c == '…'),
                "{message}"
            );
            assert!(message.contains(r"\u{202e}"), "{message}");
        }
    }
}
