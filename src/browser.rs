//! The only places the app touches the browser's effects, one module each.
//!
//! Components call these functions and never reach for `web_sys` storage, location,
//! history or the clock themselves.

pub mod backup_checks;
pub mod clock;
pub mod derive;
pub mod document;
pub mod drafts;
pub mod drafts_module;
pub mod embedding;
pub mod files;
pub mod focus;
pub mod frames;
pub mod inbox_module;
pub mod intl;
pub mod kept_checklists;
pub mod navigation;
pub mod network;
pub mod offline;
pub mod outbox;
pub mod page_modules;
pub mod pins;
pub mod print;
pub mod storage;
pub mod webcrypto;
pub mod workers;
