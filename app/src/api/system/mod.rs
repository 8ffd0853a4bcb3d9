mod check_server;
pub use check_server::*;
