// Every heap block is wiped before it is freed: what the worker typed, a referral read
// in the inbox and a draft's answers leave no copy in the module's memory once dropped.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static WIPED_ON_FREE: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() {
    confidant_web::start();
}
