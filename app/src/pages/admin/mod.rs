pub mod erasures;
pub mod logbook;
pub mod organisation;
pub mod users;
