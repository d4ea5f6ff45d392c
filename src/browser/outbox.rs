//! The outbox in the browser's storage: sealed packets waiting to be delivered, so that
//! they survive a reload, a crash or a quick exit.
//!
//! Each packet is kept under a key of its own, `confidant.outbox.PACKET_ID`, with nothing
//! but the packet and, once the server has refused it for good, the kind of refusal. Not
//! the agencies it is for, not when it was sealed: a seized device must not say "referred
//! to the police unit at 14:03". The worker's list shows the recipients from the packet's
//! own recipient key ids, named through the directory, and its day from the packet.
//! Attempts and pauses between them live in memory only.
//!
//! A packet leaves storage as soon as the server's receipt is in. An entry that cannot be
//! read is never overwritten, since it may be the only copy of a referral: it is reported,
//! and the worker can still save it as a file.

use serde::{Deserialize, Serialize};

use super::storage::{self, Refused};
use crate::state::{Delivery, Outgoing, StoredOutbox, Unreadable};

const PREFIX: &str = "confidant.outbox.";
/// Where an earlier version kept the whole outbox as one list.
const LEGACY_KEY: &str = "confidant.outbox";

/// What is stored for one packet.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kept {
    packet: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

/// Reads every packet kept, moving an earlier version's single list to one key per packet
/// first (removing the list only once every packet of it is kept anew).
pub fn load() -> StoredOutbox {
    move_legacy_list();
    let mut stored = StoredOutbox::default();
    let mut keys = storage::keys_with_prefix(PREFIX);
    crate::short_sort::sort_short_by(&mut keys, |a, b| a.cmp(b));
    for key in keys {
        let Some(text) = storage::read(&key) else {
            continue;
        };
        let read = serde_json::from_str::<Kept>(&text).ok().and_then(|kept| {
            let delivery = match kept.refused {
                Some(kind) => Delivery::Refused(kind),
                None => Delivery::Waiting,
            };
            Outgoing::new(kept.packet, delivery)
                .filter(|outgoing| key == format!("{PREFIX}{}", outgoing.packet_id))
        });
        match read {
            Some(outgoing) => stored.packets.push(outgoing),
            None => stored.unreadable.push(Unreadable { key, text }),
        }
    }
    if let Some(text) = storage::read(LEGACY_KEY) {
        stored.unreadable.push(Unreadable {
            key: LEGACY_KEY.to_owned(),
            text,
        });
    }
    stored
}

fn move_legacy_list() {
    #[derive(Deserialize)]
    struct Legacy {
        packet: String,
        delivery: String,
    }
    let Some(text) = storage::read(LEGACY_KEY) else {
        return;
    };
    let Ok(list) = serde_json::from_str::<Vec<Legacy>>(&text) else {
        // Left in place, and reported by `load` as unreadable.
        return;
    };
    let mut all_kept = true;
    for legacy in list {
        if legacy.delivery == "delivered" {
            continue;
        }
        let delivery = if legacy.delivery == "refused" {
            Delivery::Refused("refused".to_owned())
        } else {
            Delivery::Waiting
        };
        all_kept &= match Outgoing::new(legacy.packet, delivery) {
            Some(outgoing) => write(&outgoing).is_ok(),
            None => false,
        };
    }
    if all_kept {
        storage::remove(LEGACY_KEY);
    }
}

fn write(outgoing: &Outgoing) -> Result<(), Refused> {
    let kept = Kept {
        packet: outgoing.packet.clone(),
        refused: match &outgoing.delivery {
            Delivery::Refused(kind) => Some(kind.clone()),
            Delivery::Waiting | Delivery::Delivered => None,
        },
    };
    let text = serde_json::to_string(&kept).map_err(|_| Refused)?;
    storage::write(&format!("{PREFIX}{}", outgoing.packet_id), &text)
}

/// Keeps a freshly sealed packet until it is delivered.
pub fn keep(outgoing: &Outgoing) -> Result<(), Refused> {
    write(outgoing)
}

/// The server has the packet: it leaves storage.
pub fn delivered(packet_id: &str) {
    storage::remove(&format!("{PREFIX}{packet_id}"));
}

/// The server refused the packet for good: kept, marked so, for saving as a file.
pub fn refused(outgoing: &Outgoing) {
    let _ = write(outgoing);
}

/// The file name a packet is saved under: its id only, nothing about the person.
pub fn file_name(packet_id: &str) -> String {
    format!("referral-{packet_id}.jwe.json")
}

/// Hands the packet to the worker as a file, for delivery by hand.
pub fn save_as_file(packet: &Outgoing) -> Result<(), super::files::FileRefused> {
    super::files::save(
        &file_name(&packet.packet_id),
        &packet.packet,
        "application/jose+json",
    )
}

/// Hands an entry that could not be read to the worker as a file, as it is.
pub fn save_unreadable_as_file(entry: &Unreadable) -> Result<(), super::files::FileRefused> {
    let name = entry
        .key
        .trim_start_matches(PREFIX)
        .replace(['/', '\\', '.'], "-");
    super::files::save(
        &format!("outbox-{name}.txt"),
        &entry.text,
        "application/octet-stream",
    )
}
