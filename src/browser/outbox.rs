//! The outbox: sealed packets waiting to be delivered, kept in `localStorage` so that they
//! survive a reload. It holds ciphertext only (a packet is sealed before it gets here),
//! with what the worker needs to follow it: when it was sealed, to whom, and whether the
//! server has it.

use serde::{Deserialize, Serialize};

const KEY: &str = "confidant.outbox";

/// Where a packet stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Not yet accepted by the server; tried again with growing pauses.
    Waiting,
    /// The server stored it (201, or 200 for a packet it already had).
    Delivered,
    /// The server refused it for good (a packet it cannot take); saving it as a file is
    /// the way left.
    Refused,
}

/// One sealed packet in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// The packet's random id (from its authenticated metadata).
    pub packet_id: String,
    /// The packet: JSON text, sealed.
    pub packet: String,
    /// Milliseconds since the epoch when it was sealed.
    pub sealed_at: f64,
    /// The receiving agencies' names, for the worker's list.
    pub recipients: Vec<String>,
    pub delivery: Delivery,
    /// Uploads tried so far.
    pub attempts: u32,
    /// The last refusal or failure, as a kind (`unreachable`, `status_503`, …).
    pub last_error: Option<String>,
    /// Not tried again before this time (milliseconds since the epoch).
    pub next_attempt_at: f64,
}

impl Outgoing {
    /// The pause before the next try after `attempts` failed ones: 1, 2, 4 … seconds,
    /// at most 16.
    pub fn backoff_millis(attempts: u32) -> f64 {
        f64::from(1u32 << attempts.min(5).saturating_sub(1)) * 1000.0
    }
}

/// Why the outbox could not be saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSaved {
    /// The browser refused: storage is off, or full.
    Refused,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// The packets kept, oldest first. An outbox that cannot be read is reported as empty
/// and left in place (never overwritten by a reader).
pub fn load() -> Vec<Outgoing> {
    storage()
        .and_then(|storage| storage.get_item(KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Keeps `packets` as the outbox.
pub fn save(packets: &[Outgoing]) -> Result<(), NotSaved> {
    let text = serde_json::to_string(packets).map_err(|_| NotSaved::Refused)?;
    storage()
        .ok_or(NotSaved::Refused)?
        .set_item(KEY, &text)
        .map_err(|_| NotSaved::Refused)
}

/// Changes the packet `packet_id` in the kept outbox with `change`, reading it afresh
/// (another tab of the app may have changed it), and returns the outbox as kept.
pub fn update(packet_id: &str, change: impl FnOnce(&mut Outgoing)) -> Vec<Outgoing> {
    let mut packets = load();
    if let Some(packet) = packets.iter_mut().find(|p| p.packet_id == packet_id) {
        change(packet);
        let _ = save(&packets);
    }
    packets
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

/// Takes a delivered packet off the kept outbox (the server has it; the worker may have
/// saved it as a file too) and returns the outbox as kept. A packet not yet delivered
/// stays: removing it would lose the referral.
pub fn remove_delivered(packet_id: &str) -> Vec<Outgoing> {
    let mut packets = load();
    let before = packets.len();
    packets.retain(|p| !(p.packet_id == packet_id && p.delivery == Delivery::Delivered));
    if packets.len() != before {
        let _ = save(&packets);
    }
    packets
}
