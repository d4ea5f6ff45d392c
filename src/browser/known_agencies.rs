//! The agencies this browser has seen, with the key it first saw for each (trust on first
//! use), in `localStorage`. Public data only: names, key ids and fingerprints.
//!
//! An agency whose key later differs from the one remembered is not sent to until the
//! worker has compared the new fingerprint with the agency (read aloud over the phone)
//! and confirmed it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::network::Agency;

const KEY: &str = "confidant.known-agencies";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Known {
    kid: String,
    fingerprint: String,
}

/// How far an agency's key can be trusted in this browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Seen for the first time now; remembered from now on.
    New,
    /// The key this browser has seen before.
    Known,
    /// Another key than the one seen before (its fingerprint given): sending is blocked
    /// until the worker confirms the new one.
    Changed { before: String },
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn load() -> BTreeMap<String, Known> {
    storage()
        .and_then(|storage| storage.get_item(KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save(known: &BTreeMap<String, Known>) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(known)) {
        let _ = storage.set_item(KEY, &text);
    }
}

/// Each agency's trust; agencies never seen before are remembered as they are now.
pub fn check(agencies: &[Agency]) -> Vec<Trust> {
    let mut known = load();
    let mut changed = false;
    let trust = agencies
        .iter()
        .map(|agency| match known.get(&agency.name) {
            Some(seen) if seen.kid == agency.kid => Trust::Known,
            Some(seen) => Trust::Changed {
                before: seen.fingerprint.clone(),
            },
            None => {
                known.insert(
                    agency.name.clone(),
                    Known {
                        kid: agency.kid.clone(),
                        fingerprint: agency.fingerprint.clone(),
                    },
                );
                changed = true;
                Trust::New
            }
        })
        .collect();
    if changed {
        save(&known);
    }
    trust
}

/// The worker confirmed `agency`'s new key with the agency: it replaces the old one.
pub fn confirm(agency: &Agency) {
    let mut known = load();
    known.insert(
        agency.name.clone(),
        Known {
            kid: agency.kid.clone(),
            fingerprint: agency.fingerprint.clone(),
        },
    );
    save(&known);
}
