//! The receiving agency's answer to a referral: a small payload of its own, sealed to the
//! sender key the referral carried and delivered like any packet, so that the server
//! only ever sees a packet addressed to the sending agency (`docs/packet.md`,
//! "Acknowledgments").
//!
//! The states follow the FHIR `Task.status` codes a receiver uses for a request it was
//! sent (`received`, `accepted`, `rejected`; HL7 FHIR R4, CodeSystem
//! `http://hl7.org/fhir/task-status`), spelt `declined` here as caseworkers say it, and add
//! `referred_onward`, the case passed on to another agency.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::json_object::{JsonBudget, JsonObject, payload_format};
use crate::keys::PublicKey;
use crate::packet::FormRef;
use crate::untrusted_text::{self, plaintext_parse_error};

/// The `format` member of an acknowledgment payload.
pub const ACKNOWLEDGMENT_FORMAT: &str = "confidant-acknowledgment";
/// The payload format version this code writes and reads.
pub const ACKNOWLEDGMENT_FORMAT_VERSION: u32 = 1;
/// The form an acknowledgment packet's label names.
pub const ACKNOWLEDGMENT_FORM_ID: &str = "acknowledgment";
/// The version of that form.
pub const ACKNOWLEDGMENT_FORM_VERSION: &str = "1";
/// The longest note, in characters: a few sentences, never a case file.
pub const MAX_NOTE_CHARS: usize = 2000;

const BUDGET: JsonBudget = JsonBudget {
    elements: 64,
    depth: 4,
};

/// Where the referral stands for its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckState {
    /// Arrived and read; a decision is still to come (FHIR `received`).
    Received,
    /// The receiver takes the case on (FHIR `accepted`).
    Accepted,
    /// The receiver does not take it on, with a reason (FHIR `rejected`).
    Declined,
    /// The receiver passed the case on to another agency.
    ReferredOnward,
}

impl AckState {
    /// Every state, in the order a receiver is offered them.
    pub const ALL: [AckState; 4] = [
        Self::Received,
        Self::Accepted,
        Self::Declined,
        Self::ReferredOnward,
    ];
}

/// Why a referral was declined: a fixed list, so that the sender can act on it, with a
/// note for the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// No place, no staff: the service is full.
    NoCapacity,
    /// The person is outside the service's mandate (age, gender, type of exploitation).
    NotEligible,
    /// The person is outside the area the service covers.
    OutsideArea,
    /// The person did not want the service.
    PersonDeclined,
    /// The same person was already referred.
    Duplicate,
    /// Another reason, said in the note.
    Other,
}

impl DeclineReason {
    /// Every reason, in the order a receiver is offered them.
    pub const ALL: [DeclineReason; 6] = [
        Self::NoCapacity,
        Self::NotEligible,
        Self::OutsideArea,
        Self::PersonDeclined,
        Self::Duplicate,
        Self::Other,
    ];
}

/// An acknowledgment of one referral packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgment {
    /// The packet id of the referral answered.
    pub referral: String,
    pub state: AckState,
    /// Only for [`AckState::Declined`], where it is required.
    pub reason: Option<DeclineReason>,
    /// Free text, at most [`MAX_NOTE_CHARS`]; may be empty.
    pub note: String,
    /// The key of the agency that answers, as it states it.
    pub from: PublicKey,
    /// When, in seconds since the epoch, to the day (as packets are dated).
    pub at_unix_seconds: u64,
}

/// Why an acknowledgment cannot be written or read. Messages never quote the note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AckError {
    /// Not JSON, too large or complex, or JSON of another shape.
    Malformed(String),
    /// The payload is something else (a referral, say).
    NotAnAcknowledgment(String),
    UnsupportedVersion(u32),
    /// The packet's label names another form.
    FormMismatch,
    /// A declined referral needs its reason; any other state has none.
    Reason,
    /// The note is longer than [`MAX_NOTE_CHARS`].
    NoteTooLong,
    /// The referral's packet id is not one.
    Referral,
    /// The answering agency's key is not a published public key.
    FromKey,
}

impl fmt::Display for AckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "the acknowledgment cannot be read: {why}"),
            Self::NotAnAcknowledgment(format) => {
                write!(f, "the packet holds a {format}, not an acknowledgment")
            }
            Self::UnsupportedVersion(version) => write!(
                f,
                "acknowledgment format version {version} is not one this version reads"
            ),
            Self::FormMismatch => f.write_str("the packet's label does not name an acknowledgment"),
            Self::Reason => f.write_str("a declined referral needs a reason, and only it has one"),
            Self::NoteTooLong => write!(f, "the note is longer than {MAX_NOTE_CHARS} characters"),
            Self::Referral => f.write_str("the referral's packet id is not a packet id"),
            Self::FromKey => f.write_str("the answering agency's key is not a valid public key"),
        }
    }
}

impl std::error::Error for AckError {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAck {
    format: String,
    format_version: u32,
    referral: String,
    state: AckState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<DeclineReason>,
    #[serde(default)]
    note: String,
    from: serde_json::Value,
    at: u64,
}

impl Acknowledgment {
    /// The form an acknowledgment packet is labelled with.
    pub fn form_ref() -> FormRef {
        FormRef {
            id: ACKNOWLEDGMENT_FORM_ID.to_owned(),
            version: ACKNOWLEDGMENT_FORM_VERSION.to_owned(),
        }
    }

    fn check(&self) -> Result<(), AckError> {
        if (self.state == AckState::Declined) != self.reason.is_some() {
            return Err(AckError::Reason);
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            return Err(AckError::NoteTooLong);
        }
        if self.referral.is_empty()
            || self.referral.len() > 64
            || !self
                .referral
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(AckError::Referral);
        }
        Ok(())
    }

    /// The payload JSON to seal, after the same checks a reader makes.
    pub fn to_payload(&self) -> Result<Zeroizing<String>, AckError> {
        self.check()?;
        let from: serde_json::Value = serde_json::from_str(&self.from.to_jwk_json())
            .map_err(|error| AckError::Malformed(plaintext_parse_error(&error)))?;
        let raw = RawAck {
            format: ACKNOWLEDGMENT_FORMAT.to_owned(),
            format_version: ACKNOWLEDGMENT_FORMAT_VERSION,
            referral: self.referral.clone(),
            state: self.state,
            reason: self.reason,
            note: self.note.clone(),
            from,
            at: crate::packet::created_day(self.at_unix_seconds),
        };
        serde_json::to_string(&raw)
            .map(Zeroizing::new)
            .map_err(|error| AckError::Malformed(plaintext_parse_error(&error)))
    }

    /// Reads the payload of a packet whose authenticated label names `form_id` at
    /// `form_version`, as untrusted input.
    pub fn read(payload_json: &str, form_id: &str, form_version: &str) -> Result<Self, AckError> {
        if payload_json.len() > 16 * 1024 {
            return Err(AckError::Malformed("larger than 16 KiB".to_owned()));
        }
        BUDGET
            .check(payload_json)
            .map_err(|problem| AckError::Malformed(problem.to_owned()))?;
        let (format, format_version) = payload_format(payload_json)
            .map_err(|error| AckError::Malformed(plaintext_parse_error(&error)))?;
        if format != ACKNOWLEDGMENT_FORMAT {
            return Err(AckError::NotAnAcknowledgment(
                untrusted_text::payload_format(&format),
            ));
        }
        if format_version != ACKNOWLEDGMENT_FORMAT_VERSION {
            return Err(AckError::UnsupportedVersion(format_version));
        }
        if form_id != ACKNOWLEDGMENT_FORM_ID || form_version != ACKNOWLEDGMENT_FORM_VERSION {
            return Err(AckError::FormMismatch);
        }
        let JsonObject(raw): JsonObject<RawAck> = serde_json::from_str(payload_json)
            .map_err(|error| AckError::Malformed(plaintext_parse_error(&error)))?;
        let from = PublicKey::from_published_jwk_json(&crate::json_text(&raw.from))
            .map_err(|_| AckError::FromKey)?;
        let ack = Self {
            referral: raw.referral,
            state: raw.state,
            reason: raw.reason,
            note: raw.note,
            from,
            at_unix_seconds: raw.at,
        };
        ack.check()?;
        Ok(ack)
    }
}
