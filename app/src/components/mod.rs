pub mod auth;
pub mod form;
pub mod layout;
pub mod notice;
pub mod time;
