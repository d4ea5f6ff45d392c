//! Confidant's web app: a thin Yew shell over the core.
//!
//! Everything that can be decided without a browser lives in `confidant-core`. This crate
//! holds the components, and exactly one module for each browser effect under
//! [`browser`], so that every place the app touches storage, navigation or the clock can
//! be found and reviewed in one file.

pub mod app;
pub mod browser;
pub mod components;
pub mod drafts_root;
pub mod embed;
pub mod forms;
pub mod inbox_root;
pub mod interface_text;
pub mod module_root;
pub mod quick_exit;
pub mod screens;
pub mod sealing;
pub mod short_sort;
pub mod state;
pub mod use_cases;

/// Mounts the app on the page's `<main id="app">` element and tells the boot script that
/// the WebAssembly module is running (so it stops waiting to show a failure message).
pub fn start() {
    let root = browser::document::app_root();
    let first_screen = browser::document::take_first_choice()
        .as_deref()
        .and_then(state::Screen::from_first_choice);
    yew::Renderer::<app::App>::with_root_and_props(
        root,
        app::AppProps {
            first_screen,
            ..app::AppProps::default()
        },
    )
    .render();
    browser::document::mark_started();
}

/// Mounts an embedded form (`src/bin/embed.rs`) for the frame's address,
/// `/embed/FORM?partner=ID#pins=…`. The server serves the embed page only at such an
/// address, so any other is a page that was tampered with: it is declared failed, which
/// the boot script shows, rather than opening anything.
pub fn start_embed() {
    let Some(address) = browser::document::embed_address() else {
        browser::document::mark_failed();
        return;
    };
    yew::Renderer::<embed::Embed>::with_root_and_props(
        browser::document::app_root(),
        embed::EmbedProps { address },
    )
    .render();
    browser::document::mark_started();
}
