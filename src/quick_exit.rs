//! The quick exit: one tap, or Escape twice, and the app is gone. This is its one home
//! in the app: the double press, and the leaving (through `browser::storage` and
//! `browser::navigation`); the root wires it to the button and the keyboard.
//!
//! A worker may need to hide the screen at once, in front of the very person the form is
//! about, or of whoever controls them. The exit must be reachable from every screen, fast,
//! and leave nothing for the back button or a curious hand: it drops all in-memory state,
//! clears session storage and replaces the app's history entry with a neutral page
//! ([`crate::browser::navigation`]).
//!
//! Until the WebAssembly has arrived and started, `www/boot.js` offers the same exit from
//! the page's plain HTML (the same button place, the same double Escape, the same neutral
//! page), so there is a way out from the first moment on a slow connection.

use std::cell::RefCell;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::Callback;

use crate::browser::{clock, navigation, storage};

/// Leaves: clears the tab's session storage, then replaces the app's history entry with
/// the neutral page, or calls `instead` (tests, to stay on their page). The caller first
/// drops the shell's state (`ShellAction::Exit`), so that nothing is in memory either.
pub fn leave(instead: Option<&Callback<()>>) {
    storage::clear_session();
    match instead {
        Some(instead) => instead.emit(()),
        None => navigation::leave_for_neutral_page(),
    }
}

/// Calls `exit` when Escape is pressed twice within [`DOUBLE_PRESS_WINDOW_MS`], anywhere
/// in the page; stops listening when the returned handle is dropped.
pub fn on_double_escape(exit: Callback<()>) -> EventListener {
    let keys = RefCell::new(DoubleEscape::default());
    EventListener::new(&gloo::utils::document(), "keydown", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if event.key() != "Escape" {
            keys.borrow_mut().other_key();
        } else if keys.borrow_mut().press(clock::now_millis()) {
            exit.emit(());
        }
    })
}

/// How close together two presses of Escape must be to count as a quick exit.
pub const DOUBLE_PRESS_WINDOW_MS: f64 = 800.0;

/// Recognises Escape pressed twice within [`DOUBLE_PRESS_WINDOW_MS`].
///
/// Kept free of the browser (times come in as arguments) so that it is tested natively.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct DoubleEscape {
    last_press_ms: Option<f64>,
}

impl DoubleEscape {
    /// Records a press of Escape at `now_ms` and says whether it completes a double press.
    /// A completed double press starts the count afresh.
    pub fn press(&mut self, now_ms: f64) -> bool {
        let completes = self
            .last_press_ms
            .is_some_and(|last| (0.0..=DOUBLE_PRESS_WINDOW_MS).contains(&(now_ms - last)));
        self.last_press_ms = if completes { None } else { Some(now_ms) };
        completes
    }

    /// Any other key breaks a pending double press.
    pub fn other_key(&mut self) {
        self.last_press_ms = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_presses_in_the_window_exit() {
        let mut keys = DoubleEscape::default();
        assert!(!keys.press(1_000.0));
        assert!(keys.press(1_000.0 + DOUBLE_PRESS_WINDOW_MS));
    }

    #[test]
    fn presses_too_far_apart_do_not_exit() {
        let mut keys = DoubleEscape::default();
        assert!(!keys.press(1_000.0));
        assert!(!keys.press(1_001.0 + DOUBLE_PRESS_WINDOW_MS));
        // ...but the late press starts a new pair.
        assert!(keys.press(1_100.0 + DOUBLE_PRESS_WINDOW_MS));
    }

    #[test]
    fn another_key_in_between_breaks_the_pair() {
        let mut keys = DoubleEscape::default();
        assert!(!keys.press(1_000.0));
        keys.other_key();
        assert!(!keys.press(1_100.0));
    }

    #[test]
    fn a_third_press_does_not_exit_twice() {
        let mut keys = DoubleEscape::default();
        assert!(!keys.press(1_000.0));
        assert!(keys.press(1_100.0));
        assert!(!keys.press(1_200.0));
    }

    #[test]
    fn a_clock_that_steps_back_does_not_exit() {
        let mut keys = DoubleEscape::default();
        assert!(!keys.press(5_000.0));
        assert!(!keys.press(4_900.0));
    }
}
