//! One module per screen of the app.

pub mod home;
pub mod identify;
pub mod pending;
