//! The one place the app opens the browser's print dialog: for the group agreement's
//! draft document (organisational data only; nothing about a person is ever printed from
//! here).

/// Opens the print dialog for the page as it is shown.
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
