//! Types and pure functions both sides use. Nothing here touches I/O.
pub mod auth;
pub mod format;
pub mod gdpr;
pub mod lang;
pub mod people;
pub mod personnummer;
pub mod slug;
pub mod system;
pub mod talks;
