//! `confidant open`: reads a packet on standard input and writes its payload JSON to
//! standard output. With `--key NAME.key` it opens as that agency, with whichever key of
//! its keyring the packet is sealed to (the key file's passphrase from `--passphrase-file`
//! or the terminal); without, it opens as a passphrase recipient.
//!
//! Standard error says who signed it: `signed by KID (signing key fingerprint …)`, named
//! from the directory when `--directory FILE` gives a saved copy of it, or `not signed:
//! the sender is not verified`. A signature that does not hold is refused as tampering.

use std::io::{Read, Write};
use std::path::PathBuf;

use confidant_core::acknowledgment::{
    ACKNOWLEDGMENT_FORM_ID, AckState, Acknowledgment, DeclineReason,
};
use confidant_core::agency::{self, Directory, Sender};
use confidant_core::keys::KeyFile;
use confidant_core::packet::{MAX_PACKET_LEN, OpenedPacket, Packet, reference_code};
use confidant_core::untrusted_text::shown;
use zeroize::Zeroizing;

use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::secrets;

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    let key_path = arguments.value("key")?;
    let passphrase_file = arguments.value("passphrase-file")?;
    let directory = arguments.value("directory")?;
    arguments.finish()?;
    let directory = directory
        .map(|path| read_directory(&PathBuf::from(path)))
        .transpose()?;

    let text = read_packet()?;
    let packet = Packet::parse(&text).map_err(CliError::NotAPacket)?;

    let opened = match key_path {
        Some(key_path) => {
            let key_path = PathBuf::from(key_path);
            let key_text = std::fs::read_to_string(&key_path).map_err(|source| CliError::Read {
                from: Target::KeyFile(key_path.clone()),
                source,
            })?;
            let passphrase = secrets::from_file_or_prompt(
                passphrase_file.as_deref(),
                &format!("Passphrase of {}: ", key_path.display()),
                false,
            )?;
            let ring =
                KeyFile::open_ring(&key_text, &passphrase).map_err(|source| CliError::KeyFile {
                    path: key_path,
                    source,
                })?;
            // The key of the ring the packet is sealed to: the current one, or a former
            // one for a packet sealed before a rotation.
            let pair = packet
                .recipients()
                .iter()
                .find_map(|recipient| ring.get(recipient.kid()))
                .unwrap_or(&ring.current);
            packet.open_with_key(&pair.secret)
        }
        None => {
            if !packet
                .recipients()
                .iter()
                .any(|recipient| recipient.is_passphrase())
            {
                return Err(UsageError::Needs(
                    "this packet has no passphrase recipient; give --key AGENCY.key",
                )
                .into());
            }
            let passphrase = secrets::from_file_or_prompt(
                passphrase_file.as_deref(),
                "Passphrase of the packet: ",
                false,
            )?;
            packet.open_with_passphrase(&passphrase)
        }
    }
    .map_err(CliError::Open)?;

    // The packet's short reference, as the sender's outbox shows it, for reading over the
    // phone; on standard error, so that standard output is the payload alone.
    if let Some(reference) = reference_code(opened.meta().packet_id()) {
        crate::note(&format!("reference {reference}"));
    }
    // Who signed it, before anything of the payload is written out: a signature that does
    // not hold was refused when the packet opened.
    let (line, signed_by) = signed_line(&opened, directory.as_ref())?;
    crate::note(&line);
    // An answer to a referral is also said in words: what became of which referral.
    let meta = opened.meta();
    if meta.form_id() == ACKNOWLEDGMENT_FORM_ID {
        match Acknowledgment::read(opened.payload_json(), meta.form_id(), meta.form_version()) {
            Ok(answer) => crate::note(&answer_in_words(
                &answer,
                opened.signer().is_some(),
                signed_by.as_deref(),
            )),
            Err(error) => crate::note(&format!("not a readable answer: {error}")),
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(opened.payload_json().as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(|source| CliError::Write {
            to: Target::StandardOutput("the payload"),
            source,
        })
}

/// The directory a reader saved (`GET /api/v1/directory`), to name a packet's signer.
fn read_directory(path: &PathBuf) -> Result<Directory, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        from: Target::Directory(path.clone()),
        source,
    })?;
    Directory::parse(&text).map_err(|error| CliError::NotADirectory(error.to_string()))
}

/// `signed by KID (signing key fingerprint F)`, with the agency's name when a directory
/// was given and lists the key, or `not signed: the sender is not verified`; and that
/// name, shown, once the directory has verified it. A packet whose payload names another
/// agency of the directory than the one that signed is refused.
fn signed_line(
    opened: &OpenedPacket,
    directory: Option<&Directory>,
) -> Result<(String, Option<String>), CliError> {
    let Some(signer) = opened.signer() else {
        return Ok(("not signed: the sender is not verified".to_owned(), None));
    };
    let mut line = format!(
        "signed by {} (signing key fingerprint {})",
        signer.kid(),
        signer.fingerprint()
    );
    let mut named = None;
    if let Some(directory) = directory {
        let claimed = agency::claimed_sender(opened.payload_json()).unwrap_or_default();
        match agency::sender(&directory.entries, Some(signer), &claimed) {
            Ok(Sender::SignedBy(entry)) => {
                let name = shown(&entry.name);
                line.push_str(&format!(": {name} ({})", entry.kind));
                named = Some(name);
            }
            Ok(_) => line.push_str(": a key the directory does not list"),
            Err(refusal) => return Err(CliError::ForgedSender(refusal.to_string())),
        }
    }
    Ok((line, named))
}

/// One line for an answer: the referral it answers, its state (and reason), and who
/// answers: the agency the directory verified the signature of, or else the key the
/// answer names, as a claim (signed by the key on the line above when `signed`, which
/// only a directory can put a name to). The note stays in the payload, not in this line.
fn answer_in_words(answer: &Acknowledgment, signed: bool, signed_by: Option<&str>) -> String {
    let state = match answer.state {
        AckState::Received => "received, a decision is still to come",
        AckState::Accepted => "accepted",
        AckState::Declined => "declined",
        AckState::ReferredOnward => "referred onward",
    };
    let reason = answer.reason.map(|reason| match reason {
        DeclineReason::NoCapacity => "no capacity",
        DeclineReason::NotEligible => "not eligible",
        DeclineReason::OutsideArea => "outside the area served",
        DeclineReason::PersonDeclined => "the person declined",
        DeclineReason::Duplicate => "already referred",
        DeclineReason::Other => "another reason, in the note",
    });
    let who = match (signed_by, signed) {
        (Some(name), _) => format!("answered by {name}, whose signature is verified above"),
        (None, true) => format!(
            "stated by the key {}, signed by the key above (--directory FILE names its agency)",
            answer.from.fingerprint()
        ),
        (None, false) => format!(
            "stated by the key {} (not verified)",
            answer.from.fingerprint()
        ),
    };
    format!(
        "answer to referral {}: {state}{}; {who}",
        reference_code(&answer.referral).unwrap_or_else(|| "(not a packet id)".to_owned()),
        reason
            .map(|reason| format!(" ({reason})"))
            .unwrap_or_default(),
    )
}

fn read_packet() -> Result<Zeroizing<String>, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PACKET_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| CliError::Read {
            from: Target::StandardInput("the packet"),
            source,
        })?;
    if bytes.len() > MAX_PACKET_LEN {
        return Err(CliError::TooLarge {
            what: "the packet",
            limit: MAX_PACKET_LEN,
        });
    }
    let text = String::from_utf8(bytes).map_err(|_| CliError::PacketNotText)?;
    Ok(Zeroizing::new(text.trim().to_owned()))
}
