//! What the worker's actions come to, between the views and the browser's effects:
//! sealing a referral into the outbox, delivering what is due, and loading the language
//! the worker chose. Views call these and
//! render their typed results; they never seal or upload themselves.

use confidant_core::str_map::StrMap;
use std::fmt;

use std::rc::Rc;

use confidant_core::agency::DirectoryEntry;
use confidant_core::draft::DraftKey;
use confidant_core::form::FormDefinition;
use confidant_core::form::{Answers, NotSendable, PlannedPacket, plan_referral};
use confidant_core::keys::PublicKey;
use confidant_core::packet::PacketError;
use confidant_core::signing::SigningKeyPair;
use zeroize::Zeroizing;

use crate::browser::clock;
use crate::browser::drafts::{self, PROFILE};
use crate::browser::network::{self, Upload};
use crate::browser::outbox;
use crate::sealing;
use crate::state::{Delivery, DraftAnswers, Outgoing, PROFILE_SECTION, SharedForm, Tried};

/// Calls `then` with the language tag and whether the interface's words in it are
/// available to [`interface_text::for_language`](crate::interface_text::for_language):
/// at once for English or a language already loaded (so the switch happens without a
/// wait), otherwise once its file has been fetched, which the browser checks against the
/// SHA-384 the page names. On `false` nothing has changed: the interface stays in the
/// language it was in.
pub fn when_language_loaded(tag: String, then: impl FnOnce(String, bool) + 'static) {
    if crate::interface_text::is_loaded(&tag) {
        then(tag, true);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = load_language(&tag).await.is_ok();
        then(tag, loaded);
    });
}

async fn load_language(tag: &str) -> Result<(), network::NetworkError> {
    let integrity = crate::browser::document::language_integrity(tag)
        .ok_or(network::NetworkError::Unreadable)?;
    let file = network::language_file(tag, &integrity).await?;
    crate::interface_text::install(tag, file).map_err(|_| network::NetworkError::Unreadable)
}

/// Why a referral was not sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The referral cannot go to these recipients as it stands.
    NotSendable(NotSendable),
    /// The payload could not be written (a definition that is not JSON).
    Payload,
    /// Sealing failed (the packet's own checks, or no randomness).
    Seal(PacketError),
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSendable(reason) => write!(f, "not sendable: {}", reason.as_str()),
            Self::Payload => f.write_str("the payload could not be written"),
            Self::Seal(error) => write!(f, "sealing failed: {error}"),
        }
    }
}

/// One sealed packet of a referral, and whether the outbox could keep it (when it could
/// not, the packet exists only in memory, and the worker must save it as a file).
#[derive(Clone, Debug, PartialEq)]
pub struct SealedPacket {
    pub outgoing: Outgoing,
    pub kept: bool,
}

/// Seals the referral's `answers` on behalf of `sender`, one packet per audience among
/// `recipients` (as `plan_referral` decides), each signed by `signer` when given, and
/// keeps each in the outbox. The answers are not kept anywhere; the caller forgets them
/// once this returns.
pub async fn seal_referral(
    form: &SharedForm,
    answers: &Answers,
    language: &str,
    sender: &DirectoryEntry,
    recipients: &[DirectoryEntry],
    signer: Option<&SigningKeyPair>,
) -> Result<Vec<SealedPacket>, SealError> {
    let plan = plan_referral(form, answers, recipients).map_err(SealError::NotSendable)?;
    let now = (clock::now_millis() / 1000.0) as u64;
    let mut sealed = Vec::with_capacity(plan.len());
    for packet in &plan {
        sealed.push(seal_one(form, packet, language, sender, signer, now).await?);
    }
    Ok(sealed)
}

async fn seal_one(
    form: &SharedForm,
    packet: &PlannedPacket,
    language: &str,
    sender: &DirectoryEntry,
    signer: Option<&SigningKeyPair>,
    now: u64,
) -> Result<SealedPacket, SealError> {
    let outgoing = seal_planned(form, packet, language, &sender.key, signer, now).await?;
    let kept = outbox::keep(&outgoing).is_ok();
    Ok(SealedPacket { outgoing, kept })
}

/// Seals one planned packet of a referral, its payload written at `now` with
/// `sender_key` as the key replies go to, and signed by `signer` when given. Nothing is
/// kept: the caller keeps it, or delivers it at once (an embedded form).
pub async fn seal_planned(
    form: &SharedForm,
    packet: &PlannedPacket,
    language: &str,
    sender_key: &PublicKey,
    signer: Option<&SigningKeyPair>,
    now: u64,
) -> Result<Outgoing, SealError> {
    let payload = packet
        .payload(
            form,
            &form.0.definition,
            form.0.translation.as_deref(),
            language,
            sender_key,
            now,
        )
        .map_err(|_| SealError::Payload)?;
    // `payload` is wiped when it goes out of scope, whatever happens below.
    let bytes = sealing::seal(
        &payload,
        &PlannedPacket::form_ref(form),
        now,
        &packet.seal_to(),
        signer,
    )
    .await
    .map_err(SealError::Seal)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| SealError::Seal(PacketError::Invalid("the packet is not text")))?;
    Outgoing::new(text, Delivery::Waiting).ok_or(SealError::Seal(PacketError::Invalid(
        "the sealed packet does not parse",
    )))
}

/// The pause before the next try after `attempts` failed ones: 1, 2, 4 … seconds, at
/// most 16.
pub fn backoff_millis(attempts: u32) -> f64 {
    f64::from(1u32 << attempts.min(5).saturating_sub(1)) * 1000.0
}

/// The delivery's memory of failed tries, per packet id: how many, and not before when.
/// In memory only; after a reload every waiting packet is tried at once.
#[derive(Debug, Default)]
pub struct Backoff(StrMap<(u32, f64)>);

impl Backoff {
    /// Forget every pause: the network came back, so everything is due now.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Uploads every waiting packet of the outbox whose pause is over, and records the
/// outcome in storage (a delivered packet leaves it). The server's idempotence makes a
/// repeat, from this tab or another, harmless.
pub async fn deliver_due(backoff: &mut Backoff) -> Vec<Tried> {
    let now = clock::now_millis();
    let due: Vec<Outgoing> = outbox::load()
        .packets
        .into_iter()
        .filter(|packet| packet.delivery == Delivery::Waiting)
        .filter(|packet| {
            backoff
                .0
                .get(&packet.packet_id)
                .is_none_or(|(_, not_before)| *not_before <= now)
        })
        .collect();
    let mut tried = Vec::with_capacity(due.len());
    for mut packet in due {
        let packet_id = packet.packet_id.clone();
        tried.push(match network::upload(&packet.packet).await {
            Upload::Stored => {
                backoff.0.remove(&packet_id);
                outbox::delivered(&packet_id);
                Tried::Stored { packet_id }
            }
            Upload::Refused(kind) => {
                backoff.0.remove(&packet_id);
                packet.delivery = Delivery::Refused(kind.clone());
                outbox::refused(&packet);
                Tried::Refused { packet_id, kind }
            }
            Upload::Retry(kind) => {
                let attempts = backoff.0.get(&packet_id).map_or(0, |(n, _)| *n) + 1;
                backoff.0.insert(
                    packet_id.clone(),
                    (attempts, clock::now_millis() + backoff_millis(attempts)),
                );
                Tried::Retry {
                    packet_id,
                    kind,
                    attempts,
                }
            }
        });
    }
    tried
}

/// Keeps the worker's agency details, by their choice: the referral's answers in
/// [`PROFILE_SECTION`], sealed under the drafts' key, so that they fill each new referral
/// once the drafts are unlocked. `None` when the form has no such section, or the browser
/// would not keep it.
pub fn keep_profile(
    key: &DraftKey,
    form: &FormDefinition,
    answers: &Answers,
) -> Option<DraftAnswers> {
    let section = form
        .sections
        .iter()
        .find(|section| section.id == PROFILE_SECTION)?;
    let mut kept = Answers::new();
    for field in &section.fields {
        if let Some(answer) = answers.get(&field.id) {
            kept.set(field.id.clone(), answer.clone());
        }
    }
    let text = Zeroizing::new(confidant_core::json_text(&kept.to_json()));
    let sealed = key.seal(PROFILE, &text, &mut getrandom::SysRng).ok()?;
    drafts::keep(PROFILE, &sealed).then(|| Rc::new(text))
}
