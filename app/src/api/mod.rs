//! Server functions, one per file, grouped by area. Each is thin: authorize, call the core, map
//! errors. Endpoints are named explicitly so their URLs stay stable across builds.
pub mod system;
