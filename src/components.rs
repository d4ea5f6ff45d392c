//! Components shared by several screens.

pub mod quick_exit_button;
pub mod screen_heading;
