//! Deciding whether an uploaded body may be stored: it must be a well-formed packet,
//! by the very parser the browser opens packets with, addressed only to registered
//! agencies (passphrase recipients may come along, but at least one agency must be
//! there to receive it). No key is used and nothing is decrypted.
//!
//! Pure, so that it is fuzzed on its own (`server/fuzz`, target `upload`).

use confidant_core::packet::Packet;

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
            Self::NotAPacket(reason) => format!("not a packet: {reason}"),
            Self::UnknownRecipient(kid) => {
                format!("recipient `{kid}` is not in this server's directory")
            }
            Self::NoAgencyRecipient => "the packet is not addressed to any agency".to_owned(),
        }
    }
}

/// Checks an upload. `is_agency` says whether a key id is in the directory.
pub fn check_upload(
    content_type: Option<&str>,
    body: &[u8],
    max_len: usize,
    is_agency: &mut dyn FnMut(&str) -> bool,
) -> Result<AcceptedUpload, UploadRefusal> {
    let media_type = content_type
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some(PACKET_MEDIA_TYPE) {
        return Err(UploadRefusal::NotAPacketType);
    }
    if body.len() > max_len {
        return Err(UploadRefusal::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| UploadRefusal::NotJson)?;
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return Err(UploadRefusal::NotJson);
    }
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
}
