//! The server-side core: no Leptos types below this line, so it can be tested and reused by the
//! CLI and jobs without a web request.
pub mod auth;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod files;
pub mod gdpr;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod logbook;
pub mod mail;
pub mod organisation;
pub mod people;
pub mod state;
pub mod talks;
pub mod tenancy;
pub mod testkit;
