//! The one place the app hears from the service worker: whether a new build is installed
//! and waits for the next open (`www/boot.js` registers the worker and marks it; the
//! worker itself is `www/service-worker.js`).

use gloo::events::EventListener;

/// Whether a new build is ready for the next open.
pub fn update_ready() -> bool {
    gloo::utils::document()
        .document_element()
        .and_then(|root| root.get_attribute("data-confidant-update"))
        .is_some_and(|state| state == "ready")
}

/// Calls `ready` when a new build becomes ready; stops listening when dropped.
pub fn on_update_ready(ready: impl Fn() + 'static) -> EventListener {
    EventListener::new(
        &gloo::utils::window(),
        "confidant:update-ready",
        move |_| ready(),
    )
}
