//! The measurements behind `scripts/bench.sh`'s packet figures, shared by the native
//! run (`src/main.rs`) and the browser run (`benches/browser_speed.rs`); each passes its
//! own clock.

#[cfg(not(target_arch = "wasm32"))]
pub mod ingest;

use aes::Aes256;
use aes::cipher::{KeyIvInit, StreamCipher};
use confidant_core::form::FormDefinition;
use confidant_core::keys::AgencyKeyPair;
use confidant_core::packet::{FormRef, Packet, Recipient, seal_packet};
use ghash::GHash;
use ghash::universal_hash::UniversalHash;

/// The payload sizes of the bench: 64 KiB and 4 MiB, each just below its padding bucket
/// so that the ciphertext is exactly that size.
pub const SIZES: [(&str, usize); 2] = [("64 KiB", 64 * 1024), ("4 MiB", 4 * 1024 * 1024)];

/// A JSON object payload of `size` bytes.
pub fn payload(size: usize) -> String {
    let overhead = r#"{"filler":""}"#.len();
    serde_json::json!({ "filler": "x".repeat(size - overhead) }).to_string()
}

pub fn form() -> FormRef {
    FormRef {
        id: "referral".into(),
        version: "1".into(),
    }
}

/// Three agencies, as a typical referral goes to.
pub fn agencies() -> Vec<AgencyKeyPair> {
    (0..3)
        .map(|_| {
            AgencyKeyPair::generate(&mut getrandom::SysRng).expect("the system has randomness")
        })
        .collect()
}

pub fn recipients(agencies: &[AgencyKeyPair]) -> Vec<Recipient> {
    agencies
        .iter()
        .map(|agency| Recipient::Agency(agency.public.clone()))
        .collect()
}

/// A valid form definition of `fields` yes/no fields, their ids in descending order, each
/// shown once the one before it is answered: the worst order for maps kept sorted by
/// insertion. A definition arrives inside every packet a receiver opens.
pub fn definition_flood(fields: usize) -> String {
    let field = |n: usize| {
        let mut field = serde_json::json!({
            "id": format!("f{n:06}"), "kind": "yes_no", "data_class": "organisational",
            "label": { "en": "x" },
        });
        if n < fields {
            field["show_if"] = serde_json::json!({ "answered": format!("f{:06}", n + 1) });
        }
        field
    };
    serde_json::json!({
        "format": "confidant-form", "format_version": 1, "id": "flood", "version": "1",
        "languages": ["en"], "title": { "en": "t" },
        "sections": [{
            "id": "s", "title": { "en": "t" },
            "fields": (1..=fields).rev().map(field).collect::<Vec<_>>(),
        }],
    })
    .to_string()
}

/// Runs `work` repeatedly for at least `budget_ms` (and at least 3 times) and returns the
/// median milliseconds per run.
pub fn median_ms(now_ms: &dyn Fn() -> f64, budget_ms: f64, mut work: impl FnMut()) -> f64 {
    let mut times = Vec::new();
    let start = now_ms();
    while times.len() < 3 || now_ms() - start < budget_ms {
        let before = now_ms();
        work();
        times.push(now_ms() - before);
    }
    median(times)
}

pub fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Megabytes (10^6 bytes) per second.
pub fn mb_per_s(bytes: usize, ms: f64) -> f64 {
    bytes as f64 / 1e6 / (ms / 1e3)
}

/// One line of figures.
pub fn line(what: &str, size: &str, bytes: usize, ms: f64) -> String {
    format!(
        "{what:<44} {size:>7} {ms:>10.2} ms {:>9.1} MB/s",
        mb_per_s(bytes, ms)
    )
}

/// One thing to time: `run` does it once on `bytes` bytes.
pub struct Case {
    pub what: &'static str,
    pub size_name: &'static str,
    pub bytes: usize,
    pub run: Box<dyn FnMut()>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Case({} at {})", self.what, self.size_name)
    }
}

/// Seal and open with the core alone, and its AES-GCM taken apart: AES-256 in counter
/// mode and GHASH, each over the same number of bytes.
pub fn core_cases() -> Vec<Case> {
    let agencies = agencies();
    let recipients = recipients(&agencies);
    let mut cases = Vec::new();
    let flood = definition_flood(6_000);
    let read = flood.clone();
    cases.push(Case {
        what: "check a definition, 6,000 fields reversed",
        size_name: "flood",
        bytes: flood.len(),
        run: Box::new(move || {
            FormDefinition::parse(&flood).expect("the flood is a valid definition");
        }),
    });
    cases.push(Case {
        what: "  against reading it as JSON alone",
        size_name: "flood",
        bytes: read.len(),
        run: Box::new(move || {
            serde_json::from_str::<serde_json::Value>(&read).expect("reads");
        }),
    });
    for (size_name, size) in SIZES {
        let payload = payload(size);
        let sealed =
            seal_packet(&payload, &form(), 0, &recipients, &mut getrandom::SysRng).expect("seals");
        let packet = Packet::parse(&sealed).expect("parses");
        let secret = agencies[0].secret.clone();
        let seal_recipients = recipients.clone();
        let mut buffer = vec![0u8; size];
        let mut hashed = vec![0u8; size];
        cases.push(Case {
            what: "seal, core AES-GCM, 3 agencies",
            size_name,
            bytes: size,
            run: Box::new(move || {
                seal_packet(
                    &payload,
                    &form(),
                    0,
                    &seal_recipients,
                    &mut getrandom::SysRng,
                )
                .expect("seals");
            }),
        });
        cases.push(Case {
            what: "open, core AES-GCM",
            size_name,
            bytes: size,
            run: Box::new(move || {
                let opened = packet.open_with_key(&secret).expect("opens");
                assert_eq!(opened.payload_json().len(), size);
            }),
        });
        cases.push(Case {
            what: "  of which AES-256-CTR alone (aes crate)",
            size_name,
            bytes: size,
            run: Box::new(move || {
                let mut cipher = ctr::Ctr32BE::<Aes256>::new(&[7u8; 32].into(), &[1u8; 16].into());
                cipher.apply_keystream(&mut buffer);
            }),
        });
        cases.push(Case {
            what: "  of which GHASH alone (ghash crate)",
            size_name,
            bytes: size,
            run: Box::new(move || {
                hashed[0] = hashed[0].wrapping_add(1);
                let mut hash = GHash::new(&[9u8; 16].into());
                hash.update_padded(&hashed);
                std::hint::black_box(hash.finalize());
            }),
        });
    }
    cases
}
