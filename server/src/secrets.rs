//! Where the command line gets passphrases: from a file named with `--passphrase-file`,
//! or typed at the terminal without echo. Never from an argument, which other users of
//! the machine can read in the process list and the shell keeps in its history.

use std::path::Path;

use confidant_core::keys::Passphrase;

use crate::cli_error::{CliError, Target};

/// Reads a passphrase from a file: its whole content, less one final line break.
pub fn from_file(path: &Path) -> Result<Passphrase, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        from: Target::PassphraseFile(path.to_owned()),
        source,
    })?;
    let text = zeroize::Zeroizing::new(text);
    let passphrase = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if passphrase.is_empty() {
        return Err(CliError::EmptyPassphraseFile(path.to_owned()));
    }
    Ok(Passphrase::new(passphrase.to_owned()))
}

/// Asks at the terminal. `confirm` asks a second time and insists on the same answer,
/// for a passphrase that is being created: a typing error there locks the data away.
pub fn prompt(question: &str, confirm: bool) -> Result<Passphrase, CliError> {
    let first = ask(question)?;
    if first.is_empty() {
        return Err(CliError::EmptyPassphrase);
    }
    if confirm {
        let second = ask("Type it again: ")?;
        if *first != *second {
            return Err(CliError::PassphrasesDiffer);
        }
    }
    Ok(Passphrase::new(first.to_string()))
}

fn ask(question: &str) -> Result<zeroize::Zeroizing<String>, CliError> {
    rpassword::prompt_password(question)
        .map(zeroize::Zeroizing::new)
        .map_err(CliError::NoTerminal)
}

/// The passphrase from `--passphrase-file` when given, else typed at the terminal.
pub fn from_file_or_prompt(
    file: Option<&str>,
    question: &str,
    confirm: bool,
) -> Result<Passphrase, CliError> {
    match file {
        Some(path) => from_file(Path::new(path)),
        None => prompt(question, confirm),
    }
}
