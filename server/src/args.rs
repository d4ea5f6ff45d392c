//! A small command-line reader: `confidant COMMAND [--flag value]...`.
//!
//! Hand-written rather than a parser crate, to keep the binary's dependency tree small;
//! the commands have few options and no positional arguments.

use std::collections::VecDeque;

use crate::cli_error::UsageError;

#[derive(Debug)]
pub struct Arguments {
    words: VecDeque<String>,
}

impl Arguments {
    pub fn from_env() -> Self {
        Self::from_words(std::env::args().skip(1))
    }

    pub fn from_words(words: impl IntoIterator<Item = String>) -> Self {
        Self {
            words: words.into_iter().collect(),
        }
    }

    /// The next word, when it is a command rather than an option.
    pub fn command(&mut self) -> Option<String> {
        match self.words.front() {
            Some(word) if !word.starts_with("--") || word == "--help" => self.words.pop_front(),
            _ => None,
        }
    }

    /// Takes every `--name VALUE` (or `--name=VALUE`) given.
    pub fn values(&mut self, name: &str) -> Result<Vec<String>, UsageError> {
        let flag = format!("--{name}");
        let prefix = format!("--{name}=");
        let mut found = Vec::new();
        let mut rest = VecDeque::new();
        while let Some(word) = self.words.pop_front() {
            if word == flag {
                match self.words.pop_front() {
                    Some(value) if !looks_like_an_option(&value) => found.push(value),
                    _ => return Err(UsageError::NeedsValue { flag }),
                }
            } else if let Some(value) = word.strip_prefix(&prefix) {
                found.push(value.to_owned());
            } else {
                rest.push_back(word);
            }
        }
        self.words = rest;
        Ok(found)
    }

    /// Takes `--name VALUE` given at most once.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, UsageError> {
        let mut values = self.values(name)?;
        match values.len() {
            0 | 1 => Ok(values.pop()),
            _ => Err(UsageError::Repeated {
                flag: format!("--{name}"),
            }),
        }
    }

    /// Takes a `--name` switch, saying whether it was given.
    pub fn flag(&mut self, name: &str) -> Result<bool, UsageError> {
        let flag = format!("--{name}");
        let before = self.words.len();
        self.words.retain(|word| *word != flag);
        match before - self.words.len() {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(UsageError::Repeated { flag }),
        }
    }

    /// Fails on anything left over, so that a misspelt option is not silently ignored.
    pub fn finish(mut self) -> Result<(), UsageError> {
        match self.words.pop_front() {
            None => Ok(()),
            Some(word) if word.starts_with("--") => Err(UsageError::UnknownOption(word)),
            // A stray value is not kept: it may be a passphrase typed where none belongs.
            Some(_) => Err(UsageError::StrayValue),
        }
    }
}

/// Whether `word` is an option (`--name` or `--name=…`, the name short, in lower case)
/// rather than a value that happens to begin with `--`: a key id is 43 characters of
/// base64url, and one in 4,096 begins with `--`. So `--kid --Ab3…` reads the key id, and
/// `--kid --data d` still says that `--kid` needs a value.
fn looks_like_an_option(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("--") else {
        return false;
    };
    let name = rest.split('=').next().unwrap_or_default();
    (1..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arguments(line: &str) -> Arguments {
        Arguments::from_words(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn reads_a_command_and_its_options() {
        let mut args =
            arguments("serve --listen 127.0.0.1:9 --data=d --frame-ancestor a --frame-ancestor b");
        assert_eq!(args.command().as_deref(), Some("serve"));
        assert_eq!(args.value("listen"), Ok(Some("127.0.0.1:9".to_owned())));
        assert_eq!(args.value("data"), Ok(Some("d".to_owned())));
        assert_eq!(
            args.values("frame-ancestor"),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(args.value("static"), Ok(None));
        assert_eq!(args.finish(), Ok(()));
    }

    #[test]
    fn reads_switches() {
        let mut args = arguments("--passphrase --to a.jwk");
        assert_eq!(args.flag("passphrase"), Ok(true));
        assert_eq!(args.flag("verbose"), Ok(false));
        assert_eq!(args.values("to"), Ok(vec!["a.jwk".to_owned()]));
        assert_eq!(
            arguments("--x --x")
                .flag("x")
                .map_err(|error| error.to_string()),
            Err("`--x` is given more than once".to_owned())
        );
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        let mut args = arguments("serve --lisen x");
        args.command();
        assert_eq!(args.value("listen"), Ok(None));
        assert_eq!(
            args.finish().map_err(|error| error.to_string()),
            Err("unknown option `--lisen`".to_owned())
        );
    }

    #[test]
    fn does_not_repeat_stray_values() {
        let mut args = arguments("seal --passphrase hunter2-canary");
        args.command();
        assert_eq!(args.flag("passphrase"), Ok(true));
        let error = args.finish().unwrap_err();
        assert_eq!(error, UsageError::StrayValue);
        assert!(!error.to_string().contains("hunter2-canary"), "{error}");
    }

    #[test]
    fn reads_a_key_id_that_begins_with_two_hyphens() {
        let kid = "--Ab3_defghijklmnopqrstuvwxyz0123456789ABCD";
        assert_eq!(kid.len(), 43);
        let mut args = arguments(&format!("agency remove --kid {kid} --data d"));
        args.command();
        args.command();
        assert_eq!(args.value("data"), Ok(Some("d".to_owned())));
        assert_eq!(args.value("kid"), Ok(Some(kid.to_owned())));
        assert_eq!(args.finish(), Ok(()));
        let mut args = arguments(&format!("--to {kid} --to --Zz9-{}", "x".repeat(38)));
        assert_eq!(args.values("to").map(|to| to.len()), Ok(2));
        // A forgotten value is still one, whatever follows.
        assert_eq!(
            arguments("--kid --data d").value("kid"),
            Err(UsageError::NeedsValue {
                flag: "--kid".to_owned()
            })
        );
        assert_eq!(
            arguments("--kid --frame-ancestor=https://x.example").value("kid"),
            Err(UsageError::NeedsValue {
                flag: "--kid".to_owned()
            })
        );
    }

    #[test]
    fn refuses_a_flag_without_value_or_given_twice() {
        assert_eq!(
            arguments("--data")
                .value("data")
                .map_err(|error| error.to_string()),
            Err("`--data` needs a value".to_owned())
        );
        assert_eq!(
            arguments("--data a --data b")
                .value("data")
                .map_err(|error| error.to_string()),
            Err("`--data` is given more than once".to_owned())
        );
    }
}
