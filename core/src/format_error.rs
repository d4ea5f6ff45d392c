//! The faults a JSON document of ours can have whatever it is: a packet, a public key, a
//! key file. Each document's own error ([`PacketError`], [`KeyError`], [`KeyFileError`])
//! wraps this one and keeps for itself what only that document can get wrong, and what
//! happens after the format was accepted (a tag that does not verify stays
//! `CouldNotOpen`, never one of these).
//!
//! Texts from the document (serde's message, an unsupported value) are escaped and cut
//! short before they get here ([`crate::untrusted_text`]); member names are our own.
//!
//! [`PacketError`]: crate::packet::PacketError
//! [`KeyError`]: crate::keys::KeyError
//! [`KeyFileError`]: crate::keys::KeyFileError

use core::fmt;

/// How a document breaks its format.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatError {
    /// Not JSON, or JSON with unknown, duplicate, missing or mistyped members: what
    /// `document` is ("packet", "public key", "key file") and the parser's message.
    MalformedJson {
        document: &'static str,
        message: String,
    },
    /// A required member is absent.
    Missing(&'static str),
    /// A member has a value this format does not support (an `alg`, a `crv`, …).
    Unsupported { member: &'static str, value: String },
    /// A member is not canonical base64url.
    InvalidBase64(&'static str),
    /// A member decodes to the wrong number of bytes.
    InvalidLength {
        member: &'static str,
        expected: ByteLength,
    },
}

/// How many bytes a member must decode to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteLength {
    Exactly(usize),
    /// Inclusive bounds.
    Between(usize, usize),
}

impl fmt::Display for ByteLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exactly(length) => write!(f, "{length}"),
            Self::Between(least, most) => write!(f, "{least} to {most}"),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedJson { document, message } => {
                write!(f, "malformed {document}: {message}")
            }
            Self::Missing(member) => write!(f, "missing `{member}`"),
            Self::Unsupported { member, value } => write!(f, "unsupported {member} `{value}`"),
            Self::InvalidBase64(member) => write!(f, "`{member}` is not valid base64url"),
            Self::InvalidLength { member, expected } => {
                write!(f, "{member} must be {expected} bytes")
            }
        }
    }
}

impl std::error::Error for FormatError {}
