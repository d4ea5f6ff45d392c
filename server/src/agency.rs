//! `confidant agency add | list | remove | rotate | credential | signing-key`: the
//! directory of agencies this server accepts packets for, and publishes to browsers at
//! `GET /api/v1/directory`.
//!
//! An agency's signing key (`NAME.sign.jwk`, written by `confidant keygen`) is published
//! beside its encryption key, given at `add --signing-key` or later with `signing-key`:
//! senders' browsers pin it, and readers verify signed packets with it.
//!
//! An agency's key is replaced with `rotate`, which keeps its name, kind, credential and
//! waiting packets; packets sealed to the former key are still delivered to it. Its
//! credential is replaced with `credential`, which revokes the old one and touches no
//! packet.
//!
//! Registering an agency issues its credential: a random secret printed once, which the
//! agency presents to list, download and acknowledge its packets. The store keeps only
//! its SHA-256 (`docs/server.md` explains the choice).
//!
//! A name is refused rather than tidied (no trimming): what the operator typed is what
//! browsers will show and pin, so it must pass [`crate::agency_name`] as it is.

use std::path::PathBuf;

use confidant_core::keys::PublicKey;
use confidant_core::signing::SigningPublicKey;

use crate::agency_name::check_agency_name;
use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::store::{Agency, NewKey, Rotated, SqliteStore, Store, credential_hash};

// The kinds of agency a directory lists: the core's list, which forms name too
// (`only_to`).
use confidant_core::form::AGENCY_KINDS as KINDS;

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    match arguments.command().as_deref() {
        Some("add") => add(arguments),
        Some("list") => list(arguments),
        Some("remove") => remove(arguments),
        Some("rotate") => rotate(arguments),
        Some("credential") => credential(arguments),
        Some("signing-key") => signing_key(arguments),
        _ => Err(UsageError::Needs(
            "use `confidant agency add`, `list`, `remove`, `rotate`, `credential` or \
             `signing-key`",
        )
        .into()),
    }
}

fn open_store(arguments: &mut Arguments) -> Result<SqliteStore, CliError> {
    let data = arguments.value("data")?.ok_or(UsageError::Needs(
        "give the store's folder with `--data DIR`",
    ))?;
    Ok(SqliteStore::open(&PathBuf::from(data))?)
}

fn add(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let name = arguments.value("name")?.ok_or(UsageError::Needs(
        "give the agency's name with `--name NAME`",
    ))?;
    let kind = arguments.value("kind")?.ok_or(UsageError::Needs(
        "give the agency's kind with `--kind KIND`",
    ))?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(UsageError::UnknownAgencyKind(kind).into());
    }
    let key = public_key(&mut arguments)?;
    let signing = signing_public_key(&mut arguments)?;
    arguments.finish()?;
    // Names already registered under other keys: a new name must not look like one.
    let registered = store.agencies()?;
    let others: Vec<&str> = registered
        .iter()
        .filter(|agency| agency.kid != key.kid())
        .map(|agency| agency.name.as_str())
        .collect();
    check_agency_name(&name, &others).map_err(CliError::AgencyName)?;

    let credential = new_credential()?;
    let agency = Agency {
        kid: key.kid().to_owned(),
        name,
        kind,
        jwk: key.to_jwk_json(),
        fingerprint: key.fingerprint(),
        signing_jwk: signing.as_ref().map(SigningPublicKey::to_jwk_json),
        endorsement: None,
    };
    let added = store.add_agency(&agency, &credential_hash(&credential), crate::api::now())?;
    if !added {
        return Err(CliError::AgencyExists { kid: agency.kid });
    }
    crate::say(&format!(
        "added {} ({}), key id {}",
        agency.name, agency.kind, agency.kid
    ));
    crate::say(&format!("fingerprint: {}", agency.fingerprint));
    match &signing {
        Some(signing) => crate::say(&format!(
            "signing key fingerprint: {}",
            signing.fingerprint()
        )),
        None => crate::note(
            "no signing key: packets from this agency will show as not verified until one \
             is added with `confidant agency signing-key`",
        ),
    }
    crate::say(&format!(
        "credential (shown once; give it to the agency): {}",
        credential.as_str()
    ));
    Ok(())
}

/// A fresh inbox credential: 32 random bytes, printed once and kept only as a hash.
fn new_credential() -> Result<zeroize::Zeroizing<String>, CliError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|_| CliError::NoRandomness)?;
    let credential = format!(
        "cfd1_{}",
        <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string(&secret)
    );
    zeroize::Zeroize::zeroize(&mut secret);
    Ok(zeroize::Zeroizing::new(credential))
}

/// Reads and checks a public key file given with `--key`.
fn public_key(arguments: &mut Arguments) -> Result<PublicKey, CliError> {
    let key_path = arguments.value("key")?.ok_or(UsageError::Needs(
        "give the agency's public key with `--key AGENCY.jwk`",
    ))?;
    let key_path = PathBuf::from(key_path);
    let jwk = std::fs::read_to_string(&key_path).map_err(|source| CliError::Read {
        from: Target::PublicKey(key_path.clone()),
        source,
    })?;
    PublicKey::from_jwk_json(&jwk).map_err(|source| CliError::PublicKey {
        path: key_path,
        source,
    })
}

/// Reads and checks a signing key file given with `--signing-key`, if one is.
fn signing_public_key(arguments: &mut Arguments) -> Result<Option<SigningPublicKey>, CliError> {
    let Some(path) = arguments.value("signing-key")? else {
        return Ok(None);
    };
    read_signing_key(&PathBuf::from(path)).map(Some)
}

fn read_signing_key(path: &PathBuf) -> Result<SigningPublicKey, CliError> {
    let jwk = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        from: Target::PublicKey(path.clone()),
        source,
    })?;
    SigningPublicKey::from_jwk_json(&jwk).map_err(|source| CliError::PublicKey {
        path: path.clone(),
        source,
    })
}

/// `agency signing-key --data DIR --kid KID --key NAME.sign.jwk`: publishes (or replaces)
/// the agency's signing key. Browsers that pinned another one, or none, ask their worker
/// to confirm the change before they send to the agency again.
fn signing_key(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let kid = kid(&mut arguments)?;
    let path = arguments.value("key")?.ok_or(UsageError::Needs(
        "give the agency's signing key with `--key NAME.sign.jwk`",
    ))?;
    arguments.finish()?;
    let key = read_signing_key(&PathBuf::from(path))?;
    if !store.set_signing_key(&kid, &key.to_jwk_json())? {
        return Err(CliError::NoSuchAgency { kid });
    }
    crate::say(&format!("{kid} now publishes signing key {}", key.kid()));
    crate::say(&format!("signing key fingerprint: {}", key.fingerprint()));
    Ok(())
}

fn kid(arguments: &mut Arguments) -> Result<String, CliError> {
    Ok(arguments.value("kid")?.ok_or(UsageError::Needs(
        "give the agency's key id with `--kid KID`",
    ))?)
}

/// `agency rotate --data DIR --kid OLD --key NEW.jwk [--endorsement NEW.endorsement]`.
///
/// The endorsement, written by `keygen --rotate`, must be by the signing key the agency
/// publishes, for this new key: browsers that pinned that signing key then accept the new
/// key without asking their worker to call the agency.
fn rotate(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let old = kid(&mut arguments)?;
    let key = public_key(&mut arguments)?;
    let endorsement = arguments.value("endorsement")?;
    arguments.finish()?;
    let endorsement = match endorsement {
        None => None,
        Some(path) => {
            let path = PathBuf::from(path);
            let text = std::fs::read_to_string(&path).map_err(|source| CliError::Read {
                from: Target::PublicKey(path.clone()),
                source,
            })?;
            let text = text.trim().to_owned();
            let signing = store
                .agencies()?
                .into_iter()
                .find(|agency| agency.kid == old)
                .ok_or_else(|| CliError::NoSuchAgency { kid: old.clone() })?
                .signing_jwk
                .and_then(|jwk| SigningPublicKey::from_jwk_json(&jwk).ok());
            if !signing.is_some_and(|signing| signing.endorses(&text, &key)) {
                return Err(CliError::NotEndorsed(path));
            }
            Some(text)
        }
    };
    let new = NewKey {
        kid: key.kid().to_owned(),
        jwk: key.to_jwk_json(),
        fingerprint: key.fingerprint(),
        endorsement,
    };
    match store.rotate_agency(&old, &new, crate::api::now())? {
        Rotated::Done { waiting } => {
            crate::say(&format!("rotated {old} to key id {}", new.kid));
            crate::say(&format!("fingerprint: {}", new.fingerprint));
            crate::say(&format!(
                "kept: the credential and {waiting} waiting packet(s); packets sealed to the former key are still delivered"
            ));
            repointed_partners(&store, &old, Some(&new.kid))?;
            if new.endorsement.is_some() {
                crate::say(
                    "endorsed by the agency's signing key: browsers that pinned it accept the new key without a call",
                );
            } else {
                crate::note(
                    "not endorsed: every browser that pinned the former key asks its worker to confirm the new fingerprint with the agency",
                );
            }
            Ok(())
        }
        Rotated::NoSuchAgency => Err(CliError::NoSuchAgency { kid: old }),
        Rotated::KeyTaken => Err(CliError::AgencyExists { kid: new.kid }),
    }
}

/// `agency credential --data DIR --kid KID`: a new credential; the old one stops working.
fn credential(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let kid = kid(&mut arguments)?;
    arguments.finish()?;
    let credential = new_credential()?;
    if !store.replace_credential(&kid, &credential_hash(&credential))? {
        return Err(CliError::NoSuchAgency { kid });
    }
    crate::say(&format!("the former credential of {kid} no longer works"));
    crate::say(&format!(
        "credential (shown once; give it to the agency): {}",
        credential.as_str()
    ));
    Ok(())
}

fn list(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    arguments.finish()?;
    let agencies = store.agencies()?;
    if agencies.is_empty() {
        crate::say("no agencies yet; add one with `confidant agency add`");
    }
    for agency in agencies {
        crate::say(&format!(
            "{}\t{}\t{}\t{}",
            agency.kid, agency.kind, agency.fingerprint, agency.name
        ));
    }
    Ok(())
}

fn remove(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let kid = kid(&mut arguments)?;
    arguments.finish()?;
    if store.remove_agency(&kid)? {
        crate::say(&format!(
            "removed {kid} and the packets waiting only for it"
        ));
        repointed_partners(&store, &kid, None)
    } else {
        Err(CliError::NoSuchAgency { kid })
    }
}

/// Keeps the partner sites in step with an agency's rotation (`new_kid`) or removal
/// (`None`), and says what each partner must do: its snippet pins the former key, so its
/// frame refuses to seal until the partner pastes the new snippet. Refusing is the
/// design (a snippet pinned months ago must not follow a key change it never saw); this
/// only spares the operator finding the partners by hand.
fn repointed_partners(
    store: &SqliteStore,
    old_kid: &str,
    new_kid: Option<&str>,
) -> Result<(), CliError> {
    for (partner, removed) in store.repoint_partners(old_kid, new_kid)? {
        let which = format!("partner {} (form {})", partner.origin, partner.form);
        if removed {
            crate::say(&format!(
                "{which} removed: it sealed to this agency alone; add it again with `confidant partner add`"
            ));
            continue;
        }
        let now = match new_kid {
            Some(new) => format!("now seals to {new} instead of {old_kid}"),
            None => format!("no longer seals to {old_kid}"),
        };
        crate::say(&format!(
            "{which} {now}; its frame refuses to seal until the partner pastes the new snippet: \
             confidant partner snippet --origin {} --form {}",
            partner.origin, partner.form
        ));
    }
    Ok(())
}
