//! The one place the app reads the clock, and keeps time: the current time, today's
//! date, pauses and repeated ticks. The shell's state never reads the clock itself: the
//! root reads it here and passes the time in with the actions that need it.

/// Milliseconds since the epoch, as the browser sees it.
///
/// Used only to time key presses (the double Escape of the quick exit), never recorded.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

/// Today's date on this device, `YYYY-MM-DD`: for checking that a date is not in the
/// future.
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// Resolves after `millis` milliseconds, without holding up the page.
pub async fn sleep(millis: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Calls `tick` every `millis` milliseconds until the returned handle is dropped.
pub fn every(millis: u32, tick: impl FnMut() + 'static) -> gloo::timers::callback::Interval {
    gloo::timers::callback::Interval::new(millis, tick)
}
