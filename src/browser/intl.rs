//! The one place the app asks the browser's `Intl`: the names of countries and languages
//! in the reader's language, in the order that language sorts them, and dates as the
//! reader writes them. The app carries only the codes; the browser knows the names. Numbers
//! are written here too, by the browser.
//!
//! Where the browser has no `Intl.DisplayNames` (older engines), the codes are offered as
//! they are, rather than nothing: a worker can still choose "PH" or "tl".

use wasm_bindgen::JsValue;

/// Which names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// ISO 3166-1 alpha-2 regions.
    Region,
    /// ISO 639-1 languages.
    Language,
}

fn has_display_names() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"Intl".into())
        .ok()
        .filter(|intl| !intl.is_undefined())
        .and_then(|intl| js_sys::Reflect::has(&intl, &"DisplayNames".into()).ok())
        .unwrap_or(false)
}

/// `codes` with their names in `language`, sorted by name. A code the browser cannot
/// name (it answers with the code itself) is left out: an unnamed code helps nobody
/// choose.
pub fn names(kind: NameKind, language: &str, codes: &[&str]) -> Vec<(String, String)> {
    let locales = js_sys::Array::of1(&JsValue::from_str(language));
    if !has_display_names() {
        return codes
            .iter()
            .map(|code| ((*code).to_owned(), (*code).to_owned()))
            .collect();
    }
    let options = js_sys::Object::new();
    let type_name = match kind {
        NameKind::Region => "region",
        NameKind::Language => "language",
    };
    let _ = js_sys::Reflect::set(&options, &"type".into(), &type_name.into());
    let display = js_sys::Intl::DisplayNames::new(&locales, &options);
    let mut names: Vec<(String, String)> = codes
        .iter()
        .filter_map(|code| {
            let name = String::from(display.of(code)?);
            (!name.eq_ignore_ascii_case(code)).then(|| ((*code).to_owned(), name))
        })
        .collect();
    let compare = js_sys::Intl::Collator::new(&locales, &js_sys::Object::new()).compare();
    crate::short_sort::sort_short_by(&mut names, |a, b| {
        let order = compare
            .call2(
                &JsValue::NULL,
                &JsValue::from_str(&a.1),
                &JsValue::from_str(&b.1),
            )
            .ok()
            .and_then(|order| order.as_f64())
            .unwrap_or(0.0);
        order.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal)
    });
    names
}

thread_local! {
    /// One date format per language: making one is the slow part of formatting a date,
    /// and a full inbox shows hundreds.
    static DAY_FORMATS: std::cell::RefCell<Vec<(String, js_sys::Intl::DateTimeFormat)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The day of `unix_seconds` (a UTC day, as packets are dated), written out in
/// `language`.
pub fn day(unix_seconds: u64, language: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0));
    DAY_FORMATS.with(|formats| {
        let mut formats = formats.borrow_mut();
        let format = match formats.iter().position(|(known, _)| known == language) {
            Some(at) => formats[at].1.clone(),
            None => {
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
                let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
                let locales = js_sys::Array::of1(&language.into());
                let format = js_sys::Intl::DateTimeFormat::new(&locales, &options);
                formats.push((language.to_owned(), format.clone()));
                format
            }
        };
        format
            .format()
            .call1(&JsValue::UNDEFINED, &date)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default()
    })
}

/// A number answer as text, written by the browser (`Number.prototype.toString`): the
/// value of a number field, and the answer shown on the review, in the inbox and in a
/// draft. For the numbers forms ask for (ages, counts) it gives the digits Rust's
/// `Display` gives, and the module then carries none of Rust's float formatting, about
/// 5.7 KiB brotli (bench/weight.mjs).
pub fn number(value: f64) -> String {
    js_sys::Number::from(value)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}
