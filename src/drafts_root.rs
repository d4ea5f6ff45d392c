//! The drafts panel in a module of its own (`src/bin/drafts.rs`, built as `drafts.js` and
//! `drafts_bg.wasm`). The app loads it only when a worker opens the panel's fold, or when
//! drafts are kept or unlocked ([`crate::components::draft_host`]), so the way to a sealed
//! referral never downloads the unlocking of drafts, Argon2id or the workers' hosts.
//!
//! The shell keeps the drafts' state (the key, the list, the open draft: `crate::state`)
//! and seals the open draft after each change; the panel is how the worker unlocks, keeps,
//! resumes, deletes and locks. What crosses, both ways, is bytes ([`Crossing`]) that the
//! receiving side copies and then zero-fills: the key, the labels and the answers never
//! become JavaScript strings, which could not be wiped.

use std::rc::Rc;

use confidant_core::draft::{Derivation, DraftKey, SALT_LEN};
use confidant_core::keys::KdfParams;
use confidant_core::primitives::KEY_LEN;
use wasm_bindgen::JsValue;
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::components::draft_panel::{DraftEvent, DraftPanel};
use crate::forms::FormKey;
use crate::module_root::{skip_the_apps_root_number, use_loaded_language};
use crate::state::{DraftAnswers, DraftEntry, SharedDraftKey};

/// Fields one after another, each its length (four bytes, little-endian) then its bytes.
/// Held in memory that is wiped when dropped.
#[derive(Debug, Default)]
pub struct Crossing(Zeroizing<Vec<u8>>);

impl Crossing {
    fn field(&mut self, bytes: &[u8]) {
        let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&length.to_le_bytes());
        self.0.extend_from_slice(bytes);
    }

    fn flag(&mut self, on: bool) {
        self.field(&[u8::from(on)]);
    }

    fn count(&mut self, count: usize) {
        self.field(&u32::try_from(count).unwrap_or(u32::MAX).to_le_bytes());
    }

    fn key(&mut self, key: &DraftKey) {
        let derivation = key.derivation();
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_PART_LEN));
        bytes.extend_from_slice(key.key().as_slice());
        for number in [
            derivation.params.memory_kib,
            derivation.params.iterations,
            derivation.params.parallelism,
        ] {
            bytes.extend_from_slice(&number.to_le_bytes());
        }
        bytes.extend_from_slice(&derivation.salt);
        self.field(&bytes);
    }

    fn entry(&mut self, entry: &DraftEntry) {
        self.field(entry.id.as_bytes());
        self.field(entry.label.as_bytes());
        self.field(entry.saved.as_bytes());
    }

    fn entries(&mut self, entries: &[DraftEntry]) {
        self.count(entries.len());
        for entry in entries {
            self.entry(entry);
        }
    }

    /// The bytes written.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A key's field: the key, the three Argon2id parameters, the salt.
const KEY_PART_LEN: usize = KEY_LEN + 12 + SALT_LEN;

/// Reads what a [`Crossing`] wrote; `None` at the first field that is not there or not
/// what it should be.
struct Reading<'a>(&'a [u8]);

impl<'a> Reading<'a> {
    fn field(&mut self) -> Option<&'a [u8]> {
        let (length, rest) = self.0.split_first_chunk::<4>()?;
        let length = usize::try_from(u32::from_le_bytes(*length)).ok()?;
        let (field, rest) = rest.split_at_checked(length)?;
        self.0 = rest;
        Some(field)
    }

    fn text(&mut self) -> Option<String> {
        std::str::from_utf8(self.field()?).ok().map(str::to_owned)
    }

    fn secret(&mut self) -> Option<DraftAnswers> {
        let text = std::str::from_utf8(self.field()?).ok()?;
        Some(Rc::new(Zeroizing::new(text.to_owned())))
    }

    fn flag(&mut self) -> Option<bool> {
        match self.field()? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }

    fn count(&mut self) -> Option<usize> {
        let bytes: [u8; 4] = self.field()?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(bytes)).ok()
    }

    fn key(&mut self) -> Option<SharedDraftKey> {
        let bytes = self.field()?;
        if bytes.len() != KEY_PART_LEN {
            return None;
        }
        let (key, rest) = bytes.split_at(KEY_LEN);
        let number = |at: usize| {
            rest.get(at..at + 4)
                .and_then(|bytes| bytes.try_into().ok())
                .map(u32::from_le_bytes)
        };
        let params = KdfParams {
            memory_kib: number(0)?,
            iterations: number(4)?,
            parallelism: number(8)?,
        };
        let salt: [u8; SALT_LEN] = rest.get(12..)?.try_into().ok()?;
        let mut secret = Zeroizing::new([0u8; KEY_LEN]);
        secret.copy_from_slice(key);
        let derivation = Derivation { params, salt };
        Some(SharedDraftKey(Rc::new(DraftKey::from_derived(
            derivation, secret,
        ))))
    }

    fn entry(&mut self) -> Option<DraftEntry> {
        Some(DraftEntry {
            id: self.text()?,
            label: self.text()?,
            saved: self.text()?,
        })
    }

    fn entries(&mut self) -> Option<Vec<DraftEntry>> {
        let count = self.count()?;
        // Each entry takes at least twelve bytes: a count beyond that is not a list.
        if count > self.0.len() / 12 {
            return None;
        }
        (0..count).map(|_| self.entry()).collect()
    }

    /// The value read, if nothing follows it.
    fn end<T>(self, value: T) -> Option<T> {
        self.0.is_empty().then_some(value)
    }
}

/// What the shell shows the panel: the drafts' state as it holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelState {
    /// The drafts' key, while they are unlocked.
    pub key: Option<SharedDraftKey>,
    /// The drafts, while they are unlocked.
    pub drafts: Vec<DraftEntry>,
    /// The draft that keeps this person's answers.
    pub open: Option<DraftEntry>,
    /// The last draft opened did not fit the forms as they are now.
    pub unreadable: bool,
    /// The person has answers no draft keeps.
    pub unsaved: bool,
    /// On the referral: whether the worker's agency details are kept.
    pub profile: Option<bool>,
    /// The worker opened the panel's fold before the module arrived: it shows open.
    pub unfolded: bool,
}

impl PanelState {
    /// The state as bytes, for the drafts' module.
    pub fn to_crossing(&self) -> Crossing {
        let mut crossing = Crossing::default();
        crossing.flag(self.unreadable);
        crossing.flag(self.unsaved);
        crossing.flag(self.unfolded);
        crossing.field(match self.profile {
            None => &[],
            Some(false) => &[0],
            Some(true) => &[1],
        });
        crossing.flag(self.key.is_some());
        if let Some(key) = &self.key {
            crossing.key(&key.0);
        }
        crossing.flag(self.open.is_some());
        if let Some(open) = &self.open {
            crossing.entry(open);
        }
        crossing.entries(&self.drafts);
        crossing
    }

    /// Reads what [`PanelState::to_crossing`] wrote.
    pub fn from_crossing(bytes: &[u8]) -> Option<Self> {
        let mut reading = Reading(bytes);
        let (unreadable, unsaved, unfolded) = (reading.flag()?, reading.flag()?, reading.flag()?);
        let profile = match reading.field()? {
            [] => None,
            [0] => Some(false),
            [1] => Some(true),
            _ => return None,
        };
        let key = if reading.flag()? {
            Some(reading.key()?)
        } else {
            None
        };
        let open = if reading.flag()? {
            Some(reading.entry()?)
        } else {
            None
        };
        let drafts = reading.entries()?;
        reading.end(Self {
            key,
            drafts,
            open,
            unreadable,
            unsaved,
            profile,
            unfolded,
        })
    }
}

/// What the worker did in the panel, as bytes for the shell.
pub fn event_crossing(event: &DraftEvent) -> Crossing {
    let mut crossing = Crossing::default();
    match event {
        DraftEvent::Unlocked(key, entries, profile) => {
            crossing.field(b"unlocked");
            crossing.key(&key.0);
            crossing.entries(entries);
            crossing.flag(profile.is_some());
            if let Some(profile) = profile {
                crossing.field(profile.as_bytes());
            }
        }
        DraftEvent::KeepProfile => crossing.field(b"keep-profile"),
        DraftEvent::ForgetProfile => crossing.field(b"forget-profile"),
        DraftEvent::Kept(key, entry) => {
            crossing.field(b"kept");
            crossing.key(&key.0);
            crossing.entry(entry);
        }
        DraftEvent::Resumed(entry, forms) => {
            crossing.field(b"resumed");
            crossing.entry(entry);
            crossing.count(forms.len());
            for (form, answers) in forms {
                crossing.field(form.id().as_bytes());
                crossing.field(answers.as_bytes());
            }
        }
        DraftEvent::Deleted(id) => {
            crossing.field(b"deleted");
            crossing.field(id.as_bytes());
        }
        DraftEvent::Lock => crossing.field(b"lock"),
    }
    crossing
}

/// Reads what [`event_crossing`] wrote; `None` for anything else.
pub fn read_event(bytes: &[u8]) -> Option<DraftEvent> {
    let mut reading = Reading(bytes);
    let event = match reading.field()? {
        b"unlocked" => {
            let key = reading.key()?;
            let entries = reading.entries()?;
            let profile = if reading.flag()? {
                Some(reading.secret()?)
            } else {
                None
            };
            DraftEvent::Unlocked(key, entries, profile)
        }
        b"keep-profile" => DraftEvent::KeepProfile,
        b"forget-profile" => DraftEvent::ForgetProfile,
        b"kept" => DraftEvent::Kept(reading.key()?, reading.entry()?),
        b"resumed" => {
            let entry = reading.entry()?;
            let count = reading.count()?;
            let mut forms = Vec::new();
            for _ in 0..count.min(FormKey::ALL.len() + 1) {
                let id = reading.field()?;
                let form = FormKey::ALL
                    .into_iter()
                    .find(|form| form.id().as_bytes() == id)?;
                forms.push((form, reading.secret()?));
            }
            DraftEvent::Resumed(entry, forms)
        }
        b"deleted" => DraftEvent::Deleted(reading.text()?),
        b"lock" => DraftEvent::Lock,
        _ => return None,
    };
    reading.end(event)
}

#[derive(Debug, Properties, PartialEq)]
pub struct RootProps {
    pub state: PanelState,
    pub language: AttrValue,
    pub ondraft: Callback<DraftEvent>,
}

/// The panel, in the words of the language the app shows (English until this module has
/// them).
#[function_component(DraftsRoot)]
pub fn drafts_root(props: &RootProps) -> Html {
    let language = use_loaded_language(&props.language);
    let state = &props.state;
    html! {
        <DraftPanel {language} draft_key={state.key.clone()} drafts={state.drafts.clone()}
            open={state.open.clone()} unreadable={state.unreadable} unsaved={state.unsaved}
            profile={state.profile} unfolded={state.unfolded} ondraft={props.ondraft.clone()} />
    }
}

/// The panel, mounted in an element of the app's page.
#[derive(Debug)]
pub struct Mounted {
    app: AppHandle<DraftsRoot>,
    ondraft: Callback<DraftEvent>,
}

/// Mounts the panel in `root` with the shell's state (what [`PanelState::to_crossing`]
/// wrote); `None` when `state` does not read as one. `ondraft` is called with each event
/// as bytes (a `Uint8Array`, what [`event_crossing`] writes), zero-filled once the call
/// returns.
pub fn mount(
    root: web_sys::Element,
    state: &[u8],
    language: String,
    ondraft: js_sys::Function,
) -> Option<Mounted> {
    let state = PanelState::from_crossing(state)?;
    let ondraft = Callback::from(move |event: DraftEvent| {
        let crossing = event_crossing(&event);
        let given = js_sys::Uint8Array::from(crossing.bytes());
        let _ = ondraft.call1(&JsValue::NULL, &given);
        given.fill(0, 0, given.length());
    });
    let props = RootProps {
        state,
        language: language.into(),
        ondraft: ondraft.clone(),
    };
    skip_the_apps_root_number();
    Some(Mounted {
        app: yew::Renderer::<DraftsRoot>::with_root_and_props(root, props).render(),
        ondraft,
    })
}

impl Mounted {
    /// The shell's newer state and language; a state that does not read is ignored.
    pub fn update(&mut self, state: &[u8], language: String) {
        if let Some(state) = PanelState::from_crossing(state) {
            self.app.update(RootProps {
                state,
                language: language.into(),
                ondraft: self.ondraft.clone(),
            });
        }
    }

    /// Unmounts the panel.
    pub fn destroy(self) {
        self.app.destroy();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SharedDraftKey {
        let derivation = Derivation {
            params: KdfParams::MINIMUM,
            salt: [byte.wrapping_add(1); SALT_LEN],
        };
        SharedDraftKey(Rc::new(DraftKey::from_derived(
            derivation,
            Zeroizing::new([byte; KEY_LEN]),
        )))
    }

    /// The same key: the same bytes and derivation (a key that crossed is a copy).
    fn same_key(a: &SharedDraftKey, b: &SharedDraftKey) -> bool {
        a.0.key() == b.0.key() && a.0.derivation() == b.0.derivation()
    }

    fn entry(label: &str) -> DraftEntry {
        DraftEntry {
            id: "person.00ff".to_owned(),
            label: label.to_owned(),
            saved: "2026-12-03".to_owned(),
        }
    }

    fn answers(text: &str) -> DraftAnswers {
        Rc::new(Zeroizing::new(text.to_owned()))
    }

    #[test]
    fn the_panels_state_crosses_as_it_was() {
        // Labels are the worker's own words: tabs, line breaks and any script included.
        let labels = ["bus\tstation", "line\nbreak", "محطة الحافلات", ""];
        let state = PanelState {
            key: Some(key(7)),
            drafts: labels.iter().map(|label| entry(label)).collect(),
            open: Some(entry("open one")),
            unreadable: true,
            unsaved: false,
            profile: Some(false),
            unfolded: true,
        };
        let crossed = PanelState::from_crossing(state.to_crossing().bytes()).expect("reads");
        assert!(same_key(
            crossed.key.as_ref().expect("a key"),
            state.key.as_ref().expect("a key")
        ));
        assert_eq!(
            PanelState {
                key: None,
                ..crossed
            },
            PanelState { key: None, ..state }
        );
        for profile in [None, Some(true)] {
            let locked = PanelState {
                profile,
                unsaved: true,
                ..PanelState::default()
            };
            assert_eq!(
                PanelState::from_crossing(locked.to_crossing().bytes()),
                Some(locked)
            );
        }
    }

    #[test]
    fn every_event_crosses_as_it_was() {
        let events = [
            DraftEvent::Unlocked(
                key(1),
                vec![entry("one"), entry("two")],
                Some(answers("{\"org\":\"x\"}")),
            ),
            DraftEvent::Unlocked(key(2), Vec::new(), None),
            DraftEvent::KeepProfile,
            DraftEvent::ForgetProfile,
            DraftEvent::Kept(key(3), entry("kept")),
            DraftEvent::Resumed(
                entry("resumed"),
                vec![
                    (FormKey::Identification, answers("{}")),
                    (FormKey::Referral, answers("{\"a\":1}")),
                ],
            ),
            DraftEvent::Deleted("person.ab".to_owned()),
            DraftEvent::Lock,
        ];
        for event in events {
            let crossed = read_event(event_crossing(&event).bytes()).expect("reads");
            match (&event, &crossed) {
                (DraftEvent::Unlocked(a, entries, profile), DraftEvent::Unlocked(b, e, p)) => {
                    assert!(same_key(a, b));
                    assert_eq!((entries, profile), (e, p));
                }
                (DraftEvent::Kept(a, entry), DraftEvent::Kept(b, e)) => {
                    assert!(same_key(a, b));
                    assert_eq!(entry, e);
                }
                _ => assert_eq!(crossed, event),
            }
        }
    }

    #[test]
    fn bytes_that_are_not_what_was_written_are_refused() {
        let kept = event_crossing(&DraftEvent::Kept(key(4), entry("kept")));
        let bytes = kept.bytes();
        // Cut anywhere, or with anything after it.
        for end in 0..bytes.len() {
            assert_eq!(read_event(&bytes[..end]), None, "cut at {end}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert_eq!(read_event(&longer), None);
        // Another kind, or a key of another length.
        let mut other = Crossing::default();
        other.field(b"unlock");
        assert_eq!(read_event(other.bytes()), None);
        let mut short_key = Crossing::default();
        short_key.field(b"kept");
        short_key.field(&[0; KEY_PART_LEN - 1]);
        short_key.entry(&entry("kept"));
        assert_eq!(read_event(short_key.bytes()), None);
        // A form the app does not have, and a count no bytes back up.
        let mut form = Crossing::default();
        form.field(b"resumed");
        form.entry(&entry("resumed"));
        form.count(1);
        form.field(b"passport");
        form.field(b"{}");
        assert_eq!(read_event(form.bytes()), None);
        let mut many = PanelState::default().to_crossing();
        let length = many.0.len() - 8;
        many.0.truncate(length);
        many.count(u32::MAX as usize);
        assert_eq!(PanelState::from_crossing(many.bytes()), None);
        // A flag that is neither.
        let mut flag = Crossing::default();
        flag.field(&[2]);
        assert_eq!(PanelState::from_crossing(flag.bytes()), None);
    }
}
