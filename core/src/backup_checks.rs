//! Backup drills for an agency's keyring: when each keyring's saved copy was last shown
//! to open, and when the next check is due.
//!
//! A keyring nobody has opened in months may be a file that no longer opens, or a
//! passphrase nobody remembers, and then every referral waiting for the agency is lost.
//! So the web app asks for a check at growing intervals after the keyring is made: 3
//! days, then 1, 2 and 4 weeks, then every quarter ([`BackupChecks::INTERVALS_DAYS`]).
//! Any time the keyring file is opened with its passphrase counts as a check.
//!
//! What is kept is only a digest of each keyring's current key id, the day of its last
//! check and how many there were: no secret, and nothing that names the agency.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::b64;

/// One keyring's checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Checked {
    /// The day of the last check, in days since 1970-01-01.
    day: u64,
    /// How many checks so far, the one at making it included.
    count: u32,
}

/// The checks of the keyrings used on this device, by digest of key id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupChecks(BTreeMap<String, Checked>);

/// A check that is due: the day of the last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub last_day: u64,
}

impl BackupChecks {
    /// Days from a check to the next: after the first (at making), the second, and so
    /// on; the last interval repeats.
    pub const INTERVALS_DAYS: [u64; 5] = [3, 7, 14, 28, 91];

    /// As stored; anything unreadable is no record, which asks for a check soon.
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn digest(kid: &str) -> String {
        let mut hash = Sha256::new();
        hash.update(b"confidant-backup-check\0");
        hash.update(kid.as_bytes());
        b64::encode(&hash.finalize()[..16])
    }

    /// Records that the keyring whose current key id is `kid` was opened from its file
    /// on `day`.
    pub fn checked(&mut self, kid: &str, day: u64) {
        let entry = self
            .0
            .entry(Self::digest(kid))
            .or_insert(Checked { day, count: 0 });
        entry.day = day;
        entry.count = entry.count.saturating_add(1);
    }

    /// Forgets the checks of the keyring whose current key was `kid`: after a rotation its
    /// file is replaced by the new ring's, which is checked under its own key.
    pub fn forget(&mut self, kid: &str) {
        self.0.remove(&Self::digest(kid));
    }

    fn next(checked: &Checked) -> u64 {
        let step = usize::try_from(checked.count.max(1) - 1).unwrap_or(usize::MAX);
        let interval = Self::INTERVALS_DAYS[step.min(Self::INTERVALS_DAYS.len() - 1)];
        checked.day.saturating_add(interval)
    }

    /// The day the next check of `kid`'s keyring is due, if this device knows it.
    pub fn next_due(&self, kid: &str) -> Option<u64> {
        self.0.get(&Self::digest(kid)).map(Self::next)
    }

    /// A check that is due on `today` for any keyring this device knows, the oldest first.
    pub fn due(&self, today: u64) -> Option<Due> {
        self.0
            .values()
            .filter(|checked| Self::next(checked) <= today)
            .map(|checked| Due {
                last_day: checked.day,
            })
            .min_by_key(|due| due.last_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_come_at_growing_intervals_then_every_quarter() {
        let kid = "vtzTVaMCj2bl6suMfCi_3d7FVljDq90Fh4ocfLsQzgE";
        let mut checks = BackupChecks::default();
        assert_eq!(checks.due(0), None);
        // Made (and its saved copy opened) on day 100.
        checks.checked(kid, 100);
        let mut day = 100;
        for interval in [3, 7, 14, 28, 91, 91] {
            assert_eq!(checks.next_due(kid), Some(day + interval));
            assert_eq!(checks.due(day + interval - 1), None);
            assert_eq!(checks.due(day + interval), Some(Due { last_day: day }));
            day += interval;
            checks.checked(kid, day);
        }
        // After a rotation the new ring is checked under its new key; the old one's record
        // goes, or it would ask for checks of a file nobody keeps.
        checks.checked("the-next-key", day);
        checks.forget(kid);
        assert_eq!(checks.next_due(kid), None);
        assert_eq!(checks.next_due("the-next-key"), Some(day + 3));
        // Stored, it names no key: only a digest.
        let stored = checks.to_json();
        assert!(!stored.contains("the-next-key"));
        assert_eq!(BackupChecks::from_json(&stored), checks);
        assert_eq!(BackupChecks::from_json("not json"), BackupChecks::default());
    }
}
