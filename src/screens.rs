//! One module per screen of the app.
//!
//! A screen that keeps no state of its own (home, the group checklists, the identification
//! checklist and the referral around their `form_screen`, a group's draft) is a plain
//! function of its `…Props`, rendered again with the shell. As a component it would also
//! compile Yew's lifecycle for its type: seven such views weighed about 4 KiB brotli in the
//! app's module (`bench/weight.mjs`). A view stays a component where its own state or
//! hooks need it, or where skipping a render with equal props matters: the form's
//! sections and fields (`components::form_view`), the inbox's items.

pub mod draft;
pub mod form_screen;
pub mod groups;
pub mod home;
pub mod identify;
pub mod inbox;
pub mod inbox_host;
pub mod outbox;
pub mod refer;
pub mod review;
