//! One module per screen of the app.

pub mod draft;
pub mod form_screen;
pub mod groups;
pub mod home;
pub mod identify;
pub mod inbox;
pub mod outbox;
pub mod refer;
pub mod review;
