//! Where the command line gets passphrases: from a file named with `--passphrase-file`,
//! or typed at the terminal without echo. Never from an argument, which other users of
//! the machine can read in the process list and the shell keeps in its history.

use std::path::Path;

use confidant_core::keys::Passphrase;

/// Reads a passphrase from a file: its whole content, less one final line break.
pub fn from_file(path: &Path) -> Result<Passphrase, String> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        format!(
            "cannot read the passphrase file `{}`: {error}",
            path.display()
        )
    })?;
    let text = zeroize::Zeroizing::new(text);
    let passphrase = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if passphrase.is_empty() {
        return Err(format!("the passphrase file `{}` is empty", path.display()));
    }
    Ok(Passphrase::new(passphrase.to_owned()))
}

/// Asks at the terminal. `confirm` asks a second time and insists on the same answer,
/// for a passphrase that is being created: a typing error there locks the data away.
pub fn prompt(question: &str, confirm: bool) -> Result<Passphrase, String> {
    let first = ask(question)?;
    if first.is_empty() {
        return Err("the passphrase is empty".to_owned());
    }
    if confirm {
        let second = ask("Type it again: ")?;
        if *first != *second {
            return Err("the two passphrases differ".to_owned());
        }
    }
    Ok(Passphrase::new(first.to_string()))
}

fn ask(question: &str) -> Result<zeroize::Zeroizing<String>, String> {
    rpassword::prompt_password(question)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| {
            "no terminal to ask for the passphrase; give --passphrase-file FILE".to_owned()
        })
}

/// The passphrase from `--passphrase-file` when given, else typed at the terminal.
pub fn from_file_or_prompt(
    file: Option<&str>,
    question: &str,
    confirm: bool,
) -> Result<Passphrase, String> {
    match file {
        Some(path) => from_file(Path::new(path)),
        None => prompt(question, confirm),
    }
}
