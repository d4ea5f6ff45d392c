//! When this device last saw each agency keyring open from its file
//! (`confidant_core::backup_checks`): digests of key ids and days, nothing secret and
//! nothing that names the agency. The inbox asks for a check when one is due.

use confidant_core::backup_checks::{BackupChecks, Due};

use super::{clock, storage};

const KEY: &str = "confidant.backup-checks";

fn today() -> u64 {
    (clock::now_millis() / 86_400_000.0) as u64
}

fn load() -> BackupChecks {
    storage::read(KEY)
        .map(|text| BackupChecks::from_json(&text))
        .unwrap_or_default()
}

/// Records that the keyring whose current key id is `kid` opened from its file today; the
/// checks of its `former` keys, when each was current, are forgotten (their files are
/// replaced by this one).
pub fn checked(kid: &str, former: &[&str]) {
    let mut checks = load();
    checks.checked(kid, today());
    for kid in former {
        checks.forget(kid);
    }
    // A browser that refuses storage cannot remind anyone; nothing else depends on it.
    let _ = storage::write(KEY, &checks.to_json());
}

/// A check that is due today, if any.
pub fn due() -> Option<Due> {
    load().due(today())
}
