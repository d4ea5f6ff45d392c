//! Running work after the browser has painted.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Runs `work` in a task of its own once the next frame is painted (from that frame's
/// animation callback, a zero-delay timer fires after the frame).
///
/// A click on a radio button or a checkbox shows its new state at once without the app;
/// recording the answer, and what follows from it (sections shown, the outcome), waits
/// until that frame is on screen, so the worker never waits for the app to see their
/// choice. Falls back to running `work` at once where there is no window.
pub fn after_next_paint(work: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        work();
        return;
    };
    let timer_window = window.clone();
    let on_frame = Closure::once_into_js(move || {
        let on_timer = Closure::once_into_js(work);
        let _ = timer_window
            .set_timeout_with_callback_and_timeout_and_arguments_0(on_timer.unchecked_ref(), 0);
    });
    let _ = window.request_animation_frame(on_frame.unchecked_ref());
}
