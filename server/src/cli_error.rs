//! Why a command of the agencies' tool failed (`keygen`, `seal`, `open`, `agency`, `inbox`).
//!
//! A command prints its failure as one short line (`confidant: …`), so `Display` is that
//! whole line, and where the line repeats a typed error's text (a refused key file, a
//! packet that does not open, the store's failure) that error is kept as the `source`,
//! for a program that wants more than the words. Nothing here ever holds a passphrase, a
//! key or a payload: a refused passphrase is named by what was wrong with it, a payload
//! that is not JSON by the position of the fault.

use std::fmt;
use std::io;
use std::path::PathBuf;

use confidant_core::keys::{KeyError, KeyFileError, WEAK_PASSPHRASE};
use confidant_core::packet::PacketError;

use crate::agency_name::NameRefusal;
use crate::store::StoreError;
use crate::untrusted_text::shown_value;

/// Why a command failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// The command line is wrong.
    Usage(UsageError),
    /// A file or a standard stream could not be read.
    Read { from: Target, source: io::Error },
    /// A file or a standard stream could not be written.
    Write { to: Target, source: io::Error },
    /// `keygen` would overwrite this file.
    AlreadyExists(PathBuf),
    /// What was given as the input is larger than the command reads.
    TooLarge { what: &'static str, limit: usize },
    /// The packet on standard input is not UTF-8.
    PacketNotText,
    /// The payload on standard input is not JSON; where (never what) the fault is.
    PayloadNotJson { line: usize, column: usize },
    /// The passphrase file holds nothing but a line break.
    EmptyPassphraseFile(PathBuf),
    /// Nothing was typed.
    EmptyPassphrase,
    /// The two passphrases typed for a new key differ.
    PassphrasesDiffer,
    /// No terminal to ask at, and no `--passphrase-file`.
    NoTerminal(io::Error),
    /// The new key's passphrase is too easy to guess.
    WeakPassphrase,
    /// A public key file (`--to`, `--key` of `agency add`) was refused.
    PublicKey { path: PathBuf, source: KeyError },
    /// A key file was refused, or did not open with the passphrase given.
    KeyFile { path: PathBuf, source: KeyFileError },
    /// The packet on standard input was refused before any key was tried.
    NotAPacket(PacketError),
    /// The packet did not open (opaque by design) or its payload is not JSON.
    Open(PacketError),
    /// The packet could not be sealed.
    Seal(PacketError),
    /// A new key pair could not be made.
    KeyGeneration(KeyError),
    /// A new key pair's key file could not be sealed.
    KeyFileSeal(KeyFileError),
    /// The system clock reads a time before 1970.
    ClockBefore1970,
    /// The system gave no randomness for an agency's credential.
    NoRandomness,
    /// The store could not be opened or failed.
    Store(StoreError),
    /// The new agency's name was refused.
    AgencyName(NameRefusal),
    /// An agency with this key id is registered already.
    AgencyExists { kid: String },
    /// No agency with this key id is registered.
    NoSuchAgency { kid: String },
    /// `serve` failed; it reports its failures as text.
    Serve(String),
    /// `inbox` could not list, fetch or mark a packet.
    Inbox(crate::inbox::InboxError),
    /// A keyring cannot change as asked.
    Keyring(confidant_core::keys::KeyringError),
    /// A key cannot be retired: this packet waits in the inbox and only it opens it.
    KeyStillNeeded { reference: String },
    /// `--directory` is not a directory Confidant can read (the reason).
    NotADirectory(String),
    /// A signed packet names one agency as its sender and was signed by another.
    ForgedSender(String),
    /// `--sign-with` names a keyring without a signing key.
    NoSigningKey(PathBuf),
    /// `--endorsement` is not the agency's signing key's endorsement of the new key.
    NotEndorsed(PathBuf),
    /// A partner cannot be added, found or removed as asked (the sentence says why).
    Partner(String),
}

/// Which file or stream a read or a write failed on, named as a message names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    PassphraseFile(PathBuf),
    CredentialFile(PathBuf),
    PublicKey(PathBuf),
    KeyFile(PathBuf),
    /// A saved copy of the directory.
    Directory(PathBuf),
    /// A file the command creates.
    NewFile(PathBuf),
    /// What the command reads on standard input ("the payload", "the packet").
    StandardInput(&'static str),
    /// What the command writes on standard output.
    StandardOutput(&'static str),
}

/// What is wrong with a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsageError {
    /// No such command.
    UnknownCommand(String),
    /// An option the command does not take.
    UnknownOption(String),
    /// An option at the end of the line, or followed by another option.
    NeedsValue { flag: String },
    /// An option given more than once.
    Repeated { flag: String },
    /// A value without an option before it. Never repeated: it may be a passphrase typed
    /// where none belongs, and error lines end up in logs.
    StrayValue,
    /// Something the command needs is not given; the sentence says what and how.
    Needs(&'static str),
    /// `--form` is not `ID@VERSION`.
    NotAFormReference(String),
    /// `--kind` is not a kind of agency (the value as given; shown escaped).
    UnknownAgencyKind(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(error) => error.fmt(f),
            Self::Read { from, source } => write!(f, "cannot read {from}: {source}"),
            Self::Write { to, source } => write!(f, "cannot write {to}: {source}"),
            Self::AlreadyExists(path) => write!(
                f,
                "`{}` already exists; choose another --out",
                path.display()
            ),
            Self::TooLarge { what, limit } => write!(f, "{what} is larger than {limit} bytes"),
            Self::PacketNotText => f.write_str("the packet is not UTF-8 text"),
            Self::PayloadNotJson { line, column } => write!(
                f,
                "the payload on standard input is not JSON (line {line}, column {column})"
            ),
            Self::EmptyPassphraseFile(path) => {
                write!(f, "the passphrase file `{}` is empty", path.display())
            }
            Self::EmptyPassphrase => f.write_str("the passphrase is empty"),
            Self::PassphrasesDiffer => f.write_str("the two passphrases differ"),
            Self::NoTerminal(_) => {
                f.write_str("no terminal to ask for the passphrase; give --passphrase-file FILE")
            }
            Self::WeakPassphrase => f.write_str(WEAK_PASSPHRASE),
            Self::PublicKey { path, source } => write!(f, "`{}`: {source}", path.display()),
            Self::KeyFile { path, source } => write!(f, "`{}`: {source}", path.display()),
            Self::NotAPacket(source) => write!(f, "not a packet Confidant can open: {source}"),
            Self::Open(source) | Self::Seal(source) => source.fmt(f),
            Self::KeyGeneration(source) => source.fmt(f),
            Self::KeyFileSeal(source) => source.fmt(f),
            Self::ClockBefore1970 => f.write_str("the system clock is before 1970"),
            Self::NoRandomness => f.write_str("the system has no randomness to issue a credential"),
            Self::Store(source) => source.fmt(f),
            Self::AgencyName(source) => source.fmt(f),
            Self::AgencyExists { kid } => {
                write!(f, "an agency with key id {kid} is already registered")
            }
            Self::NoSuchAgency { kid } => write!(f, "no agency with key id {kid}"),
            Self::Serve(message) => f.write_str(message),
            Self::Inbox(source) => source.fmt(f),
            Self::Keyring(source) => source.fmt(f),
            Self::KeyStillNeeded { reference } => write!(
                f,
                "not retired: packet {reference} is still in the inbox and only this key opens it (it goes once acknowledged and expired)"
            ),
            Self::NotADirectory(reason) => {
                write!(f, "not a directory Confidant can read: {reason}")
            }
            Self::ForgedSender(reason) => f.write_str(reason),
            Self::Partner(reason) => f.write_str(reason),
            Self::NotEndorsed(path) => write!(
                f,
                "`{}` is not an endorsement of this key by the agency's published signing key",
                path.display()
            ),
            Self::NoSigningKey(path) => write!(
                f,
                "`{}` has no signing key: `confidant keygen --rotate` adds one",
                path.display()
            ),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read { source, .. } | Self::Write { source, .. } | Self::NoTerminal(source) => {
                Some(source)
            }
            Self::PublicKey { source, .. } | Self::KeyGeneration(source) => Some(source),
            Self::KeyFile { source, .. } | Self::KeyFileSeal(source) => Some(source),
            Self::NotAPacket(source) | Self::Open(source) | Self::Seal(source) => Some(source),
            Self::Store(source) => Some(source),
            Self::AgencyName(source) => Some(source),
            Self::Inbox(source) => Some(source),
            Self::Keyring(source) => Some(source),
            _ => None,
        }
    }
}

impl From<UsageError> for CliError {
    fn from(error: UsageError) -> Self {
        Self::Usage(error)
    }
}

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PassphraseFile(path) => write!(f, "the passphrase file `{}`", path.display()),
            Self::CredentialFile(path) => write!(f, "the credential file `{}`", path.display()),
            Self::PublicKey(path) => write!(f, "the public key `{}`", path.display()),
            Self::KeyFile(path) => write!(f, "the key file `{}`", path.display()),
            Self::Directory(path) => write!(f, "the directory `{}`", path.display()),
            Self::NewFile(path) => write!(f, "`{}`", path.display()),
            Self::StandardInput(what) => write!(f, "{what} from standard input"),
            Self::StandardOutput(what) => f.write_str(what),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownCommand(command) => {
                write!(f, "unknown command `{command}`; try `confidant help`")
            }
            Self::UnknownOption(option) => write!(f, "unknown option `{option}`"),
            Self::NeedsValue { flag } => write!(f, "`{flag}` needs a value"),
            Self::Repeated { flag } => write!(f, "`{flag}` is given more than once"),
            Self::StrayValue => {
                f.write_str("unexpected value among the options (each option takes one value)")
            }
            Self::Needs(sentence) => f.write_str(sentence),
            Self::NotAFormReference(text) => write!(
                f,
                "`--form {text}` must look like ID@VERSION, e.g. referral@1"
            ),
            Self::UnknownAgencyKind(kind) => write!(
                f,
                "unknown kind `{}`; use one of: {}",
                shown_value(kind),
                confidant_core::form::AGENCY_KINDS.join(", ")
            ),
        }
    }
}

impl std::error::Error for UsageError {}

/// `serve` still reports its failures as text, and reads its options with
/// [`Arguments`](crate::args::Arguments) too: this lets its `?` take a usage error.
impl From<UsageError> for String {
    fn from(error: UsageError) -> Self {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// The lines as the commands printed them when they reported errors as text.
    #[test]
    fn every_line_reads_as_before() {
        let io = || io::Error::other("denied");
        let cases: Vec<(CliError, &str)> = vec![
            (
                UsageError::UnknownCommand("frob".to_owned()).into(),
                "unknown command `frob`; try `confidant help`",
            ),
            (
                UsageError::Repeated {
                    flag: "--to".to_owned(),
                }
                .into(),
                "`--to` is given more than once",
            ),
            (
                UsageError::NotAFormReference("referral".to_owned()).into(),
                "`--form referral` must look like ID@VERSION, e.g. referral@1",
            ),
            (
                UsageError::UnknownAgencyKind("judge\n".to_owned()).into(),
                "unknown kind `judge\\u{a}`; use one of: police, ngo, shelter, \
                 child-protection, labour-inspectorate, health, other",
            ),
            (
                CliError::Read {
                    from: Target::PassphraseFile("p.pass".into()),
                    source: io(),
                },
                "cannot read the passphrase file `p.pass`: denied",
            ),
            (
                CliError::Read {
                    from: Target::StandardInput("the payload"),
                    source: io(),
                },
                "cannot read the payload from standard input: denied",
            ),
            (
                CliError::Write {
                    to: Target::NewFile("a.key".into()),
                    source: io(),
                },
                "cannot write `a.key`: denied",
            ),
            (
                CliError::Write {
                    to: Target::StandardOutput("the packet"),
                    source: io(),
                },
                "cannot write the packet: denied",
            ),
            (
                CliError::TooLarge {
                    what: "the packet",
                    limit: 10,
                },
                "the packet is larger than 10 bytes",
            ),
            (
                CliError::PayloadNotJson { line: 1, column: 2 },
                "the payload on standard input is not JSON (line 1, column 2)",
            ),
            (
                CliError::KeyFile {
                    path: "a.key".into(),
                    source: KeyFileError::CouldNotOpen,
                },
                "`a.key`: could not open the key file with this passphrase",
            ),
            (
                CliError::NotAPacket(PacketError::TooLarge),
                "not a packet Confidant can open: packet is larger than 32 MiB",
            ),
            (
                CliError::Open(PacketError::CouldNotOpen),
                "could not open the packet with this key",
            ),
            (
                CliError::AgencyExists {
                    kid: "k1".to_owned(),
                },
                "an agency with key id k1 is already registered",
            ),
        ];
        for (error, line) in cases {
            assert_eq!(error.to_string(), line);
        }
    }

    #[test]
    fn the_core_error_is_the_source() {
        let error = CliError::KeyFile {
            path: "a.key".into(),
            source: KeyFileError::CouldNotOpen,
        };
        let source = error
            .source()
            .and_then(|s| s.downcast_ref::<KeyFileError>());
        assert_eq!(source, Some(&KeyFileError::CouldNotOpen));
        let error = CliError::Open(PacketError::CouldNotOpen);
        let source = error.source().and_then(|s| s.downcast_ref::<PacketError>());
        assert_eq!(source, Some(&PacketError::CouldNotOpen));
    }
}
