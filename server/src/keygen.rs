//! `confidant keygen`: an agency's keyring.
//!
//! - `--out NAME` writes `NAME.key` (a keyring of one key pair and the agency's signing key
//!   pair, sealed under a passphrase with Argon2id, readable only by its owner), `NAME.jwk`
//!   (the public key to publish) and `NAME.sign.jwk` (the public signing key to publish),
//!   and prints the fingerprints that partners compare when they first trust them.
//! - `--rotate NAME.key` adds a new current key pair to the ring (the former ones stay, to
//!   open what was sealed to them), writes its public key to `NAME.jwk` and prints its
//!   fingerprint. A version 1 key file becomes a keyring, and a copy of it is kept; a ring
//!   without a signing key gains one (`NAME.sign.jwk`). The signing key is never rotated:
//!   it is what vouches for the agency across rotations.
//! - `--retire KID --key NAME.key` removes a former key, unless the agency's inbox (read in
//!   the store with `--data`, or from the server with `--inbox`) still holds a packet that
//!   only that key opens.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use confidant_core::keys::{
    AgencyKeyPair, KdfParams, KeyFile, Keyring, MIN_PASSPHRASE_SCORE, Passphrase,
};
use confidant_core::signing::{SigningPublicKey, endorse};

use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::secrets;
use crate::store::{SqliteStore, Store};

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    let rotate = arguments.value("rotate")?;
    let retire = arguments.value("retire")?;
    match (rotate, retire) {
        (Some(_), Some(_)) => {
            Err(UsageError::Needs("give either --rotate or --retire, not both").into())
        }
        (Some(path), None) => rotate_ring(arguments, &PathBuf::from(path)),
        (None, Some(kid)) => retire_key(arguments, &kid),
        (None, None) => new_ring(arguments),
    }
}

fn new_ring(mut arguments: Arguments) -> Result<(), CliError> {
    let out = arguments
        .value("out")?
        .ok_or(UsageError::Needs("`confidant keygen` needs `--out NAME`"))?;
    let passphrase_file = arguments.value("passphrase-file")?;
    arguments.finish()?;

    let key_path = PathBuf::from(format!("{out}.key"));
    let jwk_path = PathBuf::from(format!("{out}.jwk"));
    let signing_path = signing_key_path(&key_path);
    for path in [&key_path, &jwk_path, &signing_path] {
        if path.exists() {
            return Err(CliError::AlreadyExists(path.clone()));
        }
    }
    let passphrase = secrets::from_file_or_prompt(
        passphrase_file.as_deref(),
        "Passphrase for the new private key: ",
        true,
    )?;
    let name = Path::new(&out)
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    check_strength(&passphrase, &name)?;

    let mut rng = getrandom::SysRng;
    let ring = Keyring::generate(&mut rng).map_err(CliError::KeyGeneration)?;
    let key_file = KeyFile::seal_ring(&ring, &passphrase, KdfParams::DEFAULT, &mut rng)
        .map_err(CliError::KeyFileSeal)?;
    let signing = ring
        .signing
        .as_ref()
        .map(|pair| pair.public().clone())
        .expect("a generated keyring has a signing key");

    write_new(&key_path, key_file.as_bytes(), true)?;
    let publics = write_new(
        &jwk_path,
        format!("{}\n", ring.current.public.to_jwk_json()).as_bytes(),
        false,
    )
    .and_then(|()| write_signing_key(&signing_path, &signing));
    if let Err(error) = publics {
        // Half a key pair is worse than none: the private key would have no public half.
        let _ = std::fs::remove_file(&key_path);
        let _ = std::fs::remove_file(&jwk_path);
        return Err(error);
    }
    crate::say(&format!(
        "wrote {} (private, keep it safe), {} and {} (public)",
        key_path.display(),
        jwk_path.display(),
        signing_path.display()
    ));
    crate::say(&format!(
        "fingerprint: {}",
        ring.current.public.fingerprint()
    ));
    crate::say(&format!(
        "signing key fingerprint: {}",
        signing.fingerprint()
    ));
    Ok(())
}

/// `NAME.sign.jwk` beside `NAME.key`.
fn signing_key_path(key_path: &Path) -> PathBuf {
    key_path.with_extension("sign.jwk")
}

fn write_signing_key(path: &Path, key: &SigningPublicKey) -> Result<(), CliError> {
    write_new(path, format!("{}\n", key.to_jwk_json()).as_bytes(), false)
}

/// Opens the keyring at `path` with its passphrase (from `--passphrase-file` or the
/// terminal).
pub(crate) fn open_ring(
    path: &Path,
    passphrase_file: Option<&str>,
) -> Result<(String, Keyring, Passphrase), CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        from: Target::KeyFile(path.to_owned()),
        source,
    })?;
    let passphrase = secrets::from_file_or_prompt(
        passphrase_file,
        &format!("Passphrase of {}: ", path.display()),
        false,
    )?;
    let ring = KeyFile::open_ring(&text, &passphrase).map_err(|source| CliError::KeyFile {
        path: path.to_owned(),
        source,
    })?;
    Ok((text, ring, passphrase))
}

/// Replaces the keyring file at `path` with `ring`, sealed again under `passphrase`: the
/// new file is written whole beside it, then renamed over it.
fn write_ring(path: &Path, ring: &Keyring, passphrase: &Passphrase) -> Result<(), CliError> {
    let text = KeyFile::seal_ring(ring, passphrase, KdfParams::DEFAULT, &mut getrandom::SysRng)
        .map_err(CliError::KeyFileSeal)?;
    let mut fresh = path.as_os_str().to_owned();
    fresh.push(".new");
    let fresh = PathBuf::from(fresh);
    let _ = std::fs::remove_file(&fresh);
    write_new(&fresh, text.as_bytes(), true)?;
    std::fs::rename(&fresh, path).map_err(|source| {
        let _ = std::fs::remove_file(&fresh);
        CliError::Write {
            to: Target::NewFile(path.to_owned()),
            source,
        }
    })
}

/// `keygen --rotate NAME.key`.
fn rotate_ring(mut arguments: Arguments, path: &Path) -> Result<(), CliError> {
    let passphrase_file = arguments.value("passphrase-file")?;
    arguments.finish()?;
    let (text, mut ring, passphrase) = open_ring(path, passphrase_file.as_deref())?;
    if KeyFile::version(&text).ok() == Some(1) {
        // The version 1 file stays as it was, beside the keyring that replaces it.
        let mut copy = path.as_os_str().to_owned();
        copy.push(".v1");
        let copy = PathBuf::from(copy);
        if copy.exists() {
            return Err(CliError::AlreadyExists(copy));
        }
        write_new(&copy, text.as_bytes(), true)?;
        crate::note(&format!(
            "kept the version 1 key file as {}",
            copy.display()
        ));
    }
    let next = AgencyKeyPair::generate(&mut getrandom::SysRng).map_err(CliError::KeyGeneration)?;
    ring.rotate(next.clone()).map_err(CliError::Keyring)?;
    let signing_added = ring
        .add_signing_key(&mut getrandom::SysRng)
        .map_err(CliError::KeyGeneration)?;
    write_ring(path, &ring, &passphrase)?;
    // The long-lived signing key vouches for the new key, unless it is new itself (then
    // no browser has pinned it yet, and the rotation is confirmed by a call once).
    let endorsement_path = path.with_extension("endorsement");
    let _ = std::fs::remove_file(&endorsement_path);
    if !signing_added && let Some(signing) = &ring.signing {
        write_new(
            &endorsement_path,
            format!("{}\n", endorse(signing, &next.public)).as_bytes(),
            false,
        )?;
    }
    if signing_added && let Some(signing) = &ring.signing {
        let signing_path = signing_key_path(path);
        let _ = std::fs::remove_file(&signing_path);
        write_signing_key(&signing_path, signing.public())?;
        crate::say(&format!(
            "the keyring had no signing key: added one, its public key is in {}",
            signing_path.display()
        ));
        crate::say(&format!(
            "signing key fingerprint: {}; publish it with `confidant agency signing-key`",
            signing.public().fingerprint()
        ));
    }
    let jwk_path = path.with_extension("jwk");
    let _ = std::fs::remove_file(&jwk_path);
    write_new(
        &jwk_path,
        format!("{}\n", next.public.to_jwk_json()).as_bytes(),
        false,
    )?;
    crate::say(&format!(
        "added a new current key to {} ({} key(s) in the ring); its public key is in {}",
        path.display(),
        ring.former.len() + 1,
        jwk_path.display()
    ));
    crate::say(&format!("key id: {}", next.public.kid()));
    crate::say(&format!("fingerprint: {}", next.public.fingerprint()));
    if endorsement_path.exists() {
        crate::say(&format!(
            "its endorsement by the agency's signing key is in {}: publish both with \
             `confidant agency rotate --key {} --endorsement {}`; the former keys still open \
             older packets",
            endorsement_path.display(),
            jwk_path.display(),
            endorsement_path.display()
        ));
    } else {
        crate::say(
            "publish it with `confidant agency rotate`; the former keys still open older packets",
        );
    }
    Ok(())
}

/// `keygen --retire KID --key NAME.key (--data DIR | --inbox URL --credential-file F)`.
fn retire_key(mut arguments: Arguments, kid: &str) -> Result<(), CliError> {
    let path = PathBuf::from(
        arguments
            .value("key")?
            .ok_or(UsageError::Needs("give the keyring with `--key NAME.key`"))?,
    );
    let passphrase_file = arguments.value("passphrase-file")?;
    let data = arguments.value("data")?;
    let inbox = arguments.value("inbox")?;
    let credential_file = arguments.value("credential-file")?;
    let timeout = arguments.value("timeout")?;
    arguments.finish()?;
    let (_, mut ring, passphrase) = open_ring(&path, passphrase_file.as_deref())?;
    let mut rest = ring.clone();
    rest.retire(kid).map_err(CliError::Keyring)?;
    let others: Vec<String> = rest
        .pairs()
        .map(|pair| pair.public.kid().to_owned())
        .collect();
    let packets = match (data, inbox) {
        (Some(data), None) => waiting_in_store(&PathBuf::from(data), &ring)?,
        (None, Some(server)) => {
            crate::inbox::every_packet(&server, credential_file.as_deref(), timeout.as_deref())?
        }
        _ => {
            return Err(UsageError::Needs(
                "say where the agency's inbox is: `--data DIR` (the server's store) or `--inbox URL --credential-file F`",
            )
            .into());
        }
    };
    for (packet_id, text) in &packets {
        let Ok(packet) = confidant_core::packet::Packet::parse(text) else {
            continue;
        };
        let kids: Vec<&str> = packet.recipients().iter().map(|r| r.kid()).collect();
        if kids.contains(&kid) && !kids.iter().any(|k| others.iter().any(|o| o == k)) {
            return Err(CliError::KeyStillNeeded {
                reference: confidant_core::packet::reference_code(packet_id).unwrap_or_default(),
            });
        }
    }
    ring.retire(kid).map_err(CliError::Keyring)?;
    write_ring(&path, &ring, &passphrase)?;
    crate::say(&format!(
        "retired {kid} from {}: nothing in the inbox needed it ({} packet(s) checked)",
        path.display(),
        packets.len()
    ));
    Ok(())
}

/// Every packet the agency of `ring` has in the store at `data`, acknowledged or not.
fn waiting_in_store(data: &Path, ring: &Keyring) -> Result<Vec<(String, String)>, CliError> {
    let store = SqliteStore::open(data)?;
    let registered = store.agencies()?;
    let agency = registered
        .iter()
        .find(|agency| ring.get(&agency.kid).is_some())
        .ok_or(UsageError::Needs(
            "no agency in this store has a key of this keyring",
        ))?;
    let mut packets = Vec::new();
    for entry in store.inbox(&agency.kid)? {
        if let Some(body) = store.packet_for(&agency.kid, &entry.packet_id)? {
            packets.push((entry.packet_id, String::from_utf8_lossy(&body).into_owned()));
        }
    }
    Ok(packets)
}

/// Refuses a passphrase that zxcvbn finds too easy to guess (below
/// [`MIN_PASSPHRASE_SCORE`]), counting the key's own name as a word an attacker knows.
fn check_strength(passphrase: &Passphrase, name: &str) -> Result<(), CliError> {
    let estimate = zxcvbn::zxcvbn(passphrase.as_str(), &[name, "confidant"]);
    if u8::from(estimate.score()) < MIN_PASSPHRASE_SCORE {
        return Err(CliError::WeakPassphrase);
    }
    Ok(())
}

/// Creates `path`, failing if it exists; a private file is readable by its owner only.
fn write_new(path: &Path, contents: &[u8], private: bool) -> Result<(), CliError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let failed = |source| CliError::Write {
        to: Target::NewFile(path.to_owned()),
        source,
    };
    let mut file = options.open(path).map_err(failed)?;
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    if let Err(error) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(failed(error));
    }
    Ok(())
}
