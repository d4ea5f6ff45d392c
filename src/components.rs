//! Components shared by several screens.

pub mod code_select;
pub mod draft_host;
pub mod draft_panel;
pub mod form_view;
pub mod keyring_setup;
pub mod language_picker;
pub mod module_host;
pub mod new_person;
pub mod outcome_panel;
pub mod quick_exit_button;
pub mod screen_heading;

/// What was typed in the input behind `node`, with the field emptied at once: a secret (a
/// passphrase, a credential) leaves the form as soon as it is read.
pub fn take_secret(node: &yew::NodeRef) -> zeroize::Zeroizing<String> {
    node.cast::<web_sys::HtmlInputElement>().map_or_else(
        || zeroize::Zeroizing::new(String::new()),
        |input| {
            let value = zeroize::Zeroizing::new(input.value());
            input.set_value("");
            value
        },
    )
}
