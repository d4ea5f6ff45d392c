//! Components shared by several screens.

pub mod code_select;
pub mod draft_panel;
pub mod form_view;
pub mod keyring_setup;
pub mod language_picker;
pub mod new_person;
pub mod outcome_panel;
pub mod quick_exit_button;
pub mod screen_heading;
