pub mod logbook;
pub mod users;
