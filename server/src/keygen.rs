//! `confidant keygen --out NAME`: a new agency key pair.
//!
//! Writes `NAME.key` (the private key, sealed under a passphrase with Argon2id, readable
//! only by its owner) and `NAME.jwk` (the public key to publish), and prints the
//! fingerprint that partners compare when they first trust the key.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use confidant_core::keys::{AgencyKeyPair, KdfParams, KeyFile, MIN_PASSPHRASE_SCORE, Passphrase};

use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::secrets;

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    let out = arguments
        .value("out")?
        .ok_or(UsageError::Needs("`confidant keygen` needs `--out NAME`"))?;
    let passphrase_file = arguments.value("passphrase-file")?;
    arguments.finish()?;

    let key_path = PathBuf::from(format!("{out}.key"));
    let jwk_path = PathBuf::from(format!("{out}.jwk"));
    for path in [&key_path, &jwk_path] {
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
    let pair = AgencyKeyPair::generate(&mut rng).map_err(CliError::KeyGeneration)?;
    let key_file = KeyFile::seal(
        &pair.secret,
        &pair.public,
        &passphrase,
        KdfParams::DEFAULT,
        &mut rng,
    )
    .map_err(CliError::KeyFileSeal)?;

    write_new(&key_path, key_file.as_bytes(), true)?;
    if let Err(error) = write_new(
        &jwk_path,
        format!("{}\n", pair.public.to_jwk_json()).as_bytes(),
        false,
    ) {
        // Half a key pair is worse than none: the private key would have no public half.
        let _ = std::fs::remove_file(&key_path);
        return Err(error);
    }
    crate::say(&format!(
        "wrote {} (private, keep it safe) and {} (public)",
        key_path.display(),
        jwk_path.display()
    ));
    crate::say(&format!("fingerprint: {}", pair.public.fingerprint()));
    Ok(())
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
