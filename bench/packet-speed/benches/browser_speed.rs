//! The browser half of the packet bench, in headless Chromium: the core's AES-GCM, the
//! app's path (WebCrypto for the bulk), and WebCrypto's AES-GCM alone on the same data in
//! the same page as the reference. Run by `scripts/bench.sh`, which prints the lines.
#![cfg(target_arch = "wasm32")]

use confidant_bench::{SIZES, agencies, core_cases, form, line, median, payload, recipients};
use confidant_core::packet::{Packet, prepare_seal};
use confidant_web::browser::webcrypto;
use confidant_web::sealing;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.now())
        .unwrap_or_default()
}

/// Lets the page breathe: the test runner talks to the page between runs, and a page
/// that computes for tens of seconds without a break is declared hung.
async fn yield_to_the_page() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Like `confidant_bench::median_ms`, for work that awaits, yielding between runs.
macro_rules! median_async_ms {
    ($budget:expr, $work:expr) => {{
        let mut times = Vec::new();
        let start = now_ms();
        while times.len() < 3 || now_ms() - start < $budget {
            let before = now_ms();
            $work;
            times.push(now_ms() - before);
            yield_to_the_page().await;
        }
        median(times)
    }};
}

#[wasm_bindgen_test]
async fn packet_speed_in_the_browser() {
    const BUDGET_MS: f64 = 2_000.0;
    console_log!("Packets, in headless Chromium (release wasm)");
    for mut case in core_cases() {
        let ms = median_async_ms!(BUDGET_MS, (case.run)());
        console_log!("{}", line(case.what, case.size_name, case.bytes, ms));
    }

    let agencies = agencies();
    let recipients = recipients(&agencies);
    for (size_name, size) in SIZES {
        let payload = payload(size);
        let key = [5u8; 32];
        let iv = [6u8; 12];
        let sealed = sealing::seal(&payload, &form(), 0, &recipients, None)
            .await
            .expect("seals");
        let packet = Packet::parse(std::str::from_utf8(&sealed).expect("ASCII")).expect("parses");
        // The reference, the seal and the open take turns in one loop, so that whatever
        // the page goes through meanwhile (garbage collection, tiering) weighs on all
        // three alike.
        let (mut reference, mut seal, mut open) = (Vec::new(), Vec::new(), Vec::new());
        let start = now_ms();
        while reference.len() < 5 || now_ms() - start < 3.0 * BUDGET_MS {
            let t0 = now_ms();
            webcrypto::aes256_gcm_encrypt(&key, &iv, b"aad", payload.as_bytes())
                .await
                .expect("webcrypto encrypts");
            let t1 = now_ms();
            sealing::seal(&payload, &form(), 0, &recipients, None)
                .await
                .expect("seals");
            let t2 = now_ms();
            sealing::open_with_key(&packet, &agencies[0].secret)
                .await
                .expect("opens");
            let t3 = now_ms();
            reference.push(t1 - t0);
            seal.push(t2 - t1);
            open.push(t3 - t2);
            yield_to_the_page().await;
        }
        let (reference, seal, open) = (median(reference), median(seal), median(open));
        // Where the time of the app's seal goes.
        let (mut prepare, mut encrypt, mut finish) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            let t0 = now_ms();
            let pending = prepare_seal(&payload, &form(), 0, &recipients, &mut getrandom::SysRng)
                .expect("prepares");
            let t1 = now_ms();
            let encrypted = webcrypto::aes256_gcm_encrypt(
                pending.content_key(),
                pending.iv(),
                pending.associated_data().as_bytes(),
                pending.padded_payload(),
            )
            .await
            .expect("webcrypto encrypts");
            let t2 = now_ms();
            pending.finish_bytes(encrypted).expect("finishes");
            let t3 = now_ms();
            prepare.push(t1 - t0);
            encrypt.push(t2 - t1);
            finish.push(t3 - t2);
            yield_to_the_page().await;
        }
        console_log!(
            "{}",
            line(
                "WebCrypto AES-256-GCM alone (reference)",
                size_name,
                size,
                reference
            )
        );
        console_log!(
            "{}",
            line(
                "seal, app path (WebCrypto bulk), 3 agencies",
                size_name,
                size,
                seal
            )
        );
        for (part, times) in [
            ("  of which preparing (keys, checks, padding)", prepare),
            ("  of which WebCrypto", encrypt),
            ("  of which writing the packet", finish),
        ] {
            console_log!("{}", line(part, size_name, size, median(times)));
        }
        console_log!(
            "{}",
            line("open, app path (WebCrypto bulk)", size_name, size, open)
        );
        console_log!(
            "ratio to WebCrypto at {size_name}: seal {:.2}x, open {:.2}x (target at least 0.5x at 4 MiB)",
            reference / seal,
            reference / open
        );
    }

    // A typical referral: about 20 KB of answers, to three agencies.
    let referral = payload(20_000);
    let typical = median_async_ms!(BUDGET_MS, {
        sealing::seal(&referral, &form(), 0, &recipients, None)
            .await
            .expect("seals");
    });
    console_log!(
        "sealing a 20 KB referral to 3 agencies: median {typical:.2} ms (target under 10 ms)"
    );
}
