//! Deriving a draft's key without stopping the page: Argon2id runs in the key-derivation
//! worker; where no worker can be started (the page served without it, a browser that
//! refuses), on the page's thread, after the page has shown that it is working. A new
//! draft's passphrase is first judged by the strength worker (zxcvbn).

use std::cell::RefCell;

use confidant_core::draft::{Derivation, DraftError};
use confidant_core::keys::{MIN_PASSPHRASE_SCORE, Passphrase};
use confidant_core::primitives::{KEY_LEN, SymmetricKey};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

use super::{clock, workers};

/// Runs the derivation in the worker; `None` when no worker could do it.
async fn in_worker(
    passphrase: &str,
    derivation: Derivation,
) -> Option<Result<SymmetricKey, DraftError>> {
    let worker = workers::start(workers::DERIVE).await?;
    let request = js_sys::Object::new();
    let set = |name: &str, value: JsValue| js_sys::Reflect::set(&request, &name.into(), &value);
    set("passphrase", passphrase.into()).ok()?;
    set("memory_kib", derivation.params.memory_kib.into()).ok()?;
    set("iterations", derivation.params.iterations.into()).ok()?;
    set("parallelism", derivation.params.parallelism.into()).ok()?;
    set(
        "salt",
        js_sys::Uint8Array::from(derivation.salt.as_slice()).into(),
    )
    .ok()?;
    let answer = workers::ask(&worker, &request).await;
    worker.terminate();
    let answer = answer?;
    if let Some(bytes) = answer.dyn_ref::<js_sys::Uint8Array>() {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        if bytes.length() as usize != KEY_LEN {
            return None;
        }
        bytes.copy_to(key.as_mut());
        bytes.fill(0, 0, KEY_LEN as u32);
        return Some(Ok(key));
    }
    let error = js_sys::Reflect::get(&answer, &"error".into())
        .ok()?
        .as_string()?;
    Some(Err(match error.as_str() {
        "EmptyPassphrase" => DraftError::EmptyPassphrase,
        "KdfOutOfRange" => DraftError::KdfOutOfRange,
        _ => DraftError::Malformed,
    }))
}

/// Derives the key of `derivation` from `passphrase`, in a worker when one can be
/// started, else on the page's thread.
pub async fn derive(passphrase: &str, derivation: Derivation) -> Result<SymmetricKey, DraftError> {
    if let Some(result) = in_worker(passphrase, derivation).await {
        return result;
    }
    // Let the page show that it is working before it stops to derive.
    clock::sleep(30).await;
    derivation.derive(&Passphrase::new(passphrase.to_owned()))
}

thread_local! {
    /// The strength worker, once started: it takes a few seconds to arrive on a slow
    /// connection, so it is started when the worker begins to type a new passphrase.
    static STRENGTH: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

/// Starts the strength worker in the background, if it is not started yet.
pub fn prepare_judge() {
    if STRENGTH.with(|worker| worker.borrow().is_some()) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        if let Some(worker) = workers::start(workers::STRENGTH).await {
            STRENGTH.with(|slot| {
                if slot.borrow().is_none() {
                    *slot.borrow_mut() = Some(worker);
                } else {
                    worker.terminate();
                }
            });
        }
    });
}

/// zxcvbn's score of `passphrase`, from the strength worker; `None` where it cannot run.
async fn judged_score(passphrase: &str) -> Option<u8> {
    let started = STRENGTH.with(|worker| worker.borrow().clone());
    let worker = match started {
        Some(worker) => worker,
        None => {
            let worker = workers::start(workers::STRENGTH).await?;
            STRENGTH.with(|slot| *slot.borrow_mut() = Some(worker.clone()));
            worker
        }
    };
    let request = js_sys::Object::new();
    js_sys::Reflect::set(&request, &"passphrase".into(), &passphrase.into()).ok()?;
    let answer = workers::ask(&worker, &request).await?;
    js_sys::Reflect::get(&answer, &"score".into())
        .ok()?
        .as_f64()
        .map(|score| score as u8)
}

/// Derives the key of a new draft, whose passphrase must not be too easy to guess: zxcvbn
/// judges it in the strength worker. Where that worker cannot start, the page cannot
/// load the estimator's dictionaries, and holds the passphrase to a plain rule instead
/// ([`plainly_strong`]).
pub async fn derive_new(
    passphrase: &str,
    derivation: Derivation,
) -> Result<SymmetricKey, DraftError> {
    let strong = match judged_score(passphrase).await {
        Some(score) => score >= MIN_PASSPHRASE_SCORE,
        None => plainly_strong(passphrase),
    };
    if !strong {
        return Err(DraftError::WeakPassphrase);
    }
    derive(passphrase, derivation).await
}

/// The rule for a new draft's passphrase where zxcvbn cannot run: at least four words of
/// three letters or more, and 20 characters. It knows nothing of common phrases, which is
/// why it is only the fallback.
pub fn plainly_strong(passphrase: &str) -> bool {
    passphrase.chars().count() >= 20
        && passphrase
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 3)
            .count()
            >= 4
}
