//! `confidant agency add | list | remove`: the directory of agencies this server accepts
//! packets for, and publishes to browsers at `GET /api/v1/directory`.
//!
//! Registering an agency issues its credential: a random secret printed once, which the
//! agency presents to list, download and acknowledge its packets. The store keeps only
//! its SHA-256 (`docs/server.md` explains the choice).
//!
//! A name is refused rather than tidied (no trimming): what the operator typed is what
//! browsers will show and pin, so it must pass [`crate::agency_name`] as it is.

use std::path::PathBuf;

use confidant_core::keys::PublicKey;

use crate::agency_name::check_agency_name;
use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::store::{Agency, SqliteStore, Store, credential_hash};

// The kinds of agency a directory lists: the core's list, which forms name too
// (`only_to`).
use confidant_core::form::AGENCY_KINDS as KINDS;

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    match arguments.command().as_deref() {
        Some("add") => add(arguments),
        Some("list") => list(arguments),
        Some("remove") => remove(arguments),
        _ => Err(
            UsageError::Needs("use `confidant agency add`, `agency list` or `agency remove`")
                .into(),
        ),
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
    let key_path = arguments.value("key")?.ok_or(UsageError::Needs(
        "give the agency's public key with `--key AGENCY.jwk`",
    ))?;
    arguments.finish()?;

    if !KINDS.contains(&kind.as_str()) {
        return Err(UsageError::UnknownAgencyKind(kind).into());
    }
    let key_path = PathBuf::from(key_path);
    let jwk = std::fs::read_to_string(&key_path).map_err(|source| CliError::Read {
        from: Target::PublicKey(key_path.clone()),
        source,
    })?;
    let key = PublicKey::from_jwk_json(&jwk).map_err(|source| CliError::PublicKey {
        path: key_path,
        source,
    })?;
    // Names already registered under other keys: a new name must not look like one.
    let registered = store.agencies()?;
    let others: Vec<&str> = registered
        .iter()
        .filter(|agency| agency.kid != key.kid())
        .map(|agency| agency.name.as_str())
        .collect();
    check_agency_name(&name, &others).map_err(CliError::AgencyName)?;

    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|_| CliError::NoRandomness)?;
    let credential = format!(
        "cfd1_{}",
        <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string(&secret)
    );
    zeroize::Zeroize::zeroize(&mut secret);

    let agency = Agency {
        kid: key.kid().to_owned(),
        name,
        kind,
        jwk: key.to_jwk_json(),
        fingerprint: key.fingerprint(),
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
    crate::say(&format!(
        "credential (shown once; give it to the agency): {credential}"
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
    let kid = arguments.value("kid")?.ok_or(UsageError::Needs(
        "give the agency's key id with `--kid KID`",
    ))?;
    arguments.finish()?;
    if store.remove_agency(&kid)? {
        crate::say(&format!(
            "removed {kid} and the packets waiting only for it"
        ));
        Ok(())
    } else {
        Err(CliError::NoSuchAgency { kid })
    }
}
