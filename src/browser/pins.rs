//! The agencies this device has seen, pinned on first use (`confidant_core::agency::Pins`)
//! and kept in the browser's storage. The pins hold digests only: no agency's name or
//! kind can be read from them.
//!
//! An agency whose key, name or kind later differs from what was pinned is not sent to
//! until the worker has compared the fingerprint with the agency (read aloud over the
//! phone) and confirmed it.

use confidant_core::agency::{DirectoryEntry, Pins, Trust};

use super::storage;

const KEY: &str = "confidant.pins";

fn load() -> Pins {
    storage::read(KEY)
        .map(|text| Pins::from_json(&text))
        .unwrap_or_default()
}

fn save(pins: &Pins) {
    // A browser that refuses storage keeps no pins: every agency is then shown as new,
    // with its fingerprint, which is the honest state of such a device.
    let _ = storage::write(KEY, &pins.to_json());
}

/// Each entry's trust; entries never seen before are pinned as they are now.
pub fn check(entries: &[DirectoryEntry]) -> Vec<Trust> {
    let mut pins = load();
    let before = pins.clone();
    let trust = pins.check_all(entries);
    if pins != before {
        save(&pins);
    }
    trust
}

/// The worker confirmed `entry` as it is now (new key, name or kind) with the agency.
pub fn confirm(entry: &DirectoryEntry) {
    let mut pins = load();
    pins.pin(entry);
    save(&pins);
}
