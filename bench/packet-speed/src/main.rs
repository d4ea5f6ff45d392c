//! The native half of the packet bench: seal and open throughput of the core on this
//! machine. Run by `scripts/bench.sh`.

use std::time::Instant;

#[allow(clippy::print_stdout)]
fn main() {
    let start = Instant::now();
    let now_ms = move || start.elapsed().as_secs_f64() * 1e3;
    println!("Packets, natively (the native profile, this machine)");
    for mut case in confidant_bench::core_cases() {
        let ms = confidant_bench::median_ms(&now_ms, 1_000.0, &mut case.run);
        println!(
            "{}",
            confidant_bench::line(case.what, case.size_name, case.bytes, ms)
        );
    }
}
