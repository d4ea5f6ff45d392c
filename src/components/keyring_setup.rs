//! Making an agency's keyring in the browser, or adding a new current key to an unlocked
//! one (a rotation), with a backup proven to open.
//!
//! The worker names the file and chooses a passphrase (typed twice, judged by zxcvbn in
//! the strength worker); Argon2id runs in the key-derivation worker; the keyring is made
//! and offered as a download. The app does not go on until the worker gives the saved
//! file back and it opens with the passphrase typed again: only then does it show the
//! fingerprint to read aloud and the public keys to send to the coordinator: the
//! encryption key, and the signing key that the agency's signed referrals verify under.
//! The private keys leave memory as soon as the file is sealed; nothing of them is stored.

use confidant_core::draft::{Derivation, DraftError};
use confidant_core::keys::{
    AgencyKeyPair, KdfParams, KeyFile, Keyring, MAX_KEY_FILE_LEN, PublicKey,
};
use confidant_core::signing::{SigningPublicKey, endorse};
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::browser::{backup_checks, derive, files};
use crate::components::take_secret;
use crate::interface_text::Words;

/// Where the making stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Choose(Option<&'static str>),
    Making,
    /// Made and offered; waiting for the saved copy to be given back.
    Saved {
        name: String,
        file: String,
        /// The key ids the file must list, current first.
        kids: Vec<String>,
        public_jwk: String,
        signing: Option<SigningPublicKey>,
        endorsement: Option<String>,
        problem: Option<&'static str>,
        checking: bool,
    },
    /// The saved copy opened: what to read aloud and send.
    Verified {
        name: String,
        fingerprint: String,
        public_jwk: String,
        /// The agency's signing key, which a new ring gets and an older one gains at its
        /// first rotation here.
        signing: Option<SigningPublicKey>,
        /// At a rotation, the signing key's endorsement of the new key
        /// (`confidant_core::signing::endorse`).
        endorsement: Option<String>,
    },
}

/// An unlocked keyring to add a key to, compared by identity.
#[derive(Clone, Debug)]
pub struct RingToRotate(pub std::rc::Rc<Keyring>);

impl PartialEq for RingToRotate {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Debug, Properties, PartialEq)]
pub struct KeyringSetupProps {
    pub language: AttrValue,
    /// Rotate this keyring instead of making a new one: the new file holds its keys and
    /// a new current one.
    #[prop_or_default]
    pub rotate: Option<RingToRotate>,
    /// With `rotate`: instead of adding a key, retire this former key (its key id). The
    /// caller has checked that nothing in the inbox needs it.
    #[prop_or_default]
    pub retire: Option<AttrValue>,
    /// Back to the unlock form.
    pub onclose: Callback<()>,
}

/// A file name of letters, digits, `-` and `_`, 1 to 64 of them.
fn file_name(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| name.to_owned())
}

/// Makes a keyring of one new key pair and a signing key pair under `passphrase` (or adds
/// a new current key pair to `rotate`, and a signing key pair if it has none): the key is
/// derived in the worker (after zxcvbn has judged the passphrase), the file sealed here.
async fn make(
    passphrase: Zeroizing<String>,
    rotate: Option<RingToRotate>,
    retire: Option<AttrValue>,
) -> Result<Made, &'static str> {
    let derivation =
        Derivation::new(KdfParams::DEFAULT, &mut getrandom::SysRng).map_err(|_| "failed")?;
    let key = derive::derive_new(&passphrase, derivation)
        .await
        .map_err(|error| match error {
            DraftError::WeakPassphrase => "weak",
            _ => "failed",
        })?;
    let retiring = retire.is_some();
    let (mut ring, pair) = match (rotate, retire) {
        (None, _) => {
            let pair = AgencyKeyPair::generate(&mut getrandom::SysRng).map_err(|_| "failed")?;
            (Keyring::new(pair.clone()), pair)
        }
        (Some(RingToRotate(ring)), None) => {
            let pair = AgencyKeyPair::generate(&mut getrandom::SysRng).map_err(|_| "failed")?;
            let mut ring = (*ring).clone();
            ring.rotate(pair.clone()).map_err(|_| "full")?;
            (ring, pair)
        }
        (Some(RingToRotate(ring)), Some(kid)) => {
            let mut ring = (*ring).clone();
            ring.retire(&kid).map_err(|_| "failed")?;
            let pair = ring.current.clone();
            (ring, pair)
        }
    };
    let signing_added = ring
        .add_signing_key(&mut getrandom::SysRng)
        .map_err(|_| "failed")?;
    // A signing key browsers may have pinned vouches for the new key; a brand new one
    // could not (none has pinned it).
    let endorsement = ring
        .signing
        .as_ref()
        .filter(|_| !signing_added && !ring.former.is_empty() && !retiring)
        .map(|signing| endorse(signing, &pair.public));
    let file = KeyFile::seal_ring_with_key(
        &ring,
        &key,
        derivation.params,
        &derivation.salt,
        &mut getrandom::SysRng,
    )
    .map_err(|_| "failed")?;
    let signing = ring
        .signing
        .as_ref()
        .map(|signing| signing.public().clone());
    let kids = ring
        .pairs()
        .map(|pair| pair.public.kid().to_owned())
        .collect();
    Ok(Made {
        file,
        pair,
        kids,
        signing,
        endorsement,
    })
}

/// A keyring just made: its file, its new current key pair, its signing key, and at a
/// rotation the endorsement of the new key.
struct Made {
    file: String,
    pair: AgencyKeyPair,
    /// Every key id of the ring, current first.
    kids: Vec<String>,
    signing: Option<SigningPublicKey>,
    endorsement: Option<String>,
}

/// A button's callback that offers `text` (and a newline) as the file `name`.
fn offer(name: String, text: &str, media_type: &'static str) -> Callback<MouseEvent> {
    let text = format!("{text}\n");
    Callback::from(move |_: MouseEvent| {
        let _ = files::save(&name, &text, media_type);
    })
}

/// Opens the copy the worker gave back: it must be the keyring just made (its key ids
/// `kids`, current first: an older copy of the same ring is not it) and open with
/// `passphrase`.
async fn check(
    given: web_sys::File,
    passphrase: Zeroizing<String>,
    kids: Vec<String>,
) -> Result<(), &'static str> {
    let text = Zeroizing::new(
        files::read_text(&given, MAX_KEY_FILE_LEN)
            .await
            .map_err(|_| "not_that_file")?,
    );
    let listed = KeyFile::public_keys(&text).map_err(|_| "not_that_file")?;
    if !listed
        .iter()
        .map(PublicKey::kid)
        .eq(kids.iter().map(String::as_str))
    {
        return Err("not_that_file");
    }
    let kid = kids.first().ok_or("not_that_file")?;
    let (params, salt) = KeyFile::kdf(&text).map_err(|_| "not_that_file")?;
    let key = derive::derive(&passphrase, Derivation { params, salt })
        .await
        .map_err(|_| "check_failed")?;
    let ring = KeyFile::open_ring_with_key(&text, &key).map_err(|_| "check_failed")?;
    if ring.current.public.kid() != kid {
        return Err("not_that_file");
    }
    let former: Vec<&str> = ring.former.iter().map(|pair| pair.public.kid()).collect();
    backup_checks::checked(kid, &former);
    Ok(())
}

fn problem_text(problem: &str, words: &Words) -> &'static str {
    match problem {
        "mismatch" => words.keyring_mismatch(),
        "weak" => words.keyring_weak(),
        "name" => words.keyring_no_name(),
        "not_that_file" => words.keyring_not_that_file(),
        "check_failed" => words.keyring_check_failed(),
        "full" => words.keyring_full(),
        _ => words.keyring_failed(),
    }
}

/// The making of a keyring, from the choice of passphrase to the verified backup.
#[function_component(KeyringSetup)]
pub fn keyring_setup(props: &KeyringSetupProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let step = use_state(|| Step::Choose(None));
    let (name, passphrase, again) = (use_node_ref(), use_node_ref(), use_node_ref());
    let (given, given_passphrase) = (use_node_ref(), use_node_ref());
    let onmake = {
        let (step, name, passphrase, again) = (
            step.clone(),
            name.clone(),
            passphrase.clone(),
            again.clone(),
        );
        let (rotate, retire) = (props.rotate.clone(), props.retire.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *step == Step::Making {
                return;
            }
            let chosen = name
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|input| file_name(&input.value()));
            let (first, second) = (take_secret(&passphrase), take_secret(&again));
            let Some(chosen) = chosen else {
                step.set(Step::Choose(Some("name")));
                return;
            };
            if first.is_empty() || *first != *second {
                step.set(Step::Choose(Some("mismatch")));
                return;
            }
            step.set(Step::Making);
            let (step, rotate, retire) = (step.clone(), rotate.clone(), retire.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match make(first, rotate, retire).await {
                    Err(problem) => step.set(Step::Choose(Some(problem))),
                    Ok(Made {
                        file,
                        pair,
                        kids,
                        signing,
                        endorsement,
                    }) => {
                        let _ = files::save(&format!("{chosen}.key"), &file, "application/json");
                        step.set(Step::Saved {
                            name: chosen,
                            file,
                            kids,
                            public_jwk: pair.public.to_jwk_json(),
                            signing,
                            endorsement,
                            problem: None,
                            checking: false,
                        });
                    }
                }
            });
        })
    };

    let body = match &*step {
        Step::Choose(problem) => html! {
            <form class="unlock keyring" id="keyring-form" onsubmit={onmake} novalidate=true>
                <p>{ match (&props.rotate, &props.retire) {
                    (_, Some(_)) => words.keyring_retire_intro(),
                    (Some(_), None) => words.keyring_rotate_intro(),
                    (None, None) => words.keyring_intro(),
                } }</p>
                <div class="field">
                    <label for="keyring-name">{ words.keyring_name() }</label>
                    <input type="text" id="keyring-name" ref={name} autocomplete="off" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="keyring-passphrase">{ words.keyring_passphrase() }</label>
                    <input type="password" id="keyring-passphrase" ref={passphrase} autocomplete="new-password" spellcheck="false"
                        onfocus={Callback::from(|_: FocusEvent| derive::prepare_judge())} />
                </div>
                <div class="field">
                    <label for="keyring-passphrase-again">{ words.keyring_passphrase_again() }</label>
                    <input type="password" id="keyring-passphrase-again" ref={again} autocomplete="new-password" spellcheck="false" />
                </div>
                if let Some(problem) = problem {
                    <p class="error" id="keyring-problem" role="alert">{ problem_text(problem, words) }</p>
                }
                <button type="submit" class="primary" id="make-keyring">{ words.keyring_make() }</button>
            </form>
        },
        Step::Making => html! {
            <p class="notice" id="keyring-making" role="status">
                <progress aria-label={words.keyring_making()}></progress>{ " " }{ words.keyring_making() }
            </p>
        },
        Step::Saved {
            name,
            file,
            kids,
            problem,
            checking,
            ..
        } => {
            let onsave = {
                let (name, file) = (name.clone(), file.clone());
                Callback::from(move |_: MouseEvent| {
                    let _ = files::save(&format!("{name}.key"), &file, "application/json");
                })
            };
            let oncheck = {
                let step = step.clone();
                let (given, given_passphrase) = (given.clone(), given_passphrase.clone());
                let saved = (*step).clone();
                let kids = kids.clone();
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    let Step::Saved {
                        name,
                        file,
                        public_jwk,
                        signing,
                        endorsement,
                        checking: false,
                        ..
                    } = saved.clone()
                    else {
                        return;
                    };
                    let chosen = given
                        .cast::<web_sys::HtmlInputElement>()
                        .and_then(|input| input.files())
                        .and_then(|files| files.get(0));
                    let secret = take_secret(&given_passphrase);
                    let with = {
                        let saved = saved.clone();
                        move |problem: Option<&'static str>, checking: bool| match saved.clone() {
                            Step::Saved {
                                name,
                                file,
                                kids,
                                public_jwk,
                                signing,
                                endorsement,
                                ..
                            } => Step::Saved {
                                name,
                                file,
                                kids,
                                public_jwk,
                                signing,
                                endorsement,
                                problem,
                                checking,
                            },
                            other => other,
                        }
                    };
                    let Some(chosen) = chosen else {
                        step.set(with(Some("not_that_file"), false));
                        return;
                    };
                    step.set(with(None, true));
                    let (step, kids) = (step.clone(), kids.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match check(chosen, secret, kids.clone()).await {
                            Err(problem) => step.set(with(Some(problem), false)),
                            Ok(()) => {
                                let fingerprint = KeyFile::public_key(&file)
                                    .map(|key| key.fingerprint())
                                    .unwrap_or_default();
                                step.set(Step::Verified {
                                    name,
                                    fingerprint,
                                    public_jwk,
                                    signing,
                                    endorsement,
                                });
                            }
                        }
                    });
                })
            };
            html! {
                <form class="unlock keyring" id="keyring-check-form" onsubmit={oncheck} novalidate=true>
                    <p id="keyring-saved">{ words.keyring_save_intro() }</p>
                    <p><button type="button" class="secondary" id="save-keyring" onclick={onsave}>{ words.keyring_download() }</button></p>
                    <div class="field">
                        <label for="keyring-given">{ words.keyring_give_back() }</label>
                        <input type="file" id="keyring-given" ref={given.clone()} accept=".key,application/json" />
                    </div>
                    <div class="field">
                        <label for="keyring-given-passphrase">{ words.keyring_check_passphrase() }</label>
                        <input type="password" id="keyring-given-passphrase" ref={given_passphrase.clone()} autocomplete="off" spellcheck="false" />
                    </div>
                    if let Some(problem) = problem {
                        <p class="error" id="keyring-problem" role="alert">{ problem_text(problem, words) }</p>
                    }
                    if *checking {
                        <p class="notice" role="status"><progress aria-label={words.unlocking()}></progress>{ " " }{ words.unlocking() }</p>
                    }
                    <button type="submit" class="primary" id="check-keyring" disabled={*checking}>{ words.keyring_check() }</button>
                </form>
            }
        }
        Step::Verified {
            name,
            fingerprint,
            public_jwk,
            signing,
            endorsement,
        } => {
            let onendorsement = endorsement.as_ref().map(|endorsement| {
                offer(
                    format!("{name}.endorsement"),
                    endorsement,
                    "application/jose",
                )
            });
            let onsigning = signing.as_ref().map(|signing| {
                offer(
                    format!("{name}.sign.jwk"),
                    &signing.to_jwk_json(),
                    "application/json",
                )
            });
            let onpublic = offer(format!("{name}.jwk"), public_jwk, "application/json");
            html! {
                <div class="keyring" id="keyring-verified">
                    <p role="status">{ words.keyring_verified() }</p>
                    if props.retire.is_some() {
                        <p id="keyring-retired">{ words.keyring_retired() }</p>
                    } else if props.rotate.is_some() {
                        <p id="keyring-rotated">{ words.keyring_rotated() }</p>
                    }
                    <p class="keyring-fingerprint" id="keyring-fingerprint" dir="ltr">{ fingerprint.clone() }</p>
                    <p><button type="button" class="primary" id="save-public-key" onclick={onpublic}>{ words.keyring_save_public() }</button></p>
                    if let (Some(signing), Some(onsigning)) = (signing, onsigning) {
                        <p>{ words.keyring_signing_fingerprint() }</p>
                        <p class="keyring-fingerprint" id="keyring-signing-fingerprint" dir="ltr">{ signing.fingerprint() }</p>
                        <p><button type="button" class="secondary" id="save-signing-key" onclick={onsigning}>{ words.keyring_save_signing() }</button></p>
                    }
                    if let Some(onendorsement) = onendorsement {
                        <p>{ words.keyring_endorsement_help() }</p>
                        <p><button type="button" class="secondary" id="save-endorsement" onclick={onendorsement}>{ words.keyring_save_endorsement() }</button></p>
                    }
                </div>
            }
        }
    };
    let onclose = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <section class="keyring-setup" aria-labelledby="keyring-title">
            <h2 id="keyring-title">{ match (&props.rotate, &props.retire) {
                (_, Some(_)) => words.retire_key(),
                (Some(_), None) => words.rotate_keyring(),
                (None, None) => words.create_keyring(),
            } }</h2>
            { body }
            <p><button type="button" class="secondary" id="close-keyring" onclick={onclose}>{ words.back_to_inbox() }</button></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn a_file_name_is_letters_digits_dashes_and_underscores() {
        assert_eq!(
            file_name(" shelter-north ").as_deref(),
            Some("shelter-north")
        );
        for refused in ["", "../key", "a b", "shelter.key", &"x".repeat(65)] {
            assert_eq!(file_name(refused), None, "{refused}");
        }
    }
}
