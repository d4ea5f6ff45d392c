//! `confidant seal`: reads a JSON payload on standard input and writes a sealed packet
//! to standard output, for agency keys (`--to AGENCY.jwk`, repeatable) and optionally a
//! shared passphrase (`--passphrase-file FILE`).
//!
//! With `--sign-with NAME.key` (its passphrase from `--sign-passphrase-file F` or the
//! terminal), the payload is signed with the agency's signing key before it is sealed, so
//! that receivers can tell it comes from this agency (`docs/packet.md`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use confidant_core::keys::PublicKey;
use confidant_core::packet::{FormRef, MAX_PADDED_PAYLOAD_LEN, Recipient, prepare_signed_seal};
use confidant_core::signing::SigningKeyPair;
use zeroize::Zeroizing;

use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::secrets;

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    let agency_keys = arguments.values("to")?;
    let passphrase_file = arguments.value("passphrase-file")?;
    let passphrase_prompt = arguments.flag("passphrase")?;
    let sign_with = arguments.value("sign-with")?;
    let sign_passphrase_file = arguments.value("sign-passphrase-file")?;
    let form = arguments
        .value("form")?
        .unwrap_or_else(|| "unspecified@0".to_owned());
    arguments.finish()?;

    let form = parse_form(&form)?;
    let mut recipients = Vec::new();
    for path in &agency_keys {
        let path = PathBuf::from(path);
        let jwk = std::fs::read_to_string(&path).map_err(|source| CliError::Read {
            from: Target::PublicKey(path.clone()),
            source,
        })?;
        let key = PublicKey::from_jwk_json(&jwk)
            .map_err(|source| CliError::PublicKey { path, source })?;
        recipients.push(Recipient::Agency(key));
    }
    if passphrase_file.is_some() || passphrase_prompt {
        let passphrase = secrets::from_file_or_prompt(
            passphrase_file.as_deref(),
            "Passphrase to seal the packet with: ",
            true,
        )?;
        recipients.push(Recipient::Passphrase(passphrase));
    }
    if recipients.is_empty() {
        return Err(UsageError::Needs(
            "name at least one recipient: --to AGENCY.jwk or --passphrase-file FILE",
        )
        .into());
    }

    let signer = sign_with
        .map(|path| signing_key(&PathBuf::from(path), sign_passphrase_file.as_deref()))
        .transpose()?;
    let payload = read_payload()?;
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::ClockBefore1970)?
        .as_secs();
    let packet = prepare_signed_seal(
        &payload,
        &form,
        created,
        &recipients,
        signer.as_ref(),
        &mut getrandom::SysRng,
    )
    .map_err(CliError::Seal)?
    .seal();
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(packet.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(|source| CliError::Write {
            to: Target::StandardOutput("the packet"),
            source,
        })
}

/// The signing key of the keyring at `path`, opened with its passphrase.
fn signing_key(path: &Path, passphrase_file: Option<&str>) -> Result<SigningKeyPair, CliError> {
    let (_, ring, _) = crate::keygen::open_ring(path, passphrase_file)?;
    ring.signing
        .ok_or_else(|| CliError::NoSigningKey(path.to_owned()))
}

/// `ID@VERSION`, as in `referral@1.0`.
fn parse_form(text: &str) -> Result<FormRef, UsageError> {
    match text.rsplit_once('@') {
        Some((id, version)) if !id.is_empty() && !version.is_empty() => Ok(FormRef {
            id: id.to_owned(),
            version: version.to_owned(),
        }),
        _ => Err(UsageError::NotAFormReference(text.to_owned())),
    }
}

/// The payload from standard input, checked to be JSON before anything is sealed: a
/// recipient could do nothing with anything else.
fn read_payload() -> Result<Zeroizing<String>, CliError> {
    let mut payload = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .take(MAX_PADDED_PAYLOAD_LEN as u64 + 1)
        .read_to_string(&mut payload)
        .map_err(|source| CliError::Read {
            from: Target::StandardInput("the payload"),
            source,
        })?;
    if payload.len() > MAX_PADDED_PAYLOAD_LEN {
        return Err(CliError::TooLarge {
            what: "the payload",
            limit: MAX_PADDED_PAYLOAD_LEN,
        });
    }
    // Position only: the message must not repeat any of the payload.
    serde_json::from_str::<serde::de::IgnoredAny>(&payload).map_err(|error| {
        CliError::PayloadNotJson {
            line: error.line(),
            column: error.column(),
        }
    })?;
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_form_references() {
        let form = parse_form("referral@1.2").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            (form.id.as_str(), form.version.as_str()),
            ("referral", "1.2")
        );
        assert!(parse_form("referral").is_err());
        assert!(parse_form("@1").is_err());
        assert!(parse_form("referral@").is_err());
    }
}
