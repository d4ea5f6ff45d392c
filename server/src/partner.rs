//! `confidant partner add | list | remove | snippet`: the partner sites that may embed one
//! of the app's forms in a frame, each for the agencies the deployment fixes.
//!
//! A partner is one origin and one form, with the key ids of the agencies that what is
//! sent through its frame is sealed to. Only the embed route, `/embed/FORM?partner=ID`,
//! lets that origin frame the app (`frame-ancestors` with that origin alone); every other
//! route keeps `frame-ancestors 'none'`. The frame reads its recipients from the server
//! (`GET /api/v1/embed/ID`) and seals only if they are the key ids the partner's snippet
//! pins, so a server that changes them later cannot redirect what the frame sends.
//! `docs/embedding.md` is the partner's guide.

use std::path::PathBuf;

use base64ct::{Base64UrlUnpadded, Encoding};
use confidant_core::embed_snippet::{self, Embedding};

use crate::agency_name::check_agency_name;
use crate::args::Arguments;
use crate::cli_error::{CliError, UsageError};
use crate::store::{Agency, Partner, SqliteStore, Store};

/// The script a partner's page may load to resize its frames (`server/embed/v1.js`),
/// served at [`EMBED_SCRIPT_PATH`] and pinned in the snippet by its hash.
pub const EMBED_SCRIPT: &str = include_str!("../embed/v1.js");
/// Where [`EMBED_SCRIPT`] is served.
pub const EMBED_SCRIPT_PATH: &str = embed_snippet::SCRIPT_PATH;

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    match arguments.command().as_deref() {
        Some("add") => add(arguments),
        Some("list") => list(arguments),
        Some("remove") => remove(arguments),
        Some("snippet") => snippet(arguments),
        _ => Err(
            UsageError::Needs("use `confidant partner add`, `list`, `remove` or `snippet`").into(),
        ),
    }
}

fn open_store(arguments: &mut Arguments) -> Result<SqliteStore, CliError> {
    let data = arguments.value("data")?.ok_or(UsageError::Needs(
        "give the store's folder with `--data DIR`",
    ))?;
    Ok(SqliteStore::open(&PathBuf::from(data))?)
}

/// An origin as browsers compare them: a scheme, a host and maybe a port, nothing else (a
/// path, a wildcard or a quote could widen or break a policy).
pub fn check_origin(origin: &str) -> Result<(), String> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| format!("`{origin}` must start with https:// or http://"))?;
    let well_formed = !rest.is_empty()
        && !rest.starts_with([':', '.', '-'])
        && rest.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':')
        });
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "`{origin}` must be an origin such as https://partner.example, in lower case"
        ))
    }
}

/// A form id as the app names its forms: 1 to 64 lower-case letters, digits, `-`, `_`.
pub fn check_form_id(form: &str) -> Result<(), String> {
    let well_formed = (1..=64).contains(&form.len())
        && form
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'));
    if well_formed {
        Ok(())
    } else {
        Err(format!("`{form}` is not a form id such as `referral`"))
    }
}

/// `--origin ORIGIN`, which every partner command but `list` needs.
fn origin(arguments: &mut Arguments) -> Result<String, CliError> {
    required(
        arguments,
        "origin",
        "give the partner's site with `--origin https://…`",
    )
}

fn required(arguments: &mut Arguments, name: &str, what: &'static str) -> Result<String, CliError> {
    Ok(arguments.value(name)?.ok_or(UsageError::Needs(what))?)
}

/// `partner add --data DIR --origin ORIGIN --name NAME --form FORM --to KID [--to KID…]
/// [--completed]`.
fn add(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let origin = origin(&mut arguments)?;
    let name = required(
        &mut arguments,
        "name",
        "give the partner's name, as visitors know it, with `--name NAME`",
    )?;
    let completed = arguments.flag("completed")?;
    let form = required(
        &mut arguments,
        "form",
        "give the form it embeds with `--form FORM`",
    )?;
    let to = arguments.values("to")?;
    arguments.finish()?;
    check_origin(&origin).map_err(CliError::Partner)?;
    check_form_id(&form).map_err(CliError::Partner)?;
    check_agency_name(&name, &[]).map_err(CliError::AgencyName)?;
    if to.is_empty() {
        return Err(UsageError::Needs(
            "name the agencies it sends to with `--to KID` (repeatable)",
        )
        .into());
    }
    let agencies = store.agencies()?;
    let mut recipients: Vec<&Agency> = Vec::with_capacity(to.len());
    for kid in &to {
        let agency = agencies
            .iter()
            .find(|agency| &agency.kid == kid)
            .ok_or_else(|| CliError::NoSuchAgency { kid: kid.clone() })?;
        if recipients.iter().any(|chosen| chosen.kid == agency.kid) {
            return Err(CliError::Partner(format!("`--to {kid}` is given twice")));
        }
        recipients.push(agency);
    }
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|_| CliError::NoRandomness)?;
    let partner = Partner {
        id: Base64UrlUnpadded::encode_string(&id),
        origin,
        name,
        completed,
        form,
        recipients: to,
        added: crate::api::now(),
    };
    if !store.add_partner(&partner)? {
        return Err(CliError::Partner(format!(
            "{} may embed `{}` already; remove it first to change its agencies",
            partner.origin, partner.form
        )));
    }
    crate::say(&format!(
        "{} may now embed the form `{}` (partner {})",
        partner.origin, partner.form, partner.id
    ));
    for agency in recipients {
        crate::say(&format!(
            "  sent to {} ({}), fingerprint {}",
            agency.name, agency.kind, agency.fingerprint
        ));
    }
    crate::say("print its snippet with `confidant partner snippet`");
    Ok(())
}

fn list(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    arguments.finish()?;
    let partners = store.partners()?;
    if partners.is_empty() {
        crate::say("no partners yet; add one with `confidant partner add`");
    }
    for partner in partners {
        crate::say(&format!(
            "{}\t{}\t{}\t{}",
            partner.id,
            partner.origin,
            partner.form,
            partner.recipients.join(",")
        ));
    }
    Ok(())
}

/// `partner remove --data DIR --origin ORIGIN [--form FORM]`: that origin's frames (of
/// that form only, when given) are refused from the next request on.
fn remove(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let origin = origin(&mut arguments)?;
    let form = arguments.value("form")?;
    arguments.finish()?;
    let removed = store.remove_partners(&origin, form.as_deref())?;
    if removed == 0 {
        return Err(CliError::Partner(format!("{origin} embeds no such form")));
    }
    crate::say(&format!("{origin} may no longer embed {removed} form(s)"));
    Ok(())
}

/// `partner snippet --data DIR --origin ORIGIN --form FORM --url https://confidant.example
/// [--title TITLE]`: the HTML the partner pastes.
fn snippet(mut arguments: Arguments) -> Result<(), CliError> {
    let store = open_store(&mut arguments)?;
    let origin = origin(&mut arguments)?;
    let form = required(
        &mut arguments,
        "form",
        "give the form it embeds with `--form FORM`",
    )?;
    let url = required(
        &mut arguments,
        "url",
        "give this server's public address with `--url https://…`",
    )?;
    let title = arguments.value("title")?;
    arguments.finish()?;
    check_origin(&url).map_err(CliError::Partner)?;
    let partner = store
        .partners()?
        .into_iter()
        .find(|partner| partner.origin == origin && partner.form == form)
        .ok_or_else(|| CliError::Partner(format!("{origin} embeds no form `{form}`")))?;
    let title = title.unwrap_or_else(|| partner.name.clone());
    crate::say(&snippet_html(&url, &partner, &title));
    Ok(())
}

/// The `integrity` value of [`EMBED_SCRIPT`] (SRI, SHA-384).
pub fn script_integrity() -> String {
    embed_snippet::integrity(EMBED_SCRIPT.as_bytes())
}

/// The snippet for `partner`, served from `url` (this server's public origin), titled
/// `title` (the partner's name unless given): the same text as the app's page for it.
pub fn snippet_html(url: &str, partner: &Partner, title: &str) -> String {
    embed_snippet::snippet(
        &Embedding {
            url,
            form: &partner.form,
            partner: &partner.id,
            recipients: &partner.recipients,
            title,
        },
        EMBED_SCRIPT.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_form_ids_are_checked_before_they_reach_a_policy() {
        assert!(check_origin("https://partner.example").is_ok());
        assert!(check_origin("http://127.0.0.1:8081").is_ok());
        for refused in [
            "https://partner.example/path",
            "*",
            "https://a.example 'unsafe-inline'",
            "https://Partner.example",
            "partner.example",
            "https://",
        ] {
            assert!(check_origin(refused).is_err(), "{refused}");
        }
        assert!(check_form_id("referral").is_ok());
        assert!(check_form_id("../referral").is_err());
        assert!(check_form_id("").is_err());
    }
}
