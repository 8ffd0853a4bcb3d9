pub mod logbook;
pub mod organisation;
pub mod users;
