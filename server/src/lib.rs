//! `confidant`: the ciphertext store and web server, and the agencies' command-line tool.
//!
//! Every subcommand reports failure as one short line on standard error and a non-zero
//! exit status; nothing it prints ever contains a passphrase, a key or a payload.
//!
//! A library as well as a binary, so that the integration tests, the benches and the
//! fuzz target reach the store and the upload check directly.

pub mod agency;
pub mod agency_name;
pub mod api;
pub mod args;
pub mod cli_error;
pub mod inbox;
pub mod keygen;
pub mod open;
pub mod partner;
pub mod rate_limit;
pub mod seal;
pub mod secrets;
pub mod serve;
pub mod static_site;
pub mod store;
pub mod untrusted_text;
pub mod upload;

use std::process::ExitCode;

use cli_error::{CliError, UsageError};

const USAGE: &str = "\
usage: confidant <command> [options]

commands:
  serve   serve the app and the ciphertext store
          --listen ADDR         address to listen on (default 127.0.0.1:8080)
          --data DIR            where the store keeps its files (default ./data)
          --static DIR          the built app to serve (default ./dist)
          --max-packet-bytes N  the largest packet accepted (default 25000000)
          --rate-limit N        API requests a minute from one client (default 120;
                                0 turns the limit off)
          --trusted-proxy ADDR  a reverse proxy whose X-Forwarded-For names the
                                client (repeatable; by default the header is ignored)
          --quota-bytes N       the most bytes waiting for one agency (default 1 GiB)
          --header-timeout-secs N
                                time to send a request head (default 10)
          --body-timeout-secs N time to send an upload's body (default 60)
          --max-connections N   connections open at once (default 512)
          --max-concurrent-uploads N
                                uploads read and checked at once (default 16)
          --retention-days N    keep unacknowledged packets this long (default 30)
          --acknowledged-retention-days N
                                keep acknowledged packets this long (default 7)
  agency  the directory of agencies the store accepts packets for
          add --data DIR --name NAME --kind KIND --key AGENCY.jwk [--signing-key AGENCY.sign.jwk]
                                register an agency; prints its inbox credential once
          list --data DIR       list the registered agencies
          remove --data DIR --kid KID
                                remove an agency and the packets waiting only for it
          rotate --data DIR --kid OLD --key NEW.jwk [--endorsement NEW.endorsement]
                                publish a new key for the agency; keeps its name, kind,
                                credential and waiting packets, and still delivers
                                packets sealed to the former key
          credential --data DIR --kid KID
                                issue a new inbox credential (printed once); the former
                                one stops working
          signing-key --data DIR --kid KID --key AGENCY.sign.jwk
                                publish the agency's signing key (senders confirm a change)
  partner the partner sites that may embed a form in a frame (docs/embedding.md)
          add --data DIR --origin ORIGIN --name NAME --form FORM --to KID [--to KID…] [--completed]
                                let ORIGIN frame FORM, whose answers go sealed to the
                                agencies named; only /embed/FORM?partner=ID allows it;
                                --completed: the frame tells the page when something
                                was sent (nothing more)
          list --data DIR       list the partners: id, origin, form, recipients
          remove --data DIR --origin ORIGIN [--form FORM]
                                refuse that origin's frames from now on
          snippet --data DIR --origin ORIGIN --form FORM --url URL [--title TITLE]
                                print the HTML the partner pastes: the frame, pinning
                                its recipients' key ids, and the resizing script
  keygen  create an agency keyring, or change one
          --out NAME            writes NAME.key (private), NAME.jwk and NAME.sign.jwk (public)
          --passphrase-file F   the key's passphrase (else asked at the terminal)
          --rotate NAME.key     adds a new current key; writes its public key to NAME.jwk
          --retire KID --key NAME.key (--data DIR | --inbox URL --credential-file F)
                                removes a former key, unless a packet in the agency's
                                inbox still needs it
  seal    seal the JSON on standard input; the packet goes to standard output
          --to AGENCY.jwk       an agency to seal for (repeatable)
          --passphrase-file F   also seal for whoever knows this passphrase
          --passphrase          the same, asked at the terminal
          --form ID@VERSION     the form the payload answers (default unspecified@0)
          --sign-with NAME.key  sign as this agency, inside the encryption
          --sign-passphrase-file F
                                that keyring's passphrase (else asked at the terminal)
  open    open the packet on standard input; the payload goes to standard output
          --key NAME.key        open as this agency
          --passphrase-file F   the key file's passphrase, or without --key the
                                packet's passphrase (else asked at the terminal)
          --directory FILE      a saved copy of the server's directory, to name the
                                agency that signed; standard error says `signed by KID`
                                or `not signed`
  inbox   the agency's waiting packets on a server, with its inbox credential
          --server URL          the server (https://, or http:// to this machine)
          --credential-file F   the inbox credential (else asked at the terminal)
                                without an option below: one line per packet, tab-
                                separated: id, reference, received (UTC), bytes, new/kept
          --fetch ID            writes that packet to standard output
          --fetch-all FOLDER    writes each packet not yet there as FOLDER/ID.jwe
          --ack ID              marks it kept: the server's deletion clock starts
          --timeout SECONDS     the longest one request may take (default 60)
  help    print this message

Passphrases are never taken from the command line. A value may also be given as
--name=VALUE; a key id that begins with `--` (one in 4,096 does) is read either way.";

/// Runs the command line `confidant` was started with.
pub fn main_with_env() -> ExitCode {
    let mut arguments = args::Arguments::from_env();
    let result = match arguments.command().as_deref() {
        Some("serve") => serve::run(arguments).map_err(CliError::Serve),
        Some("agency") => agency::run(arguments),
        Some("partner") => partner::run(arguments),
        Some("keygen") => keygen::run(arguments),
        Some("seal") => seal::run(arguments),
        Some("open") => open::run(arguments),
        Some("inbox") => inbox::run(arguments),
        Some("help" | "--help" | "-h") | None => {
            say(USAGE);
            Ok(())
        }
        Some(other) => Err(UsageError::UnknownCommand(other.to_owned()).into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            complain(&error.to_string());
            ExitCode::FAILURE
        }
    }
}

/// Prints a line for the person at the terminal.
#[allow(clippy::print_stdout)]
pub fn say(line: &str) {
    println!("{line}");
}

/// Prints one line of information on standard error, where it stays apart from a
/// command's output (an opened payload, for one).
#[allow(clippy::print_stderr)]
pub fn note(line: &str) {
    eprintln!("{line}");
}

/// Prints one error line, prefixed so that it is recognisable in a script's output.
#[allow(clippy::print_stderr)]
pub fn complain(line: &str) {
    eprintln!("confidant: {line}");
}
