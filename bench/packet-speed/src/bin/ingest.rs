//! Server ingest against bare SQLite: see `confidant_bench::ingest`.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    confidant_bench::ingest::run();
}
