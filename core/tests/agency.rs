//! The directory read as a hostile server or proxy could write it, and trust on first use:
//! every substitution a directory answer can make is refused or blocks sending.
#![allow(clippy::unwrap_used)]

mod common;

use confidant_core::agency::{
    AgencyKind, Change, Directory, DirectoryEntry, EntryRefusal, NameProblem, Pins, Trust,
};
use confidant_core::keys::{AgencyKeyPair, PublicKey};
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn key(seed: u64) -> PublicKey {
    AgencyKeyPair::generate(&mut common::seeded_rng(seed))
        .unwrap()
        .public
}

/// A directory entry as `confidant serve` publishes it.
fn published(key: &PublicKey, name: &str, kind: &str) -> Value {
    json!({
        "kid": key.kid(),
        "name": name,
        "kind": kind,
        "fingerprint": key.fingerprint(),
        "jwk": serde_json::from_str::<Value>(&key.to_jwk_json()).unwrap(),
    })
}

fn directory(entries: Vec<Value>) -> Directory {
    Directory::parse(&json!({ "agencies": entries }).to_string()).unwrap()
}

fn refusal(entry: Value) -> EntryRefusal {
    let read = directory(vec![entry]);
    assert!(read.entries.is_empty());
    read.refused[0].reason.clone()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_honest_entry_is_read_with_its_key_id_and_fingerprint_computed() {
    let shelter = key(1);
    let read = directory(vec![published(&shelter, "Shelter North", "shelter")]);
    assert_eq!(
        read.entries,
        [DirectoryEntry {
            key: shelter.clone(),
            name: "Shelter North".into(),
            kind: AgencyKind::Shelter,
            signing_key: None,
            endorsed: false,
        }]
    );
    assert!(read.refused.is_empty());
    assert_eq!(
        read.get(shelter.kid()).unwrap().fingerprint(),
        shelter.fingerprint()
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_entry_whose_key_is_not_the_one_it_names_is_refused() {
    let (shelter, attacker) = (key(1), key(2));
    // The pinned kid and fingerprint, with another key inside.
    let mut swapped = published(&shelter, "Shelter North", "shelter");
    swapped["jwk"] = serde_json::from_str(&attacker.to_jwk_json()).unwrap();
    assert_eq!(refusal(swapped.clone()), EntryRefusal::KidMismatch);
    // ... even when the key inside carries the pinned kid as its own.
    swapped["jwk"]["kid"] = json!(shelter.kid());
    assert_eq!(refusal(swapped.clone()), EntryRefusal::KidMismatch);
    // ... or none at all: a directory key must name itself.
    swapped["jwk"].as_object_mut().unwrap().remove("kid");
    assert_eq!(refusal(swapped), EntryRefusal::KidMissing);
    // The attacker's key with the shelter's fingerprint.
    let mut wrong_fingerprint = published(&attacker, "Shelter North", "shelter");
    wrong_fingerprint["fingerprint"] = json!(shelter.fingerprint());
    assert_eq!(
        refusal(wrong_fingerprint),
        EntryRefusal::FingerprintMismatch
    );
    // A private key, a kind nobody knows, a name that passes for another.
    let mut private = published(&shelter, "Shelter North", "shelter");
    private["jwk"]["d"] = json!("AAAA");
    assert!(matches!(refusal(private), EntryRefusal::Key(_)));
    assert!(matches!(
        refusal(published(&shelter, "Shelter North", "judges")),
        EntryRefusal::UnknownKind(_)
    ));
    assert_eq!(
        refusal(published(&shelter, "Shelter\u{200b} North", "shelter")),
        EntryRefusal::Name(NameProblem::Invisible)
    );
    assert_eq!(
        refusal(published(&shelter, "Sh\u{435}lter North", "shelter")),
        EntryRefusal::Name(NameProblem::MixedScripts)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn one_bad_entry_leaves_the_others_usable_and_says_why() {
    let mut bad = published(&key(2), "Police\u{202e} unit", "police");
    bad["kid"] = json!("not-the-kid");
    let read = directory(vec![
        bad,
        published(&key(1), "Shelter North", "shelter"),
        published(&key(1), "Shelter North again", "shelter"),
    ]);
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.refused.len(), 2);
    // The name is shown escaped, never with its override character.
    assert!(!read.refused[0].shown_name.contains('\u{202e}'));
    assert!(read.refused[0].shown_name.contains("\\u{202e}"));
    assert_eq!(read.refused[1].reason, EntryRefusal::Duplicate);
    assert!(Directory::parse(r#"{"agencies": 5}"#).is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_flood_of_entries_stops_at_the_limit() {
    let entries = vec![json!({}); confidant_core::agency::MAX_DIRECTORY_ENTRIES + 1];
    assert!(Directory::parse(&json!({ "agencies": entries }).to_string()).is_err());
}

fn entry(key: &PublicKey, name: &str, kind: AgencyKind) -> DirectoryEntry {
    DirectoryEntry {
        key: key.clone(),
        name: name.into(),
        kind,
        signing_key: None,
        endorsed: false,
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_change_to_a_pinned_agency_blocks_until_confirmed_and_names_what_changed() {
    let (shelter_key, other_key) = (key(1), key(2));
    let shelter = entry(&shelter_key, "Shelter North", AgencyKind::Shelter);
    let mut pins = Pins::default();
    assert_eq!(pins.check_all(std::slice::from_ref(&shelter)), [Trust::New]);
    assert_eq!(pins.trust(&shelter), Trust::Known);

    // A new key under the known name.
    let new_key = entry(&other_key, "Shelter North", AgencyKind::Shelter);
    assert_eq!(
        pins.trust(&new_key),
        Trust::Changed(vec![Change::Key {
            before: shelter_key.fingerprint()
        }])
    );
    // The same, under a name that only looks the same.
    let look_alike = entry(&other_key, "ShelterN0rth", AgencyKind::Shelter);
    assert!(
        matches!(pins.trust(&look_alike), Trust::Changed(changes) if matches!(changes[0], Change::Key { .. }))
    );
    // The known key relabelled as the police: it would receive police-only answers.
    let relabelled = entry(&shelter_key, "Shelter North", AgencyKind::Police);
    assert_eq!(pins.trust(&relabelled), Trust::Changed(vec![Change::Kind]));
    // The known key under another name.
    let renamed = entry(&shelter_key, "Police unit", AgencyKind::Shelter);
    assert_eq!(pins.trust(&renamed), Trust::Changed(vec![Change::Name]));
    // `check_all` does not pin what changed.
    assert_eq!(
        pins.check_all(std::slice::from_ref(&relabelled)),
        [Trust::Changed(vec![Change::Kind])]
    );
    assert_eq!(pins.trust(&relabelled), Trust::Changed(vec![Change::Kind]));

    // Once a person confirms the new key, it is the known one, and the old is not.
    pins.pin(&new_key);
    assert_eq!(pins.trust(&new_key), Trust::Known);
    assert!(matches!(pins.trust(&shelter), Trust::Changed(_)));

    // Pins survive storage as JSON, with no name and no kind in them.
    let stored = pins.to_json();
    for plain in ["Shelter", "North", "shelter", "police", "Police"] {
        assert!(!stored.contains(plain), "{plain} in {stored}");
    }
    assert_eq!(Pins::from_json(&stored), pins);
    assert_eq!(Pins::from_json("not json"), Pins::default());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_embedded_form_sends_only_to_exactly_the_agencies_its_snippet_pins() {
    use confidant_core::agency::{EmbedRefusal, embed_recipients};
    let shelter = common::agency(31, "Shelter North", AgencyKind::Shelter);
    let police = common::agency(32, "Police unit", AgencyKind::Police);
    let entries = [shelter.clone(), police.clone()];
    let kid = |entry: &DirectoryEntry| entry.kid().to_owned();
    let (s, p) = (kid(&shelter), kid(&police));
    assert_eq!(
        embed_recipients(&entries, &[s.clone(), p.clone()], &[p.clone(), s.clone()]),
        Ok(vec![shelter.clone(), police.clone()])
    );
    // The server adds an agency, drops one, or names one twice: not what was pinned.
    for (fixed, pins) in [
        (vec![s.clone(), p.clone()], vec![s.clone()]),
        (vec![s.clone()], vec![s.clone(), p.clone()]),
        (vec![s.clone(), s.clone()], vec![s.clone()]),
    ] {
        assert_eq!(
            embed_recipients(&entries, &fixed, &pins),
            Err(EmbedRefusal::NotPinned)
        );
    }
    // A pinned key the directory no longer lists (a rotation, or a swapped key).
    let rotated = common::agency(33, "Police unit", AgencyKind::Police);
    assert_eq!(
        embed_recipients(
            &[shelter.clone(), rotated],
            std::slice::from_ref(&p),
            std::slice::from_ref(&p)
        ),
        Err(EmbedRefusal::NotListed)
    );
    assert_eq!(
        embed_recipients(&entries, &[], &[]),
        Err(EmbedRefusal::NoRecipient)
    );
}
