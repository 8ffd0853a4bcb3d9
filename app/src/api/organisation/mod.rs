mod organisation_name;
pub use organisation_name::*;
