pub mod account;
pub mod admin;
pub mod home;
pub mod not_found;
pub mod people;
pub mod set_password;
pub mod sign_in;
pub mod talks;
