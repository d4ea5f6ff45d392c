//! The native reference for the browser inbox bench (`bench/inbox.mjs`): what
//! `confidant open` does for each packet, done for a whole inbox folder in one process,
//! so that the key file's Argon2id runs once, as the browser's does.
//!
//! usage: inbox-open KEY_FILE PASSPHRASE_FILE FOLDER
//! Prints one line: `opened N of M packets in T ms (key, first packet, each after it)`.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::run();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;

    use confidant_core::form::ReceivedReferral;
    use confidant_core::keys::{KeyFile, Passphrase};
    use confidant_core::packet::Packet;

    #[allow(clippy::print_stdout, clippy::print_stderr)]
    pub fn run() {
        let arguments: Vec<String> = std::env::args().skip(1).collect();
        let [key, passphrase, folder] = arguments.as_slice() else {
            eprintln!("usage: inbox-open KEY_FILE PASSPHRASE_FILE FOLDER");
            std::process::exit(2);
        };
        let key = std::fs::read_to_string(key).expect("the key file reads");
        let passphrase = std::fs::read_to_string(passphrase).expect("the passphrase file reads");
        let passphrase = Passphrase::new(passphrase.trim_end_matches('\n').to_owned());
        let mut paths: Vec<_> = std::fs::read_dir(folder)
            .expect("the folder reads")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        paths.sort();
        let texts: Vec<String> = paths
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("a packet reads"))
            .collect();

        let start = Instant::now();
        let pair = KeyFile::open(&key, &passphrase).expect("the key file opens");
        let key_ms = start.elapsed().as_secs_f64() * 1000.0;
        let mut read = 0;
        let mut cache = confidant_core::form::Definitions::default();
        let mut first_ms = 0.0;
        for text in &texts {
            let packet_start = Instant::now();
            let opened = Packet::parse(text)
                .and_then(|packet| packet.open_with_key(&pair.secret))
                .expect("a packet opens");
            let meta = opened.meta();
            if ReceivedReferral::read_with(
                opened.payload_json(),
                meta.form_id(),
                meta.form_version(),
                &mut cache,
            )
            .is_ok()
            {
                read += 1;
            }
            if read == 1 && first_ms == 0.0 {
                first_ms = packet_start.elapsed().as_secs_f64() * 1000.0;
            }
        }
        let total_ms = start.elapsed().as_secs_f64() * 1000.0;
        println!(
            "opened {read} of {} packets in {total_ms:.0} ms (key {key_ms:.0} ms, first packet {first_ms:.1} ms, each after it {:.1} ms)",
            texts.len(),
            (total_ms - key_ms - first_ms) / (texts.len().max(2) - 1) as f64
        );
    }
}
