//! The embedded form's own module: a partner's frame (`/embed/FORM?partner=ID`,
//! `docs/embedding.md`) loads this instead of the app. It holds the one form, sealing and
//! delivery, and none of the screens a partner's visitor never sees (the inbox, keyrings,
//! drafts, group checklists), so a visitor downloads only what the form needs.
//! `scripts/write-embed-page.mjs` writes the page that loads it, `dist/embed.html`.

// What the visitor typed leaves no copy in the module's memory once dropped.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static WIPED_ON_FREE: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() {
    confidant_web::start_embed();
}
