//! The one place the app reads the clock.

/// Milliseconds since the epoch, as the browser sees it.
///
/// Used only to time key presses (the double Escape of the quick exit), never recorded.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}
