//! `confidant inbox`: an agency's inbox on the command line, for agencies that script
//! their intake. It lists the packets waiting on a Confidant server, fetches one to
//! standard output or every new one into a folder, and marks one kept (which starts the
//! server's deletion clock). Opening stays `confidant open`'s job: nothing here needs the
//! key.
//!
//! The server is trusted with nothing this command writes:
//! - the credential goes only to the address given, over HTTPS (plain HTTP only to this
//!   machine), and redirects are not followed;
//! - every answer is bounded in size and in time, so a hostile or broken server cannot
//!   fill the disk or hold the command forever;
//! - a listed id must be a packet id before it names a file, so a listing cannot write
//!   outside the folder;
//! - a fetched packet must parse as a packet and carry the id it was fetched under, and it
//!   is written under a temporary name and renamed only when whole, so a dropped
//!   connection or a full disk leaves no partial packet behind.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use confidant_core::packet::{MAX_PACKET_LEN, Packet, PacketError, reference_code};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::args::Arguments;
use crate::cli_error::{CliError, Target, UsageError};
use crate::untrusted_text::shown_value;

/// The longest listing read: far more than a full inbox's (about 150 bytes a packet).
const MAX_LISTING_LEN: usize = 8 * 1024 * 1024;
/// How long one request may take, body included, unless `--timeout` says otherwise.
const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// How often a request the server turned away for its rate limit is tried again, and the
/// longest wait between two tries whatever the server asks.
const RETRIES_WHEN_LIMITED: u32 = 5;
const LONGEST_WAIT_SECS: u64 = 120;

/// Why talking to the server failed. Nothing here holds the credential or a packet.
#[derive(Debug)]
#[non_exhaustive]
pub enum InboxError {
    /// `--server` is not an `https://` address (or `http://` to this machine).
    NotHttps(String),
    /// `--server` is not an address at all.
    BadServerAddress(String),
    /// The credential file holds nothing but a line break, or the credential has
    /// spaces or control characters in it.
    BadCredential,
    /// No connection, or it broke: the name did not resolve, the connection or TLS
    /// failed, or the answer stopped halfway.
    Unreachable(String),
    /// The server took longer than the timeout.
    TimedOut,
    /// The server redirects elsewhere, which is not followed.
    Redirected,
    /// The server refused the credential.
    CredentialRefused,
    /// The packet is not (or no longer) in this agency's inbox.
    NoSuchPacket,
    /// The server asked to slow down more often than the command waits.
    Limited,
    /// Any other answer than the one expected.
    Status(u16),
    /// The answer is larger than the command reads.
    TooLarge { limit: usize },
    /// The listing is not the server's listing.
    NotAListing(String),
    /// The listing names something that is not a packet id (shown escaped).
    NotAPacketId(String),
    /// What was fetched is not a packet.
    NotAPacket(PacketError),
    /// What was fetched is a packet with another id: the server swapped two packets.
    Swapped { asked: String, got: String },
}

impl fmt::Display for InboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotHttps(address) => write!(
                f,
                "`--server {}` must start with https:// (plain http:// only to this machine): the credential would travel readable",
                shown_value(address)
            ),
            Self::BadServerAddress(address) => write!(
                f,
                "`--server {}` is not an address such as https://confidant.example.org",
                shown_value(address)
            ),
            Self::BadCredential => f.write_str(
                "the inbox credential is empty or has spaces or control characters in it",
            ),
            Self::Unreachable(why) => write!(f, "the connection to the server failed: {why}"),
            Self::TimedOut => f.write_str(
                "the server did not answer in time (give --timeout SECONDS to wait longer)",
            ),
            Self::Redirected => f.write_str(
                "the server redirects elsewhere, which is not followed: the credential goes only to --server",
            ),
            Self::CredentialRefused => f.write_str(
                "the server did not accept this inbox credential (it is shown once, by `confidant agency add`)",
            ),
            Self::NoSuchPacket => f.write_str("no such packet in your inbox"),
            Self::Limited => {
                f.write_str("the server kept asking to slow down; try again in a few minutes")
            }
            Self::Status(status) => write!(f, "the server answered with HTTP status {status}"),
            Self::TooLarge { limit } => write!(
                f,
                "the server's answer is larger than {limit} bytes; nothing was written"
            ),
            Self::NotAListing(why) => write!(f, "the server's answer is not an inbox listing: {why}"),
            Self::NotAPacketId(id) => write!(
                f,
                "the server listed `{}`, which is not a packet id; nothing was written",
                shown_value(id)
            ),
            Self::NotAPacket(source) => {
                write!(f, "the server sent something that is not a packet: {source}")
            }
            Self::Swapped { asked, got } => write!(
                f,
                "asked for packet {asked}, the server sent packet {}: it was not written",
                shown_value(got)
            ),
        }
    }
}

impl std::error::Error for InboxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::NotAPacket(source) => Some(source),
            _ => None,
        }
    }
}

impl From<InboxError> for CliError {
    fn from(error: InboxError) -> Self {
        Self::Inbox(error)
    }
}

/// One packet as the server lists it.
#[derive(Debug, Deserialize)]
struct Listed {
    packet_id: String,
    size: u64,
    received: u64,
    acknowledged: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Listing {
    packets: Vec<Listed>,
}

pub fn run(mut arguments: Arguments) -> Result<(), CliError> {
    let server = arguments.value("server")?;
    let credential_file = arguments.value("credential-file")?;
    let fetch = arguments.value("fetch")?;
    let fetch_all = arguments.value("fetch-all")?;
    let ack = arguments.value("ack")?;
    let timeout = arguments.value("timeout")?;
    arguments.finish()?;

    let server = server.ok_or(UsageError::Needs(
        "give --server URL, the address of your Confidant server",
    ))?;
    if [&fetch, &fetch_all, &ack]
        .iter()
        .filter(|given| given.is_some())
        .count()
        > 1
    {
        return Err(UsageError::Needs("give at most one of --fetch, --fetch-all and --ack").into());
    }
    let timeout = match timeout {
        None => DEFAULT_TIMEOUT_SECS,
        Some(seconds) => parse_timeout(&seconds)?,
    };
    let client = Client::new(&server, credential(credential_file.as_deref())?, timeout)?;
    match (fetch, fetch_all, ack) {
        (Some(id), _, _) => {
            let packet = client.packet(&packet_id(&id)?)?;
            let mut out = std::io::stdout().lock();
            out.write_all(packet.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush())
                .map_err(|source| CliError::Write {
                    to: Target::StandardOutput("the packet"),
                    source,
                })
        }
        (_, Some(folder), _) => fetch_into(&client, Path::new(&folder)),
        (_, _, Some(id)) => {
            client.acknowledge(&packet_id(&id)?)?;
            crate::note(
                "Marked kept: the server deletes this packet after its retention for acknowledged packets (7 days unless set otherwise).",
            );
            Ok(())
        }
        (None, None, None) => {
            let mut out = std::io::stdout().lock();
            for listed in client.listing()? {
                let line = format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    listed.packet_id,
                    reference_code(&listed.packet_id).unwrap_or_default(),
                    utc(listed.received),
                    listed.size,
                    if listed.acknowledged.is_some() {
                        "kept"
                    } else {
                        "new"
                    },
                );
                out.write_all(line.as_bytes())
                    .map_err(|source| CliError::Write {
                        to: Target::StandardOutput("the listing"),
                        source,
                    })?;
            }
            Ok(())
        }
    }
}

/// Every packet in the inbox at `server`, acknowledged or not, by id: for checking what
/// a key still opens (`keygen --retire`).
pub fn every_packet(
    server: &str,
    credential_file: Option<&str>,
    timeout: Option<&str>,
) -> Result<Vec<(String, String)>, CliError> {
    let timeout = match timeout {
        None => DEFAULT_TIMEOUT_SECS,
        Some(seconds) => parse_timeout(seconds)?,
    };
    let client = Client::new(server, credential(credential_file)?, timeout)?;
    let mut packets = Vec::new();
    for listed in client.listing()? {
        let id = packet_id(&listed.packet_id)?;
        let packet = client.packet(&id)?;
        packets.push((id, packet.to_string()));
    }
    Ok(packets)
}

fn parse_timeout(seconds: &str) -> Result<u64, UsageError> {
    seconds
        .parse()
        .ok()
        .filter(|seconds| (1..=3600).contains(seconds))
        .ok_or(UsageError::Needs("--timeout takes seconds, from 1 to 3600"))
}

/// Checks a packet id given on the command line.
fn packet_id(id: &str) -> Result<String, InboxError> {
    match reference_code(id) {
        Some(_) => Ok(id.to_owned()),
        None => Err(InboxError::NotAPacketId(id.to_owned())),
    }
}

/// Writes every listed packet not yet in `folder` there, as `ID.jwe`; prints each path
/// written.
fn fetch_into(client: &Client, folder: &Path) -> Result<(), CliError> {
    let listing = client.listing()?;
    // Every id is checked before anything is fetched or written.
    for listed in &listing {
        packet_id(&listed.packet_id)?;
    }
    let (mut fetched, mut there) = (0, 0);
    for listed in listing {
        let path = folder.join(format!("{}.jwe", listed.packet_id));
        if path.exists() {
            there += 1;
            continue;
        }
        let packet = client.packet(&listed.packet_id)?;
        write_whole(&path, packet.as_bytes())?;
        crate::say(&path.display().to_string());
        fetched += 1;
    }
    crate::note(&format!(
        "{fetched} packet(s) fetched, {there} already in {}",
        folder.display()
    ));
    Ok(())
}

/// Writes `bytes` to `path` under a temporary name first, so that `path` exists only
/// whole: a full disk or an interruption leaves no partial packet behind.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let partial = path.with_extension("jwe.partial");
    let failed = |source| CliError::Write {
        to: Target::NewFile(path.to_owned()),
        source,
    };
    let written = std::fs::File::create(&partial).and_then(|mut file| {
        file.write_all(bytes)?;
        file.write_all(b"\n")?;
        file.sync_all()
    });
    if let Err(source) = written.and_then(|()| std::fs::rename(&partial, path)) {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(source));
    }
    Ok(())
}

/// The inbox credential: from `--credential-file` (its first line), or typed at the
/// terminal without echo; never from the command line.
fn credential(file: Option<&str>) -> Result<Zeroizing<String>, CliError> {
    let text = match file {
        Some(path) => {
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| CliError::Read {
                    from: Target::CredentialFile(PathBuf::from(path)),
                    source,
                })?,
            )
        }
        None => Zeroizing::new(
            rpassword::prompt_password("Inbox credential: ").map_err(CliError::NoTerminal)?,
        ),
    };
    let credential = text.lines().next().unwrap_or_default().trim();
    if credential.is_empty()
        || credential
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(InboxError::BadCredential.into());
    }
    Ok(Zeroizing::new(credential.to_owned()))
}

/// The inbox's three requests, each bounded in size and time.
struct Client {
    agent: ureq::Agent,
    base: String,
    authorization: Zeroizing<String>,
}

impl Client {
    fn new(server: &str, credential: Zeroizing<String>, timeout: u64) -> Result<Self, InboxError> {
        let base = server.trim_end_matches('/');
        let rest = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"))
            .ok_or_else(|| InboxError::BadServerAddress(server.to_owned()))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || rest.contains(['?', '#', '@']) {
            return Err(InboxError::BadServerAddress(server.to_owned()));
        }
        if base.starts_with("http://") && !is_this_machine(host) {
            return Err(InboxError::NotHttps(server.to_owned()));
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(timeout)))
            // A redirect could send the credential elsewhere: it is an error instead.
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .new_agent();
        Ok(Self {
            agent,
            base: base.to_owned(),
            authorization: Zeroizing::new(format!("Bearer {}", credential.as_str())),
        })
    }

    fn listing(&self) -> Result<Vec<Listed>, InboxError> {
        let body = self.get("/api/v1/inbox", MAX_LISTING_LEN)?;
        let listing: Listing = serde_json::from_str(&body)
            .map_err(|error| InboxError::NotAListing(error.to_string()))?;
        Ok(listing.packets)
    }

    /// The packet `id` (checked already), whole and checked to be that packet.
    fn packet(&self, id: &str) -> Result<Zeroizing<String>, InboxError> {
        let body = Zeroizing::new(self.get(&format!("/api/v1/inbox/{id}"), MAX_PACKET_LEN)?);
        let packet = Packet::parse(body.trim()).map_err(InboxError::NotAPacket)?;
        let got = packet.meta().packet_id();
        if got != id {
            return Err(InboxError::Swapped {
                asked: id.to_owned(),
                got: got.to_owned(),
            });
        }
        Ok(Zeroizing::new(body.trim().to_owned()))
    }

    fn acknowledge(&self, id: &str) -> Result<(), InboxError> {
        self.send(
            || {
                self.agent
                    .post(&format!("{}/api/v1/inbox/{id}/ack", self.base))
                    .header("authorization", self.authorization.as_str())
                    .send_empty()
            },
            0,
        )
        .map(drop)
    }

    fn get(&self, path: &str, limit: usize) -> Result<String, InboxError> {
        self.send(
            || {
                self.agent
                    .get(&format!("{}{path}", self.base))
                    .header("authorization", self.authorization.as_str())
                    .call()
            },
            limit,
        )
    }

    /// Sends a request, waiting as the server asks while it is rate-limited, and reads
    /// at most `limit` bytes of the answer.
    fn send(
        &self,
        request: impl Fn() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        limit: usize,
    ) -> Result<String, InboxError> {
        for _ in 0..=RETRIES_WHEN_LIMITED {
            let mut response = request().map_err(failure)?;
            let status = response.status().as_u16();
            match status {
                200 => {
                    return response
                        .body_mut()
                        .with_config()
                        .limit(limit as u64)
                        .read_to_string()
                        .map_err(|error| match error {
                            ureq::Error::BodyExceedsLimit(_) => InboxError::TooLarge { limit },
                            other => failure(other),
                        });
                }
                204 => return Ok(String::new()),
                401 | 403 => return Err(InboxError::CredentialRefused),
                404 => return Err(InboxError::NoSuchPacket),
                300..=399 => return Err(InboxError::Redirected),
                429 => {
                    let wait = response
                        .headers()
                        .get("retry-after")
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| value.trim().parse::<u64>().ok())
                        .unwrap_or(60)
                        .min(LONGEST_WAIT_SECS);
                    crate::note(&format!("The server asks to slow down: waiting {wait} s."));
                    std::thread::sleep(Duration::from_secs(wait));
                }
                _ => return Err(InboxError::Status(status)),
            }
        }
        Err(InboxError::Limited)
    }
}

/// What went wrong on the way, in a few words (never the request, which carries the
/// credential).
fn failure(error: ureq::Error) -> InboxError {
    match error {
        ureq::Error::Timeout(_) => InboxError::TimedOut,
        ureq::Error::HostNotFound => InboxError::Unreachable("the name does not resolve".into()),
        ureq::Error::Io(error) => InboxError::Unreachable(error.kind().to_string()),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => InboxError::Redirected,
        ureq::Error::BadUri(_) => InboxError::Unreachable("not a valid address".into()),
        other => InboxError::Unreachable(other.to_string()),
    }
}

/// Whether `host` (with its port, if any) is this machine: plain HTTP goes nowhere else.
fn is_this_machine(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// Seconds since the epoch as a UTC date and time, `2026-12-01T10:55:27Z`.
fn utc(seconds: u64) -> String {
    let days = seconds / 86_400;
    let in_day = seconds % 86_400;
    // The civil date of a day count since 1970-01-01, by 400-year eras of 146,097 days
    // (the proleptic Gregorian calendar, with years starting in March).
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_writes_the_civil_date_and_time() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_764_586_527), "2025-12-01T10:55:27Z");
        assert_eq!(utc(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn plain_http_goes_only_to_this_machine() {
        let credential = || Zeroizing::new("cfd1_x".to_owned());
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:1/",
            "http://[::1]:9",
        ] {
            assert!(Client::new(local, credential(), 5).is_ok(), "{local}");
        }
        for remote in ["http://confidant.example.org", "http://10.0.0.1:80"] {
            assert!(matches!(
                Client::new(remote, credential(), 5),
                Err(InboxError::NotHttps(_))
            ));
        }
        for wrong in [
            "confidant.example.org",
            "https://",
            "https://a@b",
            "ftp://x",
        ] {
            assert!(matches!(
                Client::new(wrong, credential(), 5),
                Err(InboxError::BadServerAddress(_))
            ));
        }
        assert!(Client::new("https://confidant.example.org/", credential(), 5).is_ok());
    }
}
