//! `confidant open`: reads a packet on standard input and writes its payload JSON to
//! standard output. With `--key NAME.key` it opens as that agency (the key file's
//! passphrase from `--passphrase-file` or the terminal); without, it opens as a
//! passphrase recipient.

use std::io::{Read, Write};

use confidant_core::keys::KeyFile;
use confidant_core::packet::{MAX_PACKET_LEN, Packet};
use zeroize::Zeroizing;

use crate::args::Arguments;
use crate::secrets;

pub fn run(mut arguments: Arguments) -> Result<(), String> {
    let key_path = arguments.value("key")?;
    let passphrase_file = arguments.value("passphrase-file")?;
    arguments.finish()?;

    let text = read_packet()?;
    let packet = Packet::parse(&text)
        .map_err(|error| format!("not a packet Confidant can open: {error}"))?;

    let opened = match key_path {
        Some(key_path) => {
            let key_text = std::fs::read_to_string(&key_path)
                .map_err(|error| format!("cannot read the key file `{key_path}`: {error}"))?;
            let passphrase = secrets::from_file_or_prompt(
                passphrase_file.as_deref(),
                &format!("Passphrase of {key_path}: "),
                false,
            )?;
            let pair = KeyFile::open(&key_text, &passphrase)
                .map_err(|error| format!("`{key_path}`: {error}"))?;
            packet.open_with_key(&pair.secret)
        }
        None => {
            if !packet
                .recipients()
                .iter()
                .any(|recipient| recipient.is_passphrase())
            {
                return Err(
                    "this packet has no passphrase recipient; give --key AGENCY.key".to_owned(),
                );
            }
            let passphrase = secrets::from_file_or_prompt(
                passphrase_file.as_deref(),
                "Passphrase of the packet: ",
                false,
            )?;
            packet.open_with_passphrase(&passphrase)
        }
    }
    .map_err(|error| error.to_string())?;

    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(opened.payload_json().as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write the payload: {error}"))
}

fn read_packet() -> Result<Zeroizing<String>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PACKET_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read the packet from standard input: {error}"))?;
    if bytes.len() > MAX_PACKET_LEN {
        return Err(format!("the packet is larger than {MAX_PACKET_LEN} bytes"));
    }
    let text = String::from_utf8(bytes).map_err(|_| "the packet is not UTF-8 text".to_owned())?;
    Ok(Zeroizing::new(text.trim().to_owned()))
}
